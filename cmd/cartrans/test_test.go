package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
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

// sysmonShell is a Sysmon process creation in evtx_dump's JSON shape:
// cmd.exe started by services.exe.
const sysmonShell = `{"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon"}},"EventID":1,` +
	`"Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"ws01.example.org"},` +
	`"EventData":{"Image":"C:\\Windows\\System32\\cmd.exe","ParentImage":"C:\\Windows\\System32\\services.exe","ProcessId":4}}}`

// regressionData writes a folder of SigmaHQ's regression layout: one
// info.yml per rule id, with the match count, and its events (the .evtx
// file holds the JSON dump too: events are told by content; real EVTX
// files are read by the corpus test).
func regressionData(t *testing.T, counts map[string]string) string {
	dir := t.TempDir()
	for id, count := range counts {
		sub := filepath.Join(dir, "rules", "windows", "process_creation", id)
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, sub, "info.yml", "rule_metadata:\n    - id: "+id+"\nregression_tests_info:\n    - name: Positive Detection Test\n      type: evtx\n      match_count: "+count+"\n      path: regression_data/rules/windows/process_creation/"+id+"/"+id+".evtx\n")
		writeFile(t, sub, id+".evtx", sysmonShell+"\n"+sysmonShell+"\n")
		writeFile(t, sub, id+".json", sysmonShell+"\n"+sysmonShell+"\n")
	}
	return dir
}

// TestTestSigmaRegression: --sigma-regression runs each test's rule on
// the .evtx and the JSON dump, passing on the stated match count and
// failing with the count otherwise; a test whose rule is not given is
// skipped saying so; all of it is in the JUnit report.
func TestTestSigmaRegression(t *testing.T) {
	dir := t.TempDir()
	const id = "0d3c1a2b-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
	rule := writeFile(t, dir, "shell.yml", strings.Replace(sigmaRule, "%shell%", `\cmd.exe`, 1))
	data := regressionData(t, map[string]string{id: "2"})
	junit := filepath.Join(dir, "junit.xml")
	out, errs, code := cli(t, "", "test", "-v", "--junit", junit, rule, "--sigma-regression", data)
	if code != 0 || !strings.Contains(out, `ok   `+id+` regression (evtx) "Positive Detection Test": 2 matches`) ||
		!strings.Contains(out, `ok   `+id+` regression (json) "Positive Detection Test": 2 matches`) || !strings.Contains(out, "ok\t2 passed, 0 failed, 0 skipped") {
		t.Errorf("exit %d\n%s\n%s", code, out, errs)
	}
	if x, err := os.ReadFile(junit); err != nil || !strings.Contains(string(x), `<testcase name="regression (json): Positive Detection Test" classname="`+id+`"`) {
		t.Errorf("junit: %v\n%s", err, x)
	}
	data = regressionData(t, map[string]string{id: "1", "11111111-2222-3333-4444-555555555555": "1"})
	out, _, code = cli(t, "", "test", "--junit", junit, rule, "--sigma-regression", data)
	if code != 1 || !strings.Contains(out, `FAIL `+id+` regression (evtx) "Positive Detection Test": 2 matches, want 1`) ||
		!strings.Contains(out, `skip 11111111-2222-3333-4444-555555555555 regression (json) "Positive Detection Test": rule 11111111-2222-3333-4444-555555555555 is not among the inputs`) ||
		!strings.Contains(out, "FAIL\t0 passed, 2 failed, 2 skipped") {
		t.Errorf("exit %d\n%s", code, out)
	}
	if x, _ := os.ReadFile(junit); !strings.Contains(string(x), `tests="4" failures="2" skipped="2"`) || !strings.Contains(string(x), "2 matches, want 1") {
		t.Errorf("junit:\n%s", x)
	}
}

// TestTestSigmaNothingChecked: a run whose tests were all skipped, or
// that had none, fails and says so; a bad info.yml is an error at its
// line and fails the run.
func TestTestSigmaNothingChecked(t *testing.T) {
	dir := t.TempDir()
	rule := writeFile(t, dir, "shell.yml", strings.Replace(sigmaRule, "%shell%", `\cmd.exe`, 1))
	out, errs, code := cli(t, "", "test", rule)
	if code != 1 || !strings.Contains(out, "FAIL\t0 passed, 0 failed, 0 skipped") || !strings.Contains(errs, "no test ran: the analytics have no true positives, samples or regression tests") {
		t.Errorf("no tests: exit %d\n%s\n%s", code, out, errs)
	}
	data := regressionData(t, map[string]string{"11111111-2222-3333-4444-555555555555": "1"})
	out, errs, code = cli(t, "", "test", rule, "--sigma-regression", data)
	if code != 1 || !strings.Contains(errs, "no test ran: all 2 skipped") {
		t.Errorf("all skipped: exit %d\n%s\n%s", code, out, errs)
	}
	bad := writeFile(t, dir, "info.yml", "rule_metadata:\n    - id: x\nregression_tests_info:\n    - name: t\n      match_count: one\n      path: x.evtx\n")
	data = regressionData(t, map[string]string{"0d3c1a2b-4e5f-4a6b-8c7d-9e0f1a2b3c4d": "2"})
	out, errs, code = cli(t, "", "test", rule, "--sigma-regression", data, "--sigma-regression", bad)
	if code != 1 || !strings.Contains(errs, bad+":5: error: info.yml: ") || !strings.Contains(out, "ok\t2 passed") {
		t.Errorf("bad info.yml: exit %d\n%s\n%s", code, out, errs)
	}
}

// TestTestSigmaRegressionCorpus: the README's command over SigmaHQ's
// regression data, on the rules the tests name: each test is run on the
// .evtx and on its JSON dump, the summary and the JUnit report agree,
// and most pass (analytictest's corpus test checks each failure).
func TestTestSigmaRegressionCorpus(t *testing.T) {
	root := testcorpus.SigmaDir(t)
	reg := filepath.Join(root, "regression_data")
	var rules []string
	err := filepath.WalkDir(reg, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Name() == "info.yml" {
			rel, _ := filepath.Rel(reg, filepath.Dir(p))
			if r := filepath.Join(root, rel+".yml"); fileExists(r) {
				rules = append(rules, r)
			}
		}
		return err
	})
	if err != nil || len(rules) < 100 {
		t.Fatalf("%v: %d rules", err, len(rules))
	}
	junit := filepath.Join(t.TempDir(), "junit.xml")
	out, errs, _ := cli(t, "", append([]string{"test", "--junit", junit, "--sigma-regression", reg}, rules...)...)
	m := regexp.MustCompile(`(?m)^(?:ok|FAIL)\t(\d+) passed, (\d+) failed, (\d+) skipped`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no summary:\n%s\n%s", out, errs)
	}
	total := 0
	for _, n := range m[1:] {
		total += atoi(t, n)
	}
	x := string(mustRead(t, junit))
	if total != 2*strings.Count(x, `name="regression (evtx)`) || total < 240 || atoi(t, m[1]) < 220 {
		t.Errorf("summary %q for %d results:\n%s", m[0], total, out)
	}
	if !strings.Contains(x, `<testsuite name="cartrans test" tests="`+strconv.Itoa(total)+`" failures="`+m[2]+`" skipped="`+m[3]+`"`) {
		t.Errorf("junit disagrees with %q", m[0])
	}
	t.Logf("%s", m[0])
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func atoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
