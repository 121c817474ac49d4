package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"github.com/cartrans/cartrans/internal/testcorpus"
)

// cli runs cartrans in-process and returns its outputs and exit status.
func cli(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

func TestParseExamplesJSON(t *testing.T) {
	out, errs, code := cli(t, "", "parse", "../../examples/analytics")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	var got []struct {
		ID              string `json:"id"`
		Title           string `json:"title"`
		Implementations []struct {
			Type string `json:"type"`
			Code string `json:"code"`
		} `json:"implementations"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("stdout is not a JSON array: %v", err)
	}
	if len(got) != 4 || got[0].ID != "CAR-2026-11-901" || got[0].Title != "Command Shell Launched by the Service Control Manager" {
		t.Fatalf("got %+v", got)
	}
	if im := got[0].Implementations[0]; im.Type != "pseudocode" || !strings.HasPrefix(im.Code, "processes = search Process:Create\n") {
		t.Errorf("implementation %+v", im)
	}
}

func TestParseYAMLOutputMatchesJSON(t *testing.T) {
	j, _, _ := cli(t, "", "parse", "../../examples/analytics/CAR-2026-11-902.md")
	y, _, code := cli(t, "", "parse", "--format", "yaml", "../../examples/analytics/CAR-2026-11-902.md")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var fromJSON, fromYAML any
	if err := json.Unmarshal([]byte(j), &fromJSON); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal([]byte(y), &fromYAML); err != nil {
		t.Fatalf("not YAML: %v\n%s", err, y)
	}
	a, _ := json.Marshal(fromJSON)
	b, _ := json.Marshal(fromYAML)
	if !bytes.Equal(a, b) {
		t.Errorf("YAML and JSON outputs differ:\n%s\n%s", a, b)
	}
}

func TestParseStdin(t *testing.T) {
	md, _ := os.ReadFile("../../examples/analytics/CAR-2026-11-901.md")
	ym, _ := os.ReadFile("../../examples/analytics/CAR-2026-11-904.yaml")
	for name, in := range map[string]string{"markdown": string(md), "yaml": string(ym)} {
		out, errs, code := cli(t, in, "parse", "-")
		if code != 0 || errs != "" || !strings.Contains(out, `"format": "`+name+`"`) {
			t.Errorf("%s on stdin: exit %d, stderr %q", name, code, errs)
		}
	}
}

// diagLine is the required shape of a diagnostic on stderr.
var diagLine = regexp.MustCompile(`^[^:]+:\d+(:\d+)?: (error|warning|info): .+$`)

// TestParseBadInputs runs the command on each kind of bad input: one clear
// diagnostic in file:line:col form, then the summary, and exit status 1.
func TestParseBadInputs(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"empty.md":        "",
		"nofm.md":         "# Just a note\n",
		"unterminated.md": "---\ntitle: \"CAR-2020-01-001: x\"\n",
		"badyaml.md":      "---\ntitle: [\n---\n",
		"bad.yaml":        "id: CAR-2020-01-001\n  x: : y\n",
		"binary.md":       "\x7fELF\x02\x01\x01\x00\x00\x00",
		"page.md":         "---\nlayout: page\n---\nHello\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	big := filepath.Join(dir, "big.md")
	f, _ := os.Create(big)
	_ = f.Truncate(50 << 20)
	f.Close()
	files["big.md"] = ""
	for name := range files {
		out, errs, code := cli(t, "", "parse", filepath.Join(dir, name))
		lines := strings.Split(strings.TrimSpace(errs), "\n")
		if code != 1 || len(lines) != 2 || !diagLine.MatchString(lines[0]) || !strings.Contains(lines[0], name) ||
			!strings.HasPrefix(lines[1], "cartrans: 0 of 1 inputs read") {
			t.Errorf("%s: exit %d, stderr:\n%s", name, code, errs)
		}
		if strings.TrimSpace(out) != "[]" {
			t.Errorf("%s: stdout %q, want an empty list", name, out)
		}
	}
}

func TestParseDuplicateIDs(t *testing.T) {
	_, errs, code := cli(t, "", "parse", "../../examples/analytics/CAR-2026-11-901.md", "../../examples/analytics")
	if code != 1 || !strings.Contains(errs, "error: duplicate analytic ID CAR-2026-11-901: already defined at ../../examples/analytics/CAR-2026-11-901.md:2") {
		t.Errorf("exit %d, stderr:\n%s", code, errs)
	}
}

func TestParseStrict(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "w.md")
	text := "---\ntitle: \"CAR-2020-01-001: x\"\nsubmission_date: 2020/01/01\nfavourite_colour: blue\n---\nText.\n"
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := cli(t, "", "parse", p); code != 0 || !strings.Contains(errs, "w.md:4:1: warning: unknown front matter key \"favourite_colour\" ignored") {
		t.Errorf("without --strict: exit %d, stderr %q", code, errs)
	}
	if _, _, code := cli(t, "", "parse", "--strict", p); code != 1 {
		t.Errorf("with --strict: exit %d, want 1", code)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"parse"},
		{"parse", "--format", "xml", "x.md"},
		{"parse", "--stdin-format", "toml", "-"},
		{"parse", "--no-such-flag", "x.md"},
		{"no-such-command"},
	} {
		if _, errs, code := cli(t, "", args...); code != 2 || errs == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a message", args, code, errs)
		}
	}
}

// TestParseCorpus is the bar: all 90 analytics read, no errors.
func TestParseCorpus(t *testing.T) {
	root := testcorpus.Dir(t)
	out, errs, code := cli(t, "", "parse", filepath.Join(root, "analytics"))
	if code != 0 || strings.Contains(errs, ": error") {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got) != 90 {
		t.Fatalf("read %d analytics (%v)", len(got), err)
	}
}

// TestNoAnalyticsIsAnError: every command over paths that hold no
// analytic (an empty folder, a folder of other files, a missing path)
// fails, saying so, and check calls nothing up to date; a folder holding
// none beside one that does is a warning only.
func TestNoAnalyticsIsAnError(t *testing.T) {
	empty, others := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(others, "notes.txt"), []byte("not an analytic\n"), 0o644)
	missing := filepath.Join(empty, "nosuch")
	out := t.TempDir()
	golden, site := filepath.Join(out, "queries"), filepath.Join(out, "site")
	for _, path := range []string{empty, others, missing} {
		for _, args := range [][]string{
			{"parse", path},
			{"lint", path},
			{"fmt", path},
			{"convert", path},
			{"test", path},
			{"run", path, "--events", "../../examples/events"},
			{"check", path, "--golden", golden},
			{"check", path, "--golden", golden, "--update"},
			{"check", "--drift", path},
			{"render", path, "--out", site},
			{"navigator", path},
		} {
			stdout, errs, code := cli(t, "", args...)
			want := path + ": error: no analytics found in " + path
			if path == missing {
				want = path + ": error: no such file or directory"
			}
			// check has nothing to compare: no table, and no "ok".
			if code != 1 || !strings.Contains(errs, want) || args[0] == "check" && stdout != "" {
				t.Errorf("%v: exit %d, want 1 and %q\nstdout:\n%s\nstderr:\n%s", args, code, want, stdout, errs)
			}
		}
	}
	for _, dir := range []string{golden, site} {
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("%s was made: %v", dir, err)
		}
	}
	_, errs, code := cli(t, "", "parse", empty, "../../examples/analytics")
	if code != 0 || !strings.Contains(errs, empty+": warning: no *.md, *.markdown, *.yaml or *.yml files in the directory") {
		t.Errorf("an empty folder beside analytics: exit %d, stderr:\n%s", code, errs)
	}
}

// TestUnknownFlagNamesTheCommandsHelp: a command-line mistake points to
// the help of the command it was made in.
func TestUnknownFlagNamesTheCommandsHelp(t *testing.T) {
	for args, want := range map[string]string{
		"check --nosuch x":  "Run 'cartrans check --help' for usage.",
		"lint --nosuch x":   "Run 'cartrans lint --help' for usage.",
		"render":            "Run 'cartrans render --help' for usage.",
		"no-such-command x": "Run 'cartrans --help' for usage.",
	} {
		_, errs, code := cli(t, "", strings.Fields(args)...)
		if code != 2 || !strings.HasSuffix(errs, want+"\n") {
			t.Errorf("%s: exit %d, stderr %q, want it to end %q", args, code, errs, want)
		}
	}
}

// readmeSection returns the text of the README's "## title" section.
func readmeSection(t *testing.T, title string) string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(readme), "\n## "+title+"\n")
	if !ok {
		t.Fatalf("README has no section %q", title)
	}
	if i := strings.Index(after, "\n## "); i >= 0 {
		after = after[:i]
	}
	return after
}

// shBlock returns the lines of a section's first sh block.
func shBlock(t *testing.T, section string) []string {
	t.Helper()
	m := regexp.MustCompile("(?s)```sh\n(.*?)```").FindStringSubmatch(section)
	if m == nil {
		t.Fatalf("no sh block in:\n%s", section)
	}
	return strings.Split(strings.TrimSpace(m[1]), "\n")
}

// TestREADMEFreshClone: the commands a newcomer runs first exit 0 on the
// shipped examples (a first run must not look like a failure).
func TestREADMEFreshClone(t *testing.T) {
	for _, line := range shBlock(t, readmeSection(t, "On a fresh clone")) {
		args, ok := strings.CutPrefix(line, "go run ./cmd/cartrans ")
		if !ok {
			t.Fatalf("not a cartrans command: %q", line)
		}
		fields := strings.Fields(args)
		for i, f := range fields {
			// Paths are the repository's (a command name is no path).
			if _, err := os.Stat(filepath.Join("../..", f)); err == nil && strings.Contains(f, "/") {
				fields[i] = filepath.Join("../..", f)
			}
		}
		if _, errs, code := cli(t, "", fields...); code != 0 {
			t.Errorf("%s: exit %d\n%s", line, code, errs)
		}
	}
}

// TestREADMEInstall runs the README's install in this tree, as in a
// fresh clone (GOBIN a new folder), and the command it installs.
func TestREADMEInstall(t *testing.T) {
	bin := t.TempDir()
	for _, line := range shBlock(t, readmeSection(t, "Install")) {
		cmd := exec.Command("sh", "-c", line)
		cmd.Dir = "../.."
		cmd.Env = append(os.Environ(), "GOBIN="+bin)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", line, err, out)
		}
	}
	if out, err := exec.Command(filepath.Join(bin, "cartrans"), "version").CombinedOutput(); err != nil {
		t.Errorf("the installed cartrans: %v\n%s", err, out)
	}
}
