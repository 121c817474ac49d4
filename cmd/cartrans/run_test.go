package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunExamples: the README's main command finds exactly the events the
// sample log was written to hold (examples/events/generate.go).
func TestRunExamples(t *testing.T) {
	out, errs, code := cli(t, "", "run", "--count", "../../examples/analytics", "--events", "../../examples/events")
	want := "CAR-2026-11-901\tshells\t1\nCAR-2026-11-902\treg_add\t1\nCAR-2026-11-902\trun_edits\t1\nCAR-2026-11-903\tconnected\t1\nCAR-2026-11-904\ttasks\t1\n"
	if code != 0 || out != want || !strings.Contains(errs, "read 403 events") {
		t.Errorf("exit %d:\n%s\n%s", code, out, errs)
	}
	out, _, code = cli(t, "", "run", "../../examples/analytics/CAR-2026-11-903.md", "--events", "../../examples/events/sample.ndjson")
	var m struct {
		Analytic string
		Pair     map[string]struct{ Fields map[string]string }
	}
	if code != 0 || json.Unmarshal([]byte(out), &m) != nil || m.Analytic != "CAR-2026-11-903" ||
		m.Pair["left"].Fields["exe"] != "powershell.exe" || m.Pair["right"].Fields["dest_port"] != "80" {
		t.Errorf("join match: exit %d\n%s", code, out)
	}
}

// TestRunBadInput: unreadable events are reported with file and line and
// skipped, the events after them still run; usage mistakes exit 2.
func TestRunBadInput(t *testing.T) {
	dir := t.TempDir()
	hit := `{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\Windows\\System32\\cmd.exe","ParentImage":"C:\\Windows\\System32\\services.exe"}`
	log := filepath.Join(dir, "day.ndjson")
	if err := os.WriteFile(log, []byte("{oops\n"+hit+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := cli(t, "", "run", "--count", example, "--events", log)
	if code != 0 || out != "CAR-2026-11-901\tshells\t1\n" || !strings.Contains(errs, log+":1: invalid JSON") {
		t.Errorf("exit %d:\n%s\n%s", code, out, errs)
	}
	out, errs, code = cli(t, hit+"\n", "run", "--count", example, "--events", "-")
	if code != 0 || out != "CAR-2026-11-901\tshells\t1\n" {
		t.Errorf("stdin: exit %d:\n%s\n%s", code, out, errs)
	}
	for _, args := range [][]string{
		{"run", example},
		{"run", example, "--events", log, "--schema", "nosuch"},
		{"run", example, "--events", log, "--input-format", "csv"},
	} {
		if _, _, code := cli(t, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if _, errs, code := cli(t, "", "run", example, "--events", filepath.Join(dir, "missing.ndjson")); code != 1 || !strings.Contains(errs, "missing.ndjson") {
		t.Errorf("missing file: exit %d %s", code, errs)
	}
}

// TestRunParams: an analytic's input parameter takes its value from
// --param; without one, the analytic is not run and the reason says how.
func TestRunParams(t *testing.T) {
	dir := t.TempDir()
	page, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	code := "input target\nprocesses = search Process:Create\nshells = filter processes where (exe == \"cmd.exe\" and hostname == target)\noutput shells"
	p := strings.Replace(string(page), "processes = search Process:Create\nshells = filter processes where (exe == \"cmd.exe\" and parent_exe == \"services.exe\")\noutput shells", code, 1)
	if p == string(page) {
		t.Fatal("example's pseudocode not found")
	}
	a := filepath.Join(dir, "CAR-2026-11-901.md")
	os.WriteFile(a, []byte(p), 0o644)
	out, _, code2 := cli(t, "", "run", "--count", a, "--param", "target=ws01", "--events", "../../examples/events")
	if code2 != 0 || !strings.Contains(out, "shells\t1") {
		t.Errorf("with --param: exit %d\n%s", code2, out)
	}
	_, errs, code2 := cli(t, "", "run", "--count", a, "--events", "../../examples/events")
	if code2 != 1 || !strings.Contains(errs, "--param target=") {
		t.Errorf("without: exit %d\n%s", code2, errs)
	}
}
