package render_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/backends/all"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/render"
)

func splunkTargets(t *testing.T) []convert.Target {
	t.Helper()
	b, ok := all.Find("splunk")
	if !ok {
		t.Fatal("no splunk backend")
	}
	return []convert.Target{{Backend: b, Profile: b.Profiles()[0]}}
}

// TestSiteOut: under OutDir every analytic (markdown, YAML) and Sigma
// rule gets a page and the index lists them; a second render writes the
// same bytes and leaves the files untouched.
func TestSiteOut(t *testing.T) {
	out := t.TempDir()
	opt := render.SiteOptions{Targets: splunkTargets(t), OutDir: out}
	rep, err := render.Site([]string{"../examples/analytics", "../examples/sigma"}, opt)
	if err != nil || len(rep.Problems) > 0 || rep.Pages != 6 || rep.Written != 6 {
		t.Fatalf("report %+v, error %v", rep, err)
	}
	for _, f := range []string{"CAR-2026-11-901.md", "CAR-2026-11-904.md", "proc_creation_win_schtasks_onlogon.md", "analytics.json", "index.md"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("not written: %v", err)
		}
	}
	page, _ := os.ReadFile(filepath.Join(out, "CAR-2026-11-901.md"))
	if !strings.Contains(string(page), "→ splunk (Splunk, cartrans sysmon profile)\n<!-- cartrans:generated") {
		t.Errorf("page:\n%s", page)
	}
	before := map[string]os.FileInfo{}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		before[e.Name()], _ = e.Info()
	}
	// Again: the same pages, none rewritten (the same modification
	// time and inode-bearing FileInfo).
	rep, err = render.Site([]string{"../examples/analytics", "../examples/sigma"}, opt)
	if err != nil || rep.Written != 6 {
		t.Fatalf("again: %+v, %v", rep, err)
	}
	for name, fi := range before {
		now, err := os.Stat(filepath.Join(out, name))
		if err != nil || !os.SameFile(fi, now) || !now.ModTime().Equal(fi.ModTime()) {
			t.Errorf("%s was rewritten by a render that changed nothing", name)
		}
	}
}

// TestSiteProblems: inputs that cannot be rendered are Problems, named,
// and the rest is still rendered: a name two inputs share, a page whose
// marks do not pair up; when none renders, nothing is written.
func TestSiteProblems(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../examples/analytics/CAR-2026-11-901.md")
	if err != nil {
		t.Fatal(err)
	}
	other, err := os.ReadFile("../examples/analytics/CAR-2026-11-902.md")
	if err != nil {
		t.Fatal(err)
	}
	for sub, data := range map[string][]byte{"a": src, "b": other} {
		os.MkdirAll(filepath.Join(dir, sub), 0o755)
		os.WriteFile(filepath.Join(dir, sub, "page.md"), data, 0o644)
	}
	out := filepath.Join(dir, "site")
	rep, err := render.Site([]string{filepath.Join(dir, "a"), filepath.Join(dir, "b")}, render.SiteOptions{Targets: splunkTargets(t), OutDir: out})
	if err != nil || rep.Written != 1 || len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0].Error(), "would be written as "+filepath.Join(out, "page.md")) {
		t.Errorf("report %+v, error %v", rep, err)
	}

	bad := filepath.Join(dir, "bad.md")
	os.WriteFile(bad, append(append([]byte(nil), src...), "<!-- cartrans:end -->\n"...), 0o644)
	empty := filepath.Join(dir, "empty")
	rep, err = render.Site([]string{bad}, render.SiteOptions{Targets: splunkTargets(t), OutDir: empty})
	if err != nil || rep.Pages != 0 || len(rep.Problems) != 1 || !strings.HasPrefix(rep.Problems[0].Error(), bad+":") {
		t.Errorf("unpaired mark: %+v, %v", rep, err)
	}
	if _, err := os.Stat(empty); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a render of no page made its folder: %v", err)
	}
}

// TestSiteInPlace: in place, a page is rewritten through Replace with the
// bytes it was read as, twice is once, and a YAML analytic or a Sigma
// rule is refused by name and left alone.
func TestSiteInPlace(t *testing.T) {
	dir := t.TempDir()
	src, _ := os.ReadFile("../examples/analytics/CAR-2026-11-901.md")
	yml, _ := os.ReadFile("../examples/analytics/CAR-2026-11-904.yaml")
	page, yamlPage := filepath.Join(dir, "p.md"), filepath.Join(dir, "y.yaml")
	os.WriteFile(page, src, 0o644)
	os.WriteFile(yamlPage, yml, 0o644)
	var replaced []string
	opt := render.SiteOptions{Targets: splunkTargets(t), InPlace: true, Replace: func(path string, original, data []byte) error {
		replaced = append(replaced, path)
		cur, _ := os.ReadFile(path)
		if string(cur) != string(original) {
			t.Errorf("%s: Replace given another original", path)
		}
		return os.WriteFile(path, data, 0o644)
	}}
	rep, err := render.Site([]string{dir}, opt)
	if err != nil || rep.Written != 1 || len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0].Error(), "a YAML analytic is not rewritten in place") {
		t.Fatalf("report %+v, error %v", rep, err)
	}
	once, _ := os.ReadFile(page)
	if len(replaced) != 1 || !strings.Contains(string(once), "<!-- cartrans:end -->") {
		t.Fatalf("replaced %v:\n%s", replaced, once)
	}
	if _, err := render.Site([]string{page}, opt); err != nil {
		t.Fatal(err)
	}
	if twice, _ := os.ReadFile(page); string(twice) != string(once) || len(replaced) != 1 {
		t.Errorf("rendering a rendered page rewrote it (%d replaces)", len(replaced))
	}
	// A failed Replace is a WriteError, and the page is not counted.
	opt.Replace = func(string, []byte, []byte) error { return errors.New("changed since it was read") }
	os.WriteFile(page, src, 0o644)
	rep, _ = render.Site([]string{page}, opt)
	if rep.Written != 0 || len(rep.Problems) != 1 || !render.IsWriteError(rep.Problems[0]) {
		t.Errorf("failed replace: %+v", rep)
	}
	rep, _ = render.Site([]string{"../examples/sigma/proc_creation_win_schtasks_onlogon.yml"}, opt)
	if rep.Pages != 0 || len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0].Error(), "a Sigma rule is not rewritten in place") {
		t.Errorf("Sigma in place: %+v", rep)
	}
}
