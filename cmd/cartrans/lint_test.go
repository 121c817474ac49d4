package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/internal/testcorpus"
)

const brokenPage = `---
title: "CAR-2020-01-001: Broken"
submission_date: 2020/01/01
---
### Implementations

#### Pseudocode

` + "```" + `
processes = search Process:Create
x = filter processes where (comman_line == "a" and exe = "b"
output x
` + "```" + `
`

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLintText(t *testing.T) {
	p := writeFile(t, t.TempDir(), "broken.md", brokenPage)
	out, errs, code := cli(t, "", "lint", p)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	// Diagnostics go to standard error, as every command's do; the
	// summary to standard output.
	if strings.Contains(out, "error[") {
		t.Errorf("diagnostics on standard output:\n%s", out)
	}
	for _, want := range []string{
		p + ":11:29: error[E203]: processes (Process events) has no field comman_line\n" +
			"    |\n" +
			" 11 | x = filter processes where (comman_line == \"a\" and exe = \"b\"\n" +
			"    |                             ^^^^^^^^^^^\n" +
			"    = help: did you mean command_line?\n",
		p + ":11:56: warning[W120]: '=' compares here: read as '=='",
		p + ":11:61: warning[W105]: missing ')' added at the end of the statement",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("standard error lacks %q:\n%s", want, errs)
		}
	}
	for _, want := range []string{`\n  with errors +1\n`, `\n  E203 +1  a field the events do not carry\n`} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("summary lacks %s:\n%s", want, out)
		}
	}
}

func TestLintExamplesClean(t *testing.T) {
	out, _, code := cli(t, "", "lint", "--strict", "../../examples/analytics")
	if code != 0 || !regexp.MustCompile(`\n  clean +4\n`).MatchString(out) {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func TestLintSARIF(t *testing.T) {
	p := writeFile(t, t.TempDir(), "broken.md", brokenPage)
	out, _, code := cli(t, "", "lint", "--format", "sarif", p)
	if code != 1 {
		t.Errorf("exit %d", code)
	}
	var log struct {
		Version string
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string
					Rules []struct {
						ID      string
						HelpURI string
					}
				}
			}
			Results []struct {
				RuleID    string
				Level     string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine, StartColumn int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || log.Runs[0].Tool.Driver.Name != "cartrans" {
		t.Fatalf("log %+v", log)
	}
	// Each rule links to its section of the language specification.
	for _, r := range log.Runs[0].Tool.Driver.Rules {
		if r.ID == "E203" && r.HelpURI != "https://github.com/cartrans/cartrans/blob/main/docs/pseudocode.md#e203--a-field-the-events-do-not-carry" {
			t.Errorf("E203's helpUri is %q", r.HelpURI)
		}
	}
	var found bool
	for _, r := range log.Runs[0].Results {
		loc := r.Locations[0].PhysicalLocation
		if r.RuleID == "E203" && r.Level == "error" && loc.Region.StartLine == 11 && loc.Region.StartColumn == 29 && strings.HasSuffix(loc.ArtifactLocation.URI, "broken.md") {
			found = true
		}
	}
	if !found || len(log.Runs[0].Tool.Driver.Rules) != 3 {
		t.Errorf("results %+v rules %+v", log.Runs[0].Results, log.Runs[0].Tool.Driver.Rules)
	}
}

func TestLintJSON(t *testing.T) {
	out, _, code := cli(t, "", "lint", "--format", "json", "../../examples/analytics")
	var rep struct {
		Analytics []struct{ ID, Status string }
		Blocks    int `json:"pseudocode_blocks"`
		Compiled  int
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 0 {
		t.Fatalf("exit %d, %v", code, err)
	}
	if len(rep.Analytics) != 4 || rep.Blocks != 4 || rep.Compiled != 4 || rep.Analytics[0].Status != "clean" {
		t.Errorf("report %+v", rep)
	}
}

// TestLintCorpus: every block of the corpus is read, and one broken
// analytic does not stop the others.
func TestLintCorpus(t *testing.T) {
	root := testcorpus.Dir(t)
	out, _, code := cli(t, "", "lint", filepath.Join(root, "analytics"))
	if code != 1 {
		t.Errorf("exit %d, want 1 (the corpus has errors)", code)
	}
	if !regexp.MustCompile(`(?m)^analytics +90\n`).MatchString(out) || !regexp.MustCompile(`\npseudocode blocks +83\n`).MatchString(out) {
		t.Errorf("summary:\n%s", out[max(0, len(out)-1500):])
	}
}

func TestFmt(t *testing.T) {
	dir := t.TempDir()
	page := strings.Replace(brokenPage, "comman_line", "command_line", 1)
	p := writeFile(t, dir, "fixable.md", page)
	out, _, code := cli(t, "", "fmt", "-d", p)
	if code != 0 || !strings.Contains(out, "-x = filter processes where (command_line == \"a\" and exe = \"b\"\n+x = filter processes where (command_line == \"a\" and exe == \"b\")\n") {
		t.Fatalf("fmt -d: exit %d\n%s", code, out)
	}
	if out, _, _ := cli(t, "", "fmt", "-l", p); strings.TrimSpace(out) != p {
		t.Errorf("fmt -l: %q", out)
	}
	if _, _, code := cli(t, "", "fmt", "-w", p); code != 0 {
		t.Fatalf("fmt -w: exit %d", code)
	}
	got, _ := os.ReadFile(p)
	want := strings.Replace(page, `x = filter processes where (command_line == "a" and exe = "b"`, `x = filter processes where (command_line == "a" and exe == "b")`, 1)
	if string(got) != want {
		t.Errorf("fmt -w wrote\n%s\nwant\n%s", got, want)
	}
	// fmt of fmt changes nothing.
	if out, _, _ := cli(t, "", "fmt", "-l", p); out != "" {
		t.Errorf("second fmt would change %q", out)
	}
}

func TestFmtLeavesBrokenBlocks(t *testing.T) {
	p := writeFile(t, t.TempDir(), "broken.md", strings.Replace(brokenPage, "and exe", "exe", 1))
	_, errs, code := cli(t, "", "fmt", "-w", p)
	got, _ := os.ReadFile(p)
	if code != 1 || !strings.Contains(errs, "error[E110]") || string(got) != strings.Replace(brokenPage, "and exe", "exe", 1) {
		t.Errorf("exit %d, stderr %q; file changed: %v", code, errs, string(got) != brokenPage)
	}
}

func TestFmtYAMLKeepsTheRest(t *testing.T) {
	src, _ := os.ReadFile("../../examples/analytics/CAR-2026-11-904.yaml")
	text := strings.Replace(string(src), `(exe == "schtasks.exe" and command_line == "*/create*")`, `(exe = "schtasks.exe" AND command_line = "*/create*")`, 1)
	p := writeFile(t, t.TempDir(), "a.yaml", text)
	if _, _, code := cli(t, "", "fmt", "-w", p); code != 0 {
		t.Fatalf("exit %d", code)
	}
	got, _ := os.ReadFile(p)
	if string(got) != string(src) {
		t.Errorf("fmt -w gave\n%s", got)
	}
}
