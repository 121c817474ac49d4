package lint_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/diag"
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"github.com/cartrans/cartrans/lint"
	"github.com/cartrans/cartrans/parser"
	"github.com/cartrans/cartrans/sigmamap"
)

// page is a CAR page with one pseudocode block (none when code is empty).
func page(id, code string) string {
	s := "---\ntitle: \"" + id + ": Test\"\nsubmission_date: 2020/01/01\n---\nText.\n\n### Implementations\n\n"
	if code != "" {
		s += "#### Block (Pseudocode, CAR native)\n\n```\n" + code + "\n```\n"
	}
	return s
}

const sigmaRule = `title: Whoami
id: 0b7c1f3e-5a2d-4e6f-8a9b-0c1d2e3f4a5b
status: test
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        Image|endswith: '\whoami.exe'
    condition: selection
level: low
`

// unmappedRule reads clean, but its logsource is none the default
// Sigma mapping has: lowering refuses it.
const unmappedRule = `title: Elsewhere
id: 1b7c1f3e-5a2d-4e6f-8a9b-0c1d2e3f4a5b
status: test
logsource:
    product: plan9
    category: process_creation
detection:
    selection:
        Image: 'rc'
    condition: selection
level: high
`

// lintDir writes the inputs in a folder and lints the folder, walked as
// the command walks it.
func lintDir(t *testing.T, files map[string]string) (*lint.Report, string) {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return lint.Lint(parser.Load([]string{dir}, parser.Options{})), dir
}

func byFile(rep *lint.Report, dir, name string) *lint.Analytic {
	for i, a := range rep.Analytics {
		if a.File == filepath.Join(dir, name) {
			return &rep.Analytics[i]
		}
	}
	return nil
}

// TestLintStatuses: each input's status, counts and codes, and the
// report's totals, over crafted inputs of every status; a README in the
// folder is skipped with a warning and is no analytic.
func TestLintStatuses(t *testing.T) {
	rep, dir := lintDir(t, map[string]string{
		"clean.md":     page("CAR-2020-01-001", "processes = search Process:Create\nout = filter processes where (exe == \"cmd.exe\")\noutput out"),
		"repaired.md":  page("CAR-2020-01-002", "processes = search Process:Create\nout = filter processes where (exe == “cmd.exe”)\noutput out"),
		"errors.md":    page("CAR-2020-01-003", "processes = search Process:Create\nout = filter processes where (exe == \"cmd.exe\"\noutput nosuch"),
		"none.md":      page("CAR-2020-01-004", ""),
		"whoami.yml":   sigmaRule,
		"unmapped.yml": unmappedRule,
		"broken.yaml":  "id: [unclosed\n",
		"README.md":    "# Rules\n\nThese are rules.\n",
	})
	want := map[string]lint.Status{
		"clean.md": lint.Clean, "repaired.md": lint.Warnings, "errors.md": lint.Errors, "none.md": lint.NoPseudocode,
		"whoami.yml": lint.Clean, "unmapped.yml": lint.Clean, "broken.yaml": lint.Unreadable,
	}
	if len(rep.Analytics) != len(want) {
		t.Errorf("%d analytics, want %d (the README is none): %+v", len(rep.Analytics), len(want), rep.Analytics)
	}
	for name, status := range want {
		a := byFile(rep, dir, name)
		if a == nil {
			t.Errorf("%s: not in the report", name)
			continue
		}
		if a.Status != status {
			t.Errorf("%s: %s, want %s (%+v)", name, a.Status, status, a)
		}
	}
	if a := byFile(rep, dir, "README.md"); a != nil {
		t.Errorf("the README is an analytic: %+v", a)
	}
	readme := false
	for _, d := range rep.Diags {
		readme = readme || (d.Pos.File == filepath.Join(dir, "README.md") && d.Severity == diag.Warning)
	}
	if !readme {
		t.Errorf("no warning for the README skipped: %v", rep.Diags)
	}

	if a := byFile(rep, dir, "repaired.md"); a == nil || a.Warns == 0 || a.Errors != 0 || len(a.Codes) == 0 || a.Blocks != 1 {
		t.Errorf("repaired: %+v", a)
	}
	if a := byFile(rep, dir, "errors.md"); a == nil || a.Errors == 0 || a.Blocks != 1 {
		t.Errorf("errors: %+v", a)
	}
	// Three blocks, two compile, one of them repaired.
	if rep.Blocks != 3 || rep.Compiled != 2 || rep.Repaired != 1 {
		t.Errorf("blocks %d, compiled %d, repaired %d; want 3, 2, 1", rep.Blocks, rep.Compiled, rep.Repaired)
	}
	if rep.Count(lint.Clean) != 3 || rep.Count(lint.Unreadable) != 1 {
		t.Errorf("counts: clean %d, unreadable %d", rep.Count(lint.Clean), rep.Count(lint.Unreadable))
	}
	// Codes: each diagnostic with a code is counted, once per diagnostic.
	total := 0
	for _, n := range rep.ByCode {
		total += n
	}
	coded := 0
	for _, d := range rep.Diags {
		if d.Code != "" {
			coded++
		}
	}
	if total != coded || total == 0 {
		t.Errorf("diagnostics by code: %v, %d coded diagnostics", rep.ByCode, coded)
	}

	// Sigma: the rule that lowers, and the one refused with its reason
	// and kind, counted by kind.
	if a := byFile(rep, dir, "whoami.yml"); a == nil || a.Sigma == nil || !a.Sigma.Lowers || a.Sigma.Level != "low" || a.Sigma.Status != "test" {
		t.Errorf("whoami: %+v", a)
	}
	k := byFile(rep, dir, "unmapped.yml")
	if k == nil || k.Sigma == nil || k.Sigma.Lowers || !strings.Contains(k.Sigma.Refusal, "plan9") || k.Sigma.Category != sigmamap.KindNoLogSource {
		t.Errorf("unmapped: %+v", k)
	} else if rep.SigmaRules != 2 || rep.SigmaLowered != 1 || rep.SigmaRefused[k.Sigma.Category] != 1 || len(rep.SigmaRefused) != 1 {
		t.Errorf("Sigma: %d rules, %d lowered, refused %v", rep.SigmaRules, rep.SigmaLowered, rep.SigmaRefused)
	}

	if !rep.Failed(false) {
		t.Error("a report with errors does not fail")
	}
	if rep.Source(filepath.Join(dir, "clean.md")) == nil {
		t.Error("no source kept for the lines of diagnostics")
	}
}

