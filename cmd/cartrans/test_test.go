package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/internal/testcorpus"
)

// TestTestCorpus: every true positive of MITRE's corpus whose analytic
// compiles makes it fire; the others are skipped with the reason.
func TestTestCorpus(t *testing.T) {
	dir := filepath.Join(testcorpus.Dir(t), "analytics")
	junit := filepath.Join(t.TempDir(), "junit.xml")
	out, _, code := cli(t, "", "test", "--junit", junit, dir)
	if code != 0 || strings.Contains(out, "FAIL") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	m := regexp.MustCompile(`ok\t(\d+) passed, 0 failed, (\d+) skipped`).FindStringSubmatch(out)
	if m == nil || m[1] == "0" {
		t.Fatalf("summary:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "skip") && !strings.Contains(line, "cartrans lint") {
			t.Errorf("a skip without its reason: %s", line)
		}
	}
	x, err := os.ReadFile(junit)
	if err != nil || !strings.Contains(string(x), `<testsuite name="cartrans test" tests="`) {
		t.Errorf("junit: %v\n%s", err, x)
	}
}

// TestTestSamples: a sample file beside the analytic must make it fire
// and a benign one must not; a benign sample that fires fails the run.
func TestTestSamples(t *testing.T) {
	dir := t.TempDir()
	page, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "CAR-2026-11-901.md"), page, 0o644); err != nil {
		t.Fatal(err)
	}
	hit := `{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\Windows\\System32\\cmd.exe","ParentImage":"C:\\Windows\\System32\\services.exe"}`
	miss := `{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\Windows\\System32\\cmd.exe","ParentImage":"C:\\Windows\\explorer.exe"}`
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("CAR-2026-11-901.events.ndjson", miss+"\n"+hit+"\nnot json")
	write("CAR-2026-11-901.benign.ndjson", miss)
	out, _, code := cli(t, "", "test", "-v", dir)
	if code != 0 || !strings.Contains(out, `ok   CAR-2026-11-901 sample "CAR-2026-11-901.events.ndjson": 1 match`) ||
		!strings.Contains(out, "unreadable event") || !strings.Contains(out, `ok   CAR-2026-11-901 benign sample`) {
		t.Errorf("exit %d:\n%s", code, out)
	}
	write("CAR-2026-11-901.benign.ndjson", hit)
	out, _, code = cli(t, "", "test", dir)
	if code != 1 || !strings.Contains(out, "FAIL CAR-2026-11-901 benign sample") || !strings.Contains(out, "fired 1 time on") {
		t.Errorf("benign that fires: exit %d:\n%s", code, out)
	}
}

// TestTestLinks: a folder of analytics named by a symbolic link is
// walked; a link inside a folder is not followed, and that is said.
func TestTestLinks(t *testing.T) {
	dir := t.TempDir()
	analytics, _ := filepath.Abs("../../examples/analytics")
	page, _ := filepath.Abs(example)
	link := filepath.Join(dir, "analytics")
	inner := filepath.Join(dir, "inner")
	if os.Symlink(analytics, link) != nil || os.Mkdir(inner, 0o755) != nil || os.Symlink(page, filepath.Join(inner, "CAR-2026-11-901.md")) != nil {
		t.Fatal("cannot make links")
	}
	if out, errs, code := cli(t, "", "test", link); code != 0 || !strings.HasPrefix(out, "ok\t1 passed") {
		t.Errorf("a linked folder: exit %d\n%s%s", code, out, errs)
	}
	_, errs, _ := cli(t, "", "test", inner)
	if !strings.Contains(errs, inner+"/CAR-2026-11-901.md: warning: skipped: a symbolic link, not followed inside a folder") {
		t.Errorf("a link inside a folder:\n%s", errs)
	}
}

// TestTestJUnitPath: --junit to a path that cannot be written is exit 1
// naming the path, not a usage error; the file is written whole, over
// what was there.
func TestTestJUnitPath(t *testing.T) {
	_, errs, code := cli(t, "", "test", "--junit", "/nonexistent/x.xml", example)
	if code != 1 || !strings.Contains(errs, "--junit /nonexistent/x.xml: ") || strings.Contains(errs, "--help") {
		t.Errorf("exit %d\n%s", code, errs)
	}
	junit := writeFile(t, t.TempDir(), "junit.xml", strings.Repeat("old ", 10000))
	if _, errs, code := cli(t, "", "test", "--junit", junit, example); code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if x, _ := os.ReadFile(junit); !strings.HasPrefix(string(x), "<?xml") || strings.Contains(string(x), "old") {
		t.Errorf("junit:\n%.200s", x)
	}
}

// TestTestNoAnalytics: test on a folder holding no analytic fails (exit
// 1), printing no summary that would read as passing tests.
func TestTestNoAnalytics(t *testing.T) {
	empty := t.TempDir()
	out, errs, code := cli(t, "", "test", empty)
	if code != 1 || out != "" || !strings.Contains(errs, "no analytics found in "+empty) {
		t.Errorf("exit %d\n%s\n%s", code, out, errs)
	}
}

// TestTestUnsearched: a sample none of whose events the analytic searches
// under the schema read with fails saying so, and which schema would
// search them, as run says it.
func TestTestUnsearched(t *testing.T) {
	dir := t.TempDir()
	page, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "CAR-2026-11-901.md", string(page))
	writeFile(t, dir, "CAR-2026-11-901.events.ndjson", `{"object":"process","action":"create","exe":"cmd.exe","parent_exe":"services.exe"}`+"\n")
	out, _, code := cli(t, "", "test", "--schema", "sysmon", dir)
	want := `FAIL CAR-2026-11-901 sample "CAR-2026-11-901.events.ndjson": the analytic did not fire: no analytic searches the kind of its 1 event read with schema sysmon (--schema sysmon); read with schema car, some are searched: --schema car forces it`
	if code != 1 || !strings.Contains(out, want) {
		t.Errorf("exit %d\n%s", code, out)
	}
	if out, _, code := cli(t, "", "test", dir); code != 0 {
		t.Errorf("detected: exit %d\n%s", code, out)
	}
}
