// Package backendtest holds what the query backends' tests share.
package backendtest

import (
	"strings"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/profile"
)

// Translate converts one pseudocode program with a backend through a
// profile (the backend's default when p is nil), as the convert command
// does, and returns the queries, one a line, and the entry. A program
// with errors fails the test.
func Translate(t testing.TB, b backends.Backend, p *profile.Profile, code string) (string, convert.Entry) {
	t.Helper()
	a := &analytic.Analytic{ID: "CAR-2099-01-001", Implementations: []analytic.Implementation{
		{Type: analytic.Pseudocode, Code: code, CodePos: analytic.Pos{File: "t.md", Line: 1}}}}
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
