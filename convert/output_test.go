package convert_test

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/diag"
)

// TestFiles: each entry's path is built from checked names; a name that
// fails, and a path two entries would share, are errors at the entry's
// position with nothing written for it; an entry not translated has no
// file but its path is among those the conversion may write.
func TestFiles(t *testing.T) {
	entry := func(id string, line int, f backends.Fidelity) convert.Entry {
		return convert.Entry{ID: id, Target: "splunk", Profile: "sysmon", Fidelity: f,
			Queries: []backends.Result{{Query: "q " + id}}, Pos: diag.Pos{File: "a.md", Line: line, Col: 1}}
	}
	out, diags := convert.Files([]convert.Entry{
		entry("CAR-1", 1, backends.Exact),
		entry("CAR-1", 2, backends.Approximate), // a second implementation
		entry("CAR-2", 3, backends.NotDone),
		entry("CAR-1-2", 4, backends.Exact), // CAR-1's second has its name
		entry("car-1", 8, backends.Exact),   // so has CAR-1, without case
		entry("../../x", 5, backends.Exact),
		entry("", 6, backends.Exact),
		{ID: "CAR-3", Target: "splunk", Profile: "a/b", Fidelity: backends.Exact, Pos: diag.Pos{File: "a.md", Line: 7, Col: 1}},
	})
	p := func(name string) string { return filepath.Join("splunk-sysmon", name) }
	if want := map[string]string{p("CAR-1.txt"): "q CAR-1\n", p("CAR-1-2.txt"): "q CAR-1\n"}; !reflect.DeepEqual(out.Files, want) {
		t.Errorf("files %v", out.Files)
	}
	if want := []string{p("CAR-1-2.txt"), p("CAR-1.txt"), p("CAR-2.txt")}; !reflect.DeepEqual(out.Paths, want) {
		t.Errorf("paths %v", out.Paths)
	}
	var got []string
	for _, d := range diags {
		got = append(got, d.String())
	}
	want := []string{
		"a.md:4:1: error: CAR-1-2 would write splunk-sysmon/CAR-1-2.txt for splunk (sysmon), which CAR-1 (a.md:2:1) writes already; nothing is written for it",
		"a.md:8:1: error: car-1 would write splunk-sysmon/car-1.txt for splunk (sysmon), which CAR-1 (a.md:1:1) writes already; nothing is written for it",
		`a.md:5:1: error: analytic ID "../../x" starts with ".", and a file name is built from it; nothing is written for it`,
		"a.md:6:1: error: analytic ID is empty, and a file name is built from it; nothing is written for it",
		`a.md:7:1: error: profile name "a/b" holds '/', and a file name is built from it: only letters, digits, '.', '_', '+' and '-' may be used; nothing is written for it`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
