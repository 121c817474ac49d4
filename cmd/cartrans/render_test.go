package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/backends/all"
)

// TestRender: render writes a page per analytic (markdown and YAML alike)
// with the generated queries, the index data, and the same bytes when run
// again; --in-place leaves a rendered page as it is.
func TestRender(t *testing.T) {
	out := t.TempDir()
	_, errs, code := cli(t, "", "render", "../../examples/analytics", "--out", out, "-t", "splunk")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	page, err := os.ReadFile(filepath.Join(out, "CAR-2026-11-901.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "#### Shell under services.exe → splunk (Splunk, cartrans sysmon profile)\n<!-- cartrans:generated") ||
		!strings.Contains(string(page), "index=__your_sysmon_index__ EventCode=1 Image=\"*\\\\cmd.exe\" ParentImage=\"*\\\\services.exe\"") {
		t.Errorf("page:\n%s", page)
	}
	if _, err := os.Stat(filepath.Join(out, "CAR-2026-11-904.md")); err != nil {
		t.Errorf("the YAML analytic has no page: %v", err)
	}
	var index []struct {
		ID           string
		Translations map[string]string
	}
	b, _ := os.ReadFile(filepath.Join(out, "analytics.json"))
	if err := json.Unmarshal(b, &index); err != nil || len(index) != 4 || index[0].Translations["splunk (sysmon)"] != "exact" {
		t.Errorf("analytics.json: %v\n%s", err, b)
	}
	if md, _ := os.ReadFile(filepath.Join(out, "index.md")); !strings.Contains(string(md), "| [CAR-2026-11-901](CAR-2026-11-901.md) |") {
		t.Errorf("index.md:\n%s", md)
	}
	// Again, from the rendered pages: nothing changes.
	again := t.TempDir()
	if _, errs, code := cli(t, "", "render", out, "--out", again, "-t", "splunk"); code != 0 {
		t.Fatalf("again: exit %d: %s", code, errs)
	}
	for _, f := range []string{"CAR-2026-11-901.md", "CAR-2026-11-903.md", "CAR-2026-11-904.md"} {
		a, _ := os.ReadFile(filepath.Join(out, f))
		b, _ := os.ReadFile(filepath.Join(again, f))
		if string(a) != string(b) {
			t.Errorf("%s changes when rendered again", f)
		}
	}
	// In place: a page rendered twice is the page rendered once.
	dir := t.TempDir()
	src, _ := os.ReadFile(example)
	p := filepath.Join(dir, "CAR-2026-11-901.md")
	os.WriteFile(p, src, 0o644)
	for range 2 {
		if _, errs, code := cli(t, "", "render", dir, "--in-place"); code != 0 {
			t.Fatalf("in place: exit %d: %s", code, errs)
		}
	}
	once, _ := os.ReadFile(p)
	profiles := 0
	for _, b := range all.Backends() {
		profiles += len(b.Profiles())
	}
	if n := strings.Count(string(once), "<!-- cartrans:end -->"); n != profiles {
		t.Errorf("in place, twice: %d generated implementations, want %d (one per target and profile)", n, profiles)
	}
	if _, _, code := cli(t, "", "render", dir); code != 2 {
		t.Errorf("neither --out nor --in-place: exit %d", code)
	}
}

// TestRenderIndexLists: an analytic with no technique and no data model
// field has empty lists in analytics.json, never null; and a render in
// which every page fails leaves the site's index as it was.
func TestRenderIndexLists(t *testing.T) {
	dir, site := t.TempDir(), t.TempDir()
	page := filepath.Join(dir, "CAR-2020-01-001.md")
	os.WriteFile(page, []byte("---\ntitle: \"CAR-2020-01-001: Bare\"\nsubmission_date: 2020/01/01\n---\nText.\n"), 0o644)
	if _, errs, code := cli(t, "", "render", page, "--out", site); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	index, _ := os.ReadFile(filepath.Join(site, "analytics.json"))
	if !strings.Contains(string(index), `"techniques": [],`) || !strings.Contains(string(index), `"data_model_fields": [],`) {
		t.Errorf("analytics.json:\n%s", index)
	}
	// Marks that do not pair up: the page fails, and so does the render.
	os.WriteFile(page, []byte("---\ntitle: \"CAR-2020-01-001: Bare\"\nsubmission_date: 2020/01/01\n---\nText.\n<!-- cartrans:generated -->\n"), 0o644)
	_, errs, code := cli(t, "", "render", page, "--out", site)
	after, _ := os.ReadFile(filepath.Join(site, "analytics.json"))
	if code != 1 || !strings.Contains(errs, "rendered 0 pages; no index written") || string(after) != string(index) {
		t.Errorf("exit %d, stderr:\n%s\nanalytics.json:\n%s", code, errs, after)
	}
}