// TestLintFailed: warnings fail only when strict; a clean set never.
func TestLintFailed(t *testing.T) {
	rep, _ := lintDir(t, map[string]string{"r.md": page("CAR-2020-01-002", "p = search Process:Create\no = filter p where (exe == “a.exe”)\noutput o")})
	if rep.Failed(false) || !rep.Failed(true) {
		t.Errorf("warnings: failed %v, strict %v", rep.Failed(false), rep.Failed(true))
	}
	rep, _ = lintDir(t, map[string]string{"c.md": page("CAR-2020-01-001", "p = search Process:Create\no = filter p where (exe == \"a.exe\")\noutput o")})
	if rep.Failed(true) || len(rep.Diags) != 0 {
		t.Errorf("clean: %v", rep.Diags)
	}
}

// TestLintJSON: the JSON report's fields, as lint --format json writes
// them and tools read them.
func TestLintJSON(t *testing.T) {
	rep, _ := lintDir(t, map[string]string{
		"e.md":      page("CAR-2020-01-003", "p = search Process:Create\no = filter p where (exe == \"a.exe\")\noutput nosuch"),
		"w.yml":     sigmaRule,
		"none.md":   page("CAR-2020-01-004", ""),
		"README.md": "Read me.\n",
	})
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Analytics []struct {
			ID     string `json:"id"`
			File   string `json:"file"`
			Status string `json:"status"`
			Blocks *int   `json:"pseudocode_blocks"`
			Errors *int   `json:"errors"`
			Sigma  *struct {
				Lowers *bool `json:"lowers"`
			} `json:"sigma"`
		} `json:"analytics"`
		Blocks      *int           `json:"pseudocode_blocks"`
		Compiled    *int           `json:"compiled"`
		ByCode      map[string]int `json:"diagnostics_by_code"`
		SigmaRules  int            `json:"sigma_rules"`
		Diagnostics []struct {
			Severity string `json:"severity"`
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	statuses := map[string]string{}
	for _, a := range got.Analytics {
		statuses[filepath.Base(a.File)] = a.Status
		if a.Blocks == nil || a.Errors == nil {
			t.Errorf("%s: counts missing from %s", a.File, b)
		}
		if (a.Sigma != nil) != strings.HasSuffix(a.File, ".yml") || (a.Sigma != nil && a.Sigma.Lowers == nil) {
			t.Errorf("%s: sigma %+v", a.File, a.Sigma)
		}
	}
	if statuses["e.md"] != "errors" || statuses["w.yml"] != "clean" || statuses["none.md"] != "no pseudocode" || len(statuses) != 3 {
		t.Errorf("statuses: %v", statuses)
	}
	if got.Blocks == nil || *got.Blocks != 1 || got.Compiled == nil || *got.Compiled != 0 || got.SigmaRules != 1 || len(got.ByCode) == 0 {
		t.Errorf("totals: %s", b)
	}
	severities := map[string]int{}
	for _, d := range got.Diagnostics {
		severities[d.Severity]++
	}
	if severities["error"] == 0 || severities["warning"] == 0 {
		t.Errorf("diagnostics' severities: %v", severities)
	}
	var summary bytes.Buffer
	rep.WriteSummary(&summary)
	for _, line := range []string{"analytics                          3", "  with errors                      1", "Sigma rules                        1"} {
		if !strings.Contains(summary.String(), line) {
			t.Errorf("summary lacks %q:\n%s", line, summary.String())
		}
	}
}
