package compiler_test

import (
	"strings"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/compiler"
)

func an(id, code string) *analytic.Analytic {
	return &analytic.Analytic{ID: id, Pos: analytic.Pos{File: id + ".md", Line: 2}, Implementations: []analytic.Implementation{
		{Type: analytic.Splunk, Code: "index=x"},
		{Type: analytic.Pseudocode, Code: code, CodePos: analytic.Pos{File: id + ".md", Line: 10, Col: 1}},
	}}
}

func TestRunAcrossAnalytics(t *testing.T) {
	base := an("CAR-2020-01-001", "p = search Process:Create\nx = filter p where exe == \"a\"\noutput x")
	user := an("CAR-2020-01-002", "w = run Analytic:CAR-2020-01-001\np = search Process:Create\nj = join (w, p) where w.hostname == p.hostname\noutput j")
	units := compiler.Compile([]*analytic.Analytic{base, user})
	if len(units) != 2 || units[0].Impl != 1 {
		t.Fatalf("units %+v", units)
	}
	for _, u := range units {
		if len(u.Diags) > 0 {
			t.Errorf("%s: %v", u.Analytic.ID, u.Diags)
		}
	}
	// Without the analytic it runs, the reference is an error.
	units = compiler.Compile([]*analytic.Analytic{user})
	if d := units[0].Diags; len(d) != 1 || d[0].Code != compiler.CodeUnknownAnalytic || d[0].Pos.String() != "CAR-2020-01-002.md:10:5" {
		t.Errorf("missing reference: %v", d)
	}
}

func TestRunCycle(t *testing.T) {
	a := an("CAR-2020-01-001", "x = run Analytic:CAR-2020-01-002\noutput x")
	b := an("CAR-2020-01-002", "y = run Analytic:CAR-2020-01-003\noutput y")
	c := an("CAR-2020-01-003", "z = run Analytic:CAR-2020-01-001\noutput z")
	self := an("CAR-2020-01-004", "s = run Analytic:CAR-2020-01-004\noutput s")
	units := compiler.Compile([]*analytic.Analytic{a, b, c, self})
	for _, u := range units {
		if len(u.Diags) != 1 || u.Diags[0].Code != compiler.CodeCycle {
			t.Errorf("%s: %v", u.Analytic.ID, u.Diags)
		}
	}
	if msg := units[0].Diags[0].Message; !strings.Contains(msg, "CAR-2020-01-001 → CAR-2020-01-002 → CAR-2020-01-003 → CAR-2020-01-001") {
		t.Errorf("cycle message %q", msg)
	}
}
