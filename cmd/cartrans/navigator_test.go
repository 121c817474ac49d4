package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/internal/testcorpus"
)

type navLayer struct {
	Name     string
	Versions struct{ Attack, Navigator, Layer string }
	Domain   string
	Gradient struct {
		Colors             []string
		MinValue, MaxValue int
	}
	LegendItems []struct{ Label, Color string }
	Techniques  []struct {
		TechniqueID, Tactic, Comment string
		Score                        int
		Enabled                      bool
	}
}

// navigator runs the command and reads its layer.
func navigator(t *testing.T, args ...string) (navLayer, string) {
	t.Helper()
	out, errs, code := cli(t, "", append([]string{"navigator"}, args...)...)
	if code != 0 {
		t.Fatalf("navigator %v: exit %d: %s", args, code, errs)
	}
	var l navLayer
	if err := json.Unmarshal([]byte(out), &l); err != nil {
		t.Fatalf("navigator %v: not JSON: %v\n%s", args, err, out)
	}
	return l, out
}

// cells maps "technique/tactic" to its score.
func (l navLayer) cells() map[string]int {
	m := map[string]int{}
	for _, te := range l.Techniques {
		m[te.TechniqueID+"/"+te.Tactic] = te.Score
	}
	return m
}

func TestNavigator(t *testing.T) {
	l, out := navigator(t, "../../examples/analytics")
	if l.Versions.Layer != "4.5" || l.Versions.Navigator != "5.1.0" || l.Versions.Attack != "16" || l.Domain != "enterprise-attack" || l.Name == "" {
		t.Errorf("header: %+v", l)
	}
	if len(l.Techniques) != 18 || len(l.Gradient.Colors) < 2 || l.Gradient.MaxValue <= l.Gradient.MinValue || len(l.LegendItems) == 0 {
		t.Errorf("%d techniques, gradient %+v, legend %v", len(l.Techniques), l.Gradient, l.LegendItems)
	}
	cells := l.cells()
	for _, k := range []string{"T1569/execution", "T1569.002/execution", "T1543.003/persistence", "T1543.003/privilege-escalation", "T1105/command-and-control", "T1053.005/execution"} {
		if cells[k] != 1 {
			t.Errorf("%s scores %d, want 1", k, cells[k])
		}
	}
	for _, te := range l.Techniques {
		if !te.Enabled || !strings.HasPrefix(te.Comment, "1 CAR analytic: CAR-2026-11-90") {
			t.Errorf("%s/%s: enabled %v, comment %q", te.TechniqueID, te.Tactic, te.Enabled, te.Comment)
		}
	}
	// Deterministic, and -o writes the same bytes.
	file := filepath.Join(t.TempDir(), "layer.json")
	if stdout, errs, code := cli(t, "", "navigator", "../../examples/analytics", "-o", file); code != 0 || stdout != "" {
		t.Errorf("-o: exit %d, stdout %q, stderr %q", code, stdout, errs)
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != out {
		t.Errorf("-o: %v, the file differs from standard output", err)
	}
	// -o replaces the file through a rename: a hard link to the old file
	// keeps the old layer, which a write in place would have truncated.
	link := file + ".old"
	if err := os.Link(file, link); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := cli(t, "", "navigator", "../../examples/analytics", "-t", "dnif", "-o", file); code != 0 {
		t.Errorf("-o over a layer: exit %d, stderr %q", code, errs)
	}
	if b, _ := os.ReadFile(link); string(b) != out {
		t.Error("-o wrote the old layer in place")
	}
	if b, _ := os.ReadFile(file); string(b) == out || len(b) == 0 {
		t.Error("-o did not write the new layer")
	}
	if _, again := navigator(t, "../../examples/analytics"); again != out {
		t.Error("a second run gives another layer")
	}

	// Splunk translates every example, one approximately: the same
	// cells, the approximate one marked; DNIF leaves one out.
	splunk, _ := navigator(t, "../../examples/analytics", "-t", "splunk")
	if len(splunk.Techniques) != len(l.Techniques) {
		t.Errorf("-t splunk: %d techniques, want %d", len(splunk.Techniques), len(l.Techniques))
	}
	for _, te := range splunk.Techniques {
		if approx := strings.Contains(te.Comment, "approximate"); approx != strings.Contains(te.Comment, "CAR-2026-11-903") {
			t.Errorf("-t splunk: %s/%s: comment %q", te.TechniqueID, te.Tactic, te.Comment)
		}
	}
	dnif, _ := navigator(t, "../../examples/analytics", "-t", "dnif")
	if len(dnif.Techniques) == 0 || len(dnif.Techniques) >= len(l.Techniques) {
		t.Errorf("-t dnif: %d techniques, want fewer than %d", len(dnif.Techniques), len(l.Techniques))
	}
	for k, n := range dnif.cells() {
		if n > cells[k] {
			t.Errorf("-t dnif: %s scores %d, more than %d", k, n, cells[k])
		}
	}
}

func TestNavigatorCorpus(t *testing.T) {
	dir := filepath.Join(testcorpus.Dir(t), "analytics")
	l, _ := navigator(t, dir)
	splunk, _ := navigator(t, dir, "-t", "splunk")
	all, sum, highest := l.cells(), 0, 0
	for _, te := range l.Techniques {
		sum += te.Score
		highest = max(highest, te.Score)
	}
	ssum := 0
	for k, n := range splunk.cells() {
		ssum += n
		if n > all[k] {
			t.Errorf("-t splunk: %s scores %d, more than %d", k, n, all[k])
		}
	}
	if len(splunk.Techniques) == 0 || ssum >= sum {
		t.Errorf("-t splunk: %d techniques, total score %d; without it %d", len(splunk.Techniques), ssum, sum)
	}
	if l.Gradient.MaxValue != highest {
		t.Errorf("gradient up to %d, highest score %d", l.Gradient.MaxValue, highest)
	}
}

func TestNavigatorBadUsage(t *testing.T) {
	for _, args := range [][]string{
		{"-t", "bogus"},
		{"-t", "splunk", "--profile", "nosuch"},
		{"--set", "index=x"},
		{"-t", "splunk", "--set", "noequals"},
	} {
		_, errs, code := cli(t, "", append([]string{"navigator", "../../examples/analytics"}, args...)...)
		if code != 2 || !strings.HasPrefix(errs, "cartrans: ") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
	if _, errs, code := cli(t, "", "navigator", "-t", "bogus", "../../examples/analytics"); code != 2 || !strings.Contains(errs, `unknown target "bogus"`) {
		t.Errorf("bad -t: exit %d, stderr %q", code, errs)
	}
	if _, _, code := cli(t, "", "navigator"); code != 2 {
		t.Errorf("no PATH: exit %d", code)
	}
	// Input that is no analytic: a clear error, no layer.
	out, errs, code := cli(t, "not an analytic\n", "navigator", "-")
	if code != 1 || out != "" || !strings.Contains(errs, "<stdin>:1:1: error:") || !strings.Contains(errs, "no layer written") {
		t.Errorf("bad input: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	_, errs, code = cli(t, "", "navigator", "../../examples/analytics", "-o", filepath.Join(t.TempDir(), "no", "such", "dir", "l.json"))
	if code != 1 || !strings.Contains(errs, "cannot write the layer") {
		t.Errorf("unwritable -o: exit %d, stderr %q", code, errs)
	}
}
