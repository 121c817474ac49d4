// Package backendtest holds what the backends' tests share.
package backendtest

import (
	"strings"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/compiler"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/profile"
)

// Analytic is an analytic whose one implementation is the pseudocode,
// read from t.md at line 1.
func Analytic(code string) *analytic.Analytic {
	return &analytic.Analytic{ID: "CAR-2099-01-001", Implementations: []analytic.Implementation{
		{Type: analytic.Pseudocode, Code: code, CodePos: analytic.Pos{File: "t.md", Line: 1}}}}
}

// Lower compiles and lowers one pseudocode program; errors in it, or a
// construct the lowering refuses, fail the test.
func Lower(t testing.TB, code string) []ir.Query {
	t.Helper()
	u := compiler.Compile([]*analytic.Analytic{Analytic(code)})[0]
	if !u.OK() {
		t.Fatalf("%s: %v", code, u.Diags)
	}
	qs, err := ir.Lower(u.Program, u.Info)
	if err != nil {
		t.Fatalf("%s: %v", code, err)
	}
	return qs
}

// Translate converts one pseudocode program with a backend through a
// profile (the backend's default when p is nil), as the convert command
// does, and returns the queries, one a line, and the entry. A program
// with errors fails the test.
func Translate(t testing.TB, b backends.Backend, p *profile.Profile, code string) (string, convert.Entry) {
	t.Helper()
	a := Analytic(code)
	if p == nil {
		p = b.Profiles()[0]
	}
	entries, diags := convert.Convert([]*analytic.Analytic{a}, []convert.Target{{Backend: b, Profile: p}}, convert.Options{})
	if diags.HasErrors() {
		t.Fatalf("%s: %v", code, diags)
	}
	e := entries[0]
	qs := make([]string, len(e.Queries))
	for i, q := range e.Queries {
		qs[i] = q.Query
	}
	return strings.Join(qs, "\n"), e
}
