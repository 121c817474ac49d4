package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// copyExamples makes a repository of the shipped example analytics.
func copyExamples(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "analytics"), 0o755); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../../examples/analytics/*")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "analytics", filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCheck: check catches a changed query, a missing and a stale golden
// file, and --update makes the folder match.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	copyExamples(t, dir)
	analytics, golden := filepath.Join(dir, "analytics"), filepath.Join(dir, "queries")
	if out, _, code := cli(t, "", "check", analytics, "--golden", golden, "--update"); code != 0 || !strings.Contains(out, "updated\t18 golden files") {
		t.Fatalf("update: exit %d\n%s", code, out)
	}
	if out, _, code := cli(t, "", "check", analytics, "--golden", golden); code != 0 || out != "ok\t18 golden files up to date\n" {
		t.Fatalf("up to date: exit %d\n%s", code, out)
	}
	// A changed analytic changes its queries.
	page := filepath.Join(analytics, "CAR-2026-11-901.md")
	b, _ := os.ReadFile(page)
	os.WriteFile(page, []byte(strings.Replace(string(b), `parent_exe == "services.exe"`, `parent_exe == "wininit.exe"`, 1)), 0o644)
	out, _, code := cli(t, "", "check", analytics, "--golden", golden)
	if code != 1 || !strings.Contains(out, "changed: splunk-sysmon/CAR-2026-11-901.txt") ||
		!strings.Contains(out, `-index=__your_sysmon_index__ EventCode=1 Image="*\\cmd.exe" ParentImage="*\\services.exe"`) ||
		!strings.Contains(out, `+index=__your_sysmon_index__ EventCode=1 Image="*\\cmd.exe" ParentImage="*\\wininit.exe"`) ||
		!strings.Contains(out, "FAIL\t5 of 18 golden files differ: 5 changed, 0 missing, 0 stale") {
		t.Errorf("changed: exit %d\n%s", code, out)
	}
	os.WriteFile(page, b, 0o644)
	// A golden file deleted, and one left for an analytic that does not
	// translate for its target (the join of 903 has no LogPoint query).
	// Files check would never write are not its business: neither
	// reported nor removed.
	os.Remove(filepath.Join(golden, "eql-endgame", "CAR-2026-11-904.txt"))
	staleFile := filepath.Join(golden, "logpoint-sysmon", "CAR-2026-11-903.txt")
	os.WriteFile(staleFile, []byte("old\n"), 0o644)
	others := []string{filepath.Join(golden, "eql-endgame", "CAR-2099-01-001.txt"), filepath.Join(golden, "eql-endgame", "notes.txt")}
	for _, f := range others {
		os.WriteFile(f, []byte("kept\n"), 0o644)
	}
	out, _, code = cli(t, "", "check", analytics, "--golden", golden)
	if code != 1 || !strings.Contains(out, "missing: eql-endgame/CAR-2026-11-904.txt") || !strings.Contains(out, "stale: logpoint-sysmon/CAR-2026-11-903.txt") ||
		strings.Contains(out, "CAR-2099") || strings.Contains(out, "notes") ||
		!strings.Contains(out, "FAIL\t2 of 19 golden files differ: 0 changed, 1 missing, 1 stale") {
		t.Errorf("missing and stale: exit %d\n%s", code, out)
	}
	out, _, code = cli(t, "", "check", analytics, "--golden", golden, "--update")
	if code != 0 || !strings.Contains(out, "updated\t2 golden files: 0 changed, 1 written, 1 removed") {
		t.Errorf("update: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(staleFile); !os.IsNotExist(err) {
		t.Errorf("the stale file is still there: %v", err)
	}
	for _, f := range others {
		if b, err := os.ReadFile(f); err != nil || string(b) != "kept\n" {
			t.Errorf("%s, which check does not write, was changed: %q %v", f, b, err)
		}
	}
}

// TestREADMECISnippet runs the README's CI step on a temporary repository:
// green when the golden files match, red when an analytic changes alone.
// Its install builds cartrans from this tree, as CARTRANS_SRC, so the
// test needs no network and shows that the install works.
func TestREADMECISnippet(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```sh\n(# cartrans-ci:.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README has no CI snippet (a sh block starting with # cartrans-ci:)")
	}
	snippet := string(m[1])
	src, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	repo := t.TempDir()
	copyExamples(t, repo)
	run := func() (string, error) {
		cmd := exec.Command("sh", "-c", snippet)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "CARTRANS_SRC="+src)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, _, code := cli(t, "", "check", filepath.Join(repo, "analytics"), "--golden", filepath.Join(repo, "queries"), "--update"); code != 0 {
		t.Fatalf("golden files: exit %d\n%s", code, out)
	}
	if out, err := run(); err != nil {
		t.Fatalf("snippet on an up-to-date repository: %v\n%s", err, out)
	}
	page := filepath.Join(repo, "analytics", "CAR-2026-11-904.yaml")
	b, _ := os.ReadFile(page)
	os.WriteFile(page, []byte(strings.Replace(string(b), `"*/create*"`, `"*/change*"`, 1)), 0o644)
	if out, err := run(); err == nil || !strings.Contains(out, "changed:") {
		t.Errorf("snippet after an analytic changed alone: %v\n%s", err, out)
	}
}

