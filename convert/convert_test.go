package convert_test

import (
	"strings"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/backends/splunk"
	"github.com/cartrans/cartrans/convert"
)

func pseudocode(id, code string) *analytic.Analytic {
	return &analytic.Analytic{ID: id, Title: id, Implementations: []analytic.Implementation{
		{Type: analytic.Pseudocode, Code: code, CodePos: analytic.Pos{File: id + ".md", Line: 1}}}}
}

// TestRun: "run Analytic:ID" is the output of that analytic among the
// inputs, filtered further here; an analytic whose pseudocode has errors,
// or whose outputs search different events, cannot be used so, and the
// reason says which.
func TestRun(t *testing.T) {
	base := pseudocode("CAR-2099-01-001", "p = search Process:Create\nshells = filter p where exe == \"cmd.exe\"\noutput shells")
	two := pseudocode("CAR-2099-01-002", "p = search Process:Create\na = filter p where exe == \"a.exe\"\nb = filter p where exe == \"b.exe\"\noutput a, b")
	mixed := pseudocode("CAR-2099-01-003", "p = search Process:Create\nf = search File:Create\noutput p, f")
	broken := pseudocode("CAR-2099-01-004", "p = search Process:Create\nx = filter p where exe ==\noutput x")
	target := convert.Target{Backend: splunk.Backend{}, Profile: splunk.Backend{}.Profiles()[0]}
	idx := "index=__your_sysmon_index__ "
	for _, c := range []struct{ ref, want, reason string }{
		{"CAR-2099-01-001", idx + `EventCode=1 Image="*\\cmd.exe" ParentImage="*\\services.exe"`, ""},
		{"CAR-2099-01-002", idx + `EventCode=1 Image IN ("*\\a.exe", "*\\b.exe") ParentImage="*\\services.exe"`, ""},
		{"CAR-2099-01-003", "", "reference to an analytic whose outputs search different events"},
		{"CAR-2099-01-004", "", "CAR-2099-01-004: its pseudocode has errors"},
	} {
		user := pseudocode("CAR-2099-02-001", "x = run Analytic:"+c.ref+"\ny = filter x where parent_exe == \"services.exe\"\noutput y")
		entries, _ := convert.Convert([]*analytic.Analytic{base, two, mixed, broken, user}, []convert.Target{target}, convert.Options{})
		e := entries[len(entries)-1]
		switch {
		case c.reason == "" && (e.Fidelity != backends.Exact || e.Queries[0].Query != c.want):
			t.Errorf("run %s: %s %q %v\nwant %s", c.ref, e.Fidelity, e.Reason, e.Queries, c.want)
		case c.reason != "" && (e.Fidelity != backends.NotDone || !strings.Contains(e.Reason, c.reason)):
			t.Errorf("run %s: %s %q, want unsupported: %q", c.ref, e.Fidelity, e.Reason, c.reason)
		}
	}
}
