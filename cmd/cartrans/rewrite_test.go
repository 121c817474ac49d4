package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestFmtWriteIsAtomic: fmt -w replaces the file through a rename (a hard
// link to the old file keeps the old content, which a write in place
// would have truncated), keeps its mode, and refuses to overwrite an
// edit made after the file was read.
func TestFmtWriteIsAtomic(t *testing.T) {
	dir := t.TempDir()
	page := strings.Replace(brokenPage, "comman_line", "command_line", 1)
	p := writeFile(t, dir, "fixable.md", page)
	if err := os.Chmod(p, 0o640); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.md")
	if err := os.Link(p, link); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := cli(t, "", "fmt", "-w", p); code != 0 {
		t.Fatalf("fmt -w: exit %d: %s", code, errs)
	}
	got, _ := os.ReadFile(p)
	if !strings.Contains(string(got), `exe == "b")`) {
		t.Errorf("fmt -w wrote\n%s", got)
	}
	if old, _ := os.ReadFile(link); string(old) != page {
		t.Errorf("the hard link to the old file changed: the file was written in place, not replaced\n%s", old)
	}
	if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o640 {
		t.Errorf("mode after fmt -w: %v %v, want 0640", st.Mode().Perm(), err)
	}

	// An edit saved between fmt's read and its write is kept.
	os.WriteFile(p, []byte(page), 0o640)
	edit := page + "\nAn edit saved while fmt ran.\n"
	beforeRewrite = func(path string) { os.WriteFile(path, []byte(edit), 0o640) }
	defer func() { beforeRewrite = nil }()
	_, errs, code := cli(t, "", "fmt", "-w", p)
	if code != 1 || !strings.Contains(errs, p+": changed since it was read") {
		t.Errorf("fmt -w over an edit: exit %d: %s", code, errs)
	}
	if got, _ := os.ReadFile(p); string(got) != edit {
		t.Errorf("the edit was overwritten:\n%s", got)
	}
}

// TestRenderInPlaceIsAtomic: render --in-place replaces the page through
// a rename, keeping its mode, and refuses to overwrite an edit made
// after the page was read.
func TestRenderInPlaceIsAtomic(t *testing.T) {
	dir := t.TempDir()
	src, _ := os.ReadFile(example)
	p := filepath.Join(dir, "CAR-2026-11-901.md")
	os.WriteFile(p, src, 0o600)
	link := filepath.Join(dir, "link")
	if err := os.Link(p, link); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := cli(t, "", "render", p, "--in-place", "-t", "splunk"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if got, _ := os.ReadFile(p); !strings.Contains(string(got), "<!-- cartrans:end -->") {
		t.Errorf("not rendered:\n%s", got)
	}
	if old, _ := os.ReadFile(link); string(old) != string(src) {
		t.Error("the hard link to the old page changed: the page was written in place, not replaced")
	}
	if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("mode after render --in-place: %v %v, want 0600", st.Mode().Perm(), err)
	}
	os.WriteFile(p, src, 0o600)
	edit := string(src) + "\nAn edit saved while render ran.\n"
	beforeRewrite = func(path string) { os.WriteFile(path, []byte(edit), 0o600) }
	defer func() { beforeRewrite = nil }()
	_, errs, code := cli(t, "", "render", p, "--in-place", "-t", "splunk")
	if code != 1 || !strings.Contains(errs, p+": changed since it was read") {
		t.Errorf("over an edit: exit %d: %s", code, errs)
	}
	if got, _ := os.ReadFile(p); string(got) != edit {
		t.Errorf("the edit was overwritten:\n%s", got)
	}
}

// TestRenderUnbalancedMarks: a page whose generated marks do not pair up
// (an end mark deleted, or one added by hand) is an error naming the
// line, and is left as it is; before, render removed everything up to
// the next end mark, a hand-written implementation and a pseudocode
// block with it.
func TestRenderUnbalancedMarks(t *testing.T) {
	dir := t.TempDir()
	src, _ := os.ReadFile(example)
	second := "#### Second (Pseudocode, CAR native)\n\n```\nprocesses = search Process:Create\nshells = filter processes where exe == \"cmd.exe\"\noutput shells\n```\n\n### Unit Tests"
	page := strings.Replace(string(src), "### Unit Tests", second, 1)
	p := filepath.Join(dir, "CAR-2026-11-901.md")
	os.WriteFile(p, []byte(page), 0o644)
	if _, errs, code := cli(t, "", "render", p, "--in-place", "-t", "splunk"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	rendered, _ := os.ReadFile(p)
	// The pseudocode, its generated Splunk queries (a profile each), the
	// hand-written Splunk search, the second pseudocode and its queries.
	const mark, end = "<!-- cartrans:generated", "<!-- cartrans:end -->\n"
	if strings.Count(string(rendered), end) != 4 {
		t.Fatalf("rendered:\n%s", rendered)
	}
	// lineOf is the line of the nth (from 1) occurrence of s in text.
	lineOf := func(text, s string, nth int) int {
		at := 0
		for range nth {
			at += strings.Index(text[at:], s) + 1
		}
		return strings.Count(text[:at], "\n") + 1
	}
	// The end of the first pseudocode's last generated query deleted: it
	// was removed with everything up to the next end mark, the
	// hand-written search and the second pseudocode among it.
	at := strings.Index(string(rendered), end)
	at += len(end) + strings.Index(string(rendered[at+len(end):]), end)
	missingEnd := string(rendered[:at]) + string(rendered[at+len(end):])
	strayEnd := strings.Replace(string(rendered), "A hand-written Splunk search", end+"\nA hand-written Splunk search", 1)
	for _, c := range []struct{ name, text, want string }{
		{"an end mark missing", missingEnd, p + ":" + strconv.Itoa(lineOf(missingEnd, mark, 2)) +
			": the generated implementation has no <!-- cartrans:end --> before the next one, at line " +
			strconv.Itoa(lineOf(missingEnd, mark, 3)) + ";"},
		{"a stray end mark", strayEnd, p + ":" + strconv.Itoa(lineOf(strayEnd, end+"\nA hand-written", 1)) +
			": <!-- cartrans:end --> without a <!-- cartrans:generated… before it"},
	} {
		os.WriteFile(p, []byte(c.text), 0o644)
		_, errs, code := cli(t, "", "render", p, "--in-place", "-t", "splunk")
		if code != 1 || !strings.Contains(errs, c.want) {
			t.Errorf("%s: exit %d, want %q in\n%s", c.name, code, c.want, errs)
		}
		if got, _ := os.ReadFile(p); string(got) != c.text {
			t.Errorf("%s: the page was changed:\n%s", c.name, got)
		}
		out := filepath.Join(dir, "site-"+strconv.Itoa(len(c.name)))
		if _, _, code := cli(t, "", "render", p, "--out", out, "-t", "splunk"); code != 1 {
			t.Errorf("%s: --out: exit %d", c.name, code)
		}
		if _, err := os.Stat(filepath.Join(out, "CAR-2026-11-901.md")); err == nil {
			t.Errorf("%s: --out wrote the page", c.name)
		}
	}
}

// TestRenderOutCollision: two inputs of the same base name, or one named
// like the site's index, would be written to the same file: an error
// naming both, never one kept silently.
func TestRenderOutCollision(t *testing.T) {
	dir := t.TempDir()
	for sub, f := range map[string]string{"a": "CAR-2026-11-901.md", "b": "CAR-2026-11-902.md", "c": "CAR-2026-11-903.md"} {
		src, err := os.ReadFile(filepath.Join("../../examples/analytics", f))
		if err != nil {
			t.Fatal(err)
		}
		name := "page.md"
		if sub == "c" {
			name = "index.md"
		}
		os.MkdirAll(filepath.Join(dir, sub), 0o755)
		os.WriteFile(filepath.Join(dir, sub, name), src, 0o644)
	}
	a, b, c := filepath.Join(dir, "a", "page.md"), filepath.Join(dir, "b", "page.md"), filepath.Join(dir, "c", "index.md")
	out := filepath.Join(dir, "site")
	_, errs, code := cli(t, "", "render", a, b, c, "--out", out, "-t", "splunk")
	if code != 1 || !strings.Contains(errs, b+": would be written as "+filepath.Join(out, "page.md")+", as "+a+" is; not written") ||
		!strings.Contains(errs, c+": would be written as "+filepath.Join(out, "index.md")+", as the site's index is; not written") ||
		!strings.Contains(errs, "rendered 1 pages") {
		t.Errorf("exit %d:\n%s", code, errs)
	}
}