// TestCheckDiffs: a golden file's diff counts its lines as diff(1) does
// (no empty line after the last), --update prints the summary and -v the
// diffs too, and a check that could not check an analytic (a name
// error) calls nothing up to date.
func TestCheckDiffs(t *testing.T) {
	golden := filepath.Join(t.TempDir(), "queries")
	args := []string{"check", example, "-t", "eql", "--golden", golden}
	out, _, code := cli(t, "", append(args, "--update")...)
	if code != 0 || out != "updated\t1 golden files: 0 changed, 1 written, 0 removed\n" {
		t.Errorf("update: exit %d, want the summary alone:\n%s", code, out)
	}
	file := filepath.Join(golden, "eql-endgame", "CAR-2026-11-901.txt")
	os.WriteFile(file, []byte("old\n"), 0o644)
	out, _, code = cli(t, "", args...)
	if code != 1 || !strings.Contains(out, "@@ -1 +1 @@\n-old\n+process where") {
		t.Errorf("a one-line file changed: exit %d\n%s", code, out)
	}
	os.WriteFile(file, []byte("old"), 0o644)
	out, _, _ = cli(t, "", args...)
	if !strings.Contains(out, "@@ -1 +1 @@\n-old\n\\ No newline at end of file\n+process where") {
		t.Errorf("a file without its last newline:\n%s", out)
	}
	os.Remove(file)
	out, _, _ = cli(t, "", args...)
	if !strings.Contains(out, "@@ -0,0 +1 @@\n+process where") {
		t.Errorf("a missing one-line file:\n%s", out)
	}
	out, _, code = cli(t, "", append(args, "--update", "-v")...)
	if code != 0 || !strings.Contains(out, "missing: eql-endgame/CAR-2026-11-901.txt\n--- /dev/null\n") || !strings.HasSuffix(out, "updated\t1 golden files: 0 changed, 1 written, 0 removed\n") {
		t.Errorf("update -v: exit %d, want the diff and the summary:\n%s", code, out)
	}

	// An analytic whose ID is no file name is not checked: exit 1, and
	// the files of the others are not "ok".
	src, _ := os.ReadFile("../../examples/analytics/CAR-2026-11-904.yaml")
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte(strings.Replace(string(src), "id: CAR-2026-11-904", `id: "a/b"`, 1)), 0o644)
	for _, update := range []bool{false, true} {
		args := []string{"check", example, bad, "-t", "eql", "--golden", golden}
		if update {
			args = append(args, "--update")
		}
		out, errs, code := cli(t, "", args...)
		if code != 1 || strings.Contains(out, "ok\t") || !strings.Contains(out, "FAIL\t1 golden files up to date, but not every analytic was checked") || !strings.Contains(errs, `analytic ID "a/b"`) {
			t.Errorf("%v: exit %d\nstdout:\n%s\nstderr:\n%s", args, code, out, errs)
		}
	}
}
