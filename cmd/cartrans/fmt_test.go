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

// misspeltPage has two certain repairs on one line: a misspelt field and
// a base-name field compared with a full path.
const misspeltPage = `---
title: "CAR-2020-01-001: Misspelt"
submission_date: 2020/01/01
---
### Implementations

#### Pseudocode

` + "```" + `
processes = search Process:Create
x = filter processes where (exe == "C:\Windows\System32\net.exe" and comman_line == "*delete*")
output x
` + "```" + `
`

// TestFmtFixDiff: fmt --fix -d shows the repairs as a unified diff whose
// hunk names the diagnostics it repairs, and changes no file.
func TestFmtFixDiff(t *testing.T) {
	p := writeFile(t, t.TempDir(), "p.md", misspeltPage)
	out, errs, code := cli(t, "", "fmt", "--fix", "-d", p)
	want := "--- " + p + ".orig\n+++ " + p + "\n" +
		`@@ -10,3 +10,3 @@ W215 exe is a file's base name, so it never equals "C:\Windows\System32\net.exe", which holds a path (compare image_path with the path, or exe with the file name); E203 processes (Process events) has no field comman_line (did you mean command_line?)` + "\n" +
		" processes = search Process:Create\n" +
		`-x = filter processes where (exe == "C:\Windows\System32\net.exe" and comman_line == "*delete*")` + "\n" +
		`+x = filter processes where (image_path == "C:\Windows\System32\net.exe" and command_line == "*delete*")` + "\n" +
		" output x\n"
	if code != 0 || out != want || errs != "" {
		t.Errorf("exit %d, stderr %q, stdout:\n%s\nwant:\n%s", code, errs, out, want)
	}
	if data, _ := os.ReadFile(p); string(data) != misspeltPage {
		t.Errorf("-d changed the file:\n%s", data)
	}
}

// TestFmtFixWrite: fmt --fix -w writes the repairs, says each, and a
// second run finds nothing left to repair.
func TestFmtFixWrite(t *testing.T) {
	p := writeFile(t, t.TempDir(), "p.md", misspeltPage)
	out, errs, code := cli(t, "", "fmt", "--fix", "-w", p)
	if code != 0 || errs != "" || out != p+":11:29: repaired W215: exe → image_path\n"+p+":11:70: repaired E203: comman_line → command_line\n" {
		t.Errorf("exit %d, stderr %q, stdout:\n%s", code, errs, out)
	}
	want := strings.Replace(strings.Replace(misspeltPage, "(exe ==", "(image_path ==", 1), "comman_line", "command_line", 1)
	if data, _ := os.ReadFile(p); string(data) != want {
		t.Errorf("file after -w:\n%s", data)
	}
	if out, errs, code := cli(t, "", "fmt", "--fix", "-w", p); code != 0 || out != "" || errs != "" {
		t.Errorf("second run: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// TestFmtFixLeavesGuesses: a suggestion with two candidates is reported
// and never applied, while the certain repair beside it is made.
func TestFmtFixLeavesGuesses(t *testing.T) {
	page := strings.Replace(misspeltPage, `processes = search Process:Create
x = filter processes where (exe == "C:\Windows\System32\net.exe" and comman_line == "*delete*")`, `flows = search Flow:Start
x = filter flows where (protocol == "tcp" and dest_prot == 445)`, 1)
	p := writeFile(t, t.TempDir(), "p.md", page)
	out, errs, code := cli(t, "", "fmt", "--fix", "-w", p)
	if code != 1 || out != p+":11:47: repaired E203: dest_prot → dest_port\n" ||
		errs != p+":11:25: error[E203]: flows (Flow events) has no field protocol (did you mean application_protocol or transport_protocol?)\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if data, _ := os.ReadFile(p); string(data) != strings.Replace(page, "dest_prot", "dest_port", 1) {
		t.Errorf("file after -w:\n%s", data)
	}
}

// TestFixNeverSilent: convert and render never repair: the misspelt page
// is refused by convert, and render keeps its pseudocode as written.
func TestFixNeverSilent(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "p.md", misspeltPage)
	out, errs, code := cli(t, "", "convert", "-t", "splunk", p)
	if code != 1 || strings.Contains(out, "CommandLine") || !strings.Contains(errs, "error[E203]") {
		t.Errorf("convert: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	site := filepath.Join(dir, "site")
	cli(t, "", "render", p, "--out", site)
	data, err := os.ReadFile(filepath.Join(site, "p.md"))
	if err != nil || !strings.Contains(string(data), `x = filter processes where (exe == "C:\Windows\System32\net.exe" and comman_line == "*delete*")`) {
		t.Errorf("render: %v\n%s", err, data)
	}
	if data, _ := os.ReadFile(p); string(data) != misspeltPage {
		t.Errorf("the page changed:\n%s", data)
	}
}

// TestREADMEFixSummary: the README shows fmt --fix --summary over MITRE's
// corpus verbatim, and its counts are lint's: "compile" over the corpus
// as it is, and over a copy after fmt --fix -w.
func TestREADMEFixSummary(t *testing.T) {
	corpus := filepath.Join(testcorpus.Dir(t), "analytics")
	out, _, _ := cli(t, "", "fmt", "--fix", "--summary", corpus)
	readmeShows(t, "$ go run ./cmd/cartrans fmt --fix --summary ../shared/car/analytics 2>/dev/null\n", out)

	count := func(text, label string) int {
		t.Helper()
		m := regexp.MustCompile(`\n  ` + label + ` +(\d+)\n`).FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("no %q line in:\n%s", label, text)
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	copyDir := filepath.Join(t.TempDir(), "analytics")
	if err := os.CopyFS(copyDir, os.DirFS(corpus)); err != nil {
		t.Fatal(err)
	}
	before, _, _ := cli(t, "", "lint", copyDir)
	cli(t, "", "fmt", "--fix", "-w", copyDir)
	after, _, _ := cli(t, "", "lint", copyDir)
	if b, a := count(before, "compile"), count(after, "compile"); b != count(out, "compile before --fix") || a != count(out, "compile after --fix") || a <= b {
		t.Errorf("lint compiles %d before and %d after fmt --fix -w; the summary says:\n%s", b, a, out)
	}
}

// TestFmtFixRounds: a repair can reveal the next (the fields of a
// misspelt dataset are checked once its name is repaired): --fix compiles
// again and makes that one too.
func TestFmtFixRounds(t *testing.T) {
	page := strings.Replace(misspeltPage, `x = filter processes where (exe == "C:\Windows\System32\net.exe" and`, `x = filter processs where (`, 1)
	p := writeFile(t, t.TempDir(), "p.md", page)
	out, errs, code := cli(t, "", "fmt", "--fix", "-w", p)
	if code != 0 || errs != "" || out != p+":11:12: repaired E204: processs → processes\n"+p+":11:30: repaired E203: comman_line → command_line\n" {
		t.Errorf("exit %d, stderr %q, stdout:\n%s", code, errs, out)
	}
}
