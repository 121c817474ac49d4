package ir_test

import (
	"errors"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/compiler"
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"github.com/cartrans/cartrans/ir"
)

func lower(t *testing.T, code string) ([]ir.Query, error) {
	t.Helper()
	a := &analytic.Analytic{ID: "CAR-2099-01-001", Implementations: []analytic.Implementation{
		{Type: analytic.Pseudocode, Code: code, CodePos: analytic.Pos{File: "t.md", Line: 1}}}}
	units := compiler.Compile([]*analytic.Analytic{a})
	if !units[0].OK() {
		t.Fatalf("%s: %v", code, units[0].Diags)
	}
	return ir.Lower(units[0].Program, units[0].Info)
}

// TestJoinSides checks that a join whose side is itself a join or a group
// is refused when lowered, naming the join, so that no backend reports
// the side instead.
func TestJoinSides(t *testing.T) {
	for _, code := range []string{
		"p = search Process:Create\nc = count(p) by hostname\nf = search Flow:Start\nj = join (c, f) where c.hostname == f.hostname\noutput j",
		"a = search Process:Create\nb = search Process:Create\nj = join (a, b) where a.pid == b.ppid\nf = search Flow:Start\nk = join (f, j) where f.pid == j.pid\noutput k",
	} {
		_, err := lower(t, code)
		var u *ir.Unsupported
		if !errors.As(err, &u) || u.Construct != "join of a join or a group" {
			t.Errorf("%s:\n got %v", code, err)
		}
	}
	qs, err := lower(t, "a = search Process:Create\nb = search Process:Create\nj = join (a, b) where a.pid == b.ppid\noutput j")
	if err != nil || len(qs) != 1 || qs[0].Join == nil || len(qs[0].Join.Keys) != 1 {
		t.Errorf("a plain join: %+v, %v", qs, err)
	}
}
