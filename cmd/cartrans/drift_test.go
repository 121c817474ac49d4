package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/internal/testcorpus"
)

// TestCheckDrift: a hand-written query that agrees with its pseudocode
// passes; one that names a full path and a substring is reported as
// such, in text and JSON, with exit status 1.
func TestCheckDrift(t *testing.T) {
	out, errs, code := cli(t, "", "check", "--drift", "../../examples/analytics")
	if code != 0 || !strings.Contains(out, "CAR-2026-11-901 splunk (sysmon) \"Shell under services.exe\", ../../examples/analytics/CAR-2026-11-901.md:57:1: agrees") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	src, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	page := strings.Replace(string(src), `Image="*\\cmd.exe" ParentImage="*\\services.exe"`, `Image="C:\\Windows\\*\\cmd.exe" ParentImage="*services.exe*"`, 1)
	os.WriteFile(filepath.Join(dir, "a.md"), []byte(page), 0o644)
	out, _, code = cli(t, "", "check", "--drift", dir)
	if code != 1 || !strings.Contains(out, "full-path") || !strings.Contains(out, "substring") || !strings.Contains(out, "| differ from it | 1 | 0 | 0 | 0 | 1 |") {
		t.Errorf("exit %d\n%s", code, out)
	}
	out, _, _ = cli(t, "", "check", "--drift", "--format", "json", dir)
	var reports []struct {
		Status   string
		Findings []struct{ Kind, Field string }
	}
	if err := json.Unmarshal([]byte(out), &reports); err != nil || len(reports) != 1 || reports[0].Status != "drifts" || len(reports[0].Findings) != 2 {
		t.Errorf("json: %v\n%s", err, out)
	}
	if _, _, code := cli(t, "", "check", "--drift", "--golden", dir, dir); code != 2 {
		t.Errorf("--drift with --golden: exit %d", code)
	}
	if _, _, code := cli(t, "", "check", "--drift", "--format", "xml", dir); code != 2 {
		t.Errorf("--format xml: exit %d", code)
	}
}

// TestREADMEDrift: the README shows the drift summary of MITRE's corpus
// as the command prints it.
func TestREADMEDrift(t *testing.T) {
	dir := filepath.Join(testcorpus.Dir(t), "analytics")
	out, _, _ := cli(t, "", "check", "--drift", "--format", "summary", dir)
	readmeShows(t, "check --drift --format summary ../shared/car/analytics`):\n\n", out)
}
