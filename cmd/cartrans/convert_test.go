package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/internal/testcorpus"
)

const example = "../../examples/analytics/CAR-2026-11-901.md"

func TestConvertExample(t *testing.T) {
	out, errs, code := cli(t, "", "convert", "-t", "splunk,eql", example)
	want := `# CAR-2026-11-901 Command Shell Launched by the Service Control Manager — Shell under services.exe
# splunk (sysmon): exact
index=__your_sysmon_index__ EventCode=1 Image="*\\cmd.exe" ParentImage="*\\services.exe"

# CAR-2026-11-901 Command Shell Launched by the Service Control Manager — Shell under services.exe
# eql (endgame): exact
process where subtype.create and process_name == "cmd.exe" and parent_process_name == "services.exe"
`
	if code != 0 || errs != "" || out != want {
		t.Errorf("exit %d, stderr %q, stdout:\n%s", code, errs, out)
	}
}

func TestConvertJSONAndSettings(t *testing.T) {
	out, _, code := cli(t, "", "convert", "-t", "splunk", "--set", "index=sysmon", "--format", "json", example)
	var entries []struct {
		ID, Target, Profile, Fidelity string
		Attack                        []string
		Queries                       []struct{ Query string }
	}
	if err := json.Unmarshal([]byte(out), &entries); err != nil || code != 0 {
		t.Fatalf("exit %d, %v\n%s", code, err, out)
	}
	e := entries[0]
	if e.ID != "CAR-2026-11-901" || e.Fidelity != "exact" || len(e.Attack) != 4 || !strings.HasPrefix(e.Queries[0].Query, "index=sysmon ") {
		t.Errorf("%+v", e)
	}
}

func TestConvertExplain(t *testing.T) {
	out, _, _ := cli(t, "", "convert", "-t", "splunk", "--explain", example)
	if !strings.Contains(out, `exe → Image (the base name of its path): matches "*\\cmd.exe"`) {
		t.Errorf("explain:\n%s", out)
	}
}

func TestConvertExitStatus(t *testing.T) {
	dir := "../../examples/analytics"
	// The join example, time-bounded, cannot be translated to DNIF: said
	// with its reason, and a failure when --fail-on unsupported asks.
	out, _, code := cli(t, "", "convert", "-t", "dnif", dir)
	if code != 0 || !strings.Contains(out, "CAR-2026-11-903.md:48:13: dnif cannot express a time-bounded join") {
		t.Errorf("exit %d\n%s", code, out)
	}
	if _, _, code := cli(t, "", "convert", "-t", "dnif", "--fail-on", "unsupported", dir); code != 1 {
		t.Errorf("--fail-on unsupported: exit %d", code)
	}
	// A pseudocode with errors is a failure unless --fail-on never.
	broken := filepath.Join(t.TempDir(), "broken.md")
	src, _ := os.ReadFile(example)
	os.WriteFile(broken, []byte(strings.Replace(string(src), "search Process:Create", "search Process:Creat", 1)), 0o644)
	if _, errs, code := cli(t, "", "convert", "-t", "dnif", broken); code != 1 || !strings.Contains(errs, "error") {
		t.Errorf("a pseudocode with errors: exit %d\n%s", code, errs)
	}
	if _, _, code := cli(t, "", "convert", "-t", "dnif", "--fail-on", "never", broken); code != 0 {
		t.Errorf("--fail-on never: exit %d", code)
	}
	// Splunk writes it, approximately: exit 0, unless approximations fail.
	if _, _, code := cli(t, "", "convert", "-t", "splunk", dir); code != 0 {
		t.Errorf("splunk: exit %d", code)
	}
	if _, _, code := cli(t, "", "convert", "-t", "splunk", "--fail-on", "approximate", dir); code != 1 {
		t.Errorf("splunk --fail-on approximate: exit %d", code)
	}
	for _, args := range [][]string{
		{"convert", "-t", "nosuch", example},
		{"convert", "--set", "index", example},
		{"convert", "--set", "index=a | delete", example},
		{"convert", "--profile", "all", "--set", "index=a b", example},
		{"convert", "-t", "splunk", "--set", "nosuch=1", example},
		{"convert", "--format", "xml", example},
		{"convert", "--fail-on", "sometimes", example},
		{"convert", "-t", "splunk", "--profile", "nosuch", example},
	} {
		if _, errs, code := cli(t, "", args...); code != 2 || errs == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}

func TestConvertProfileFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "mine.yaml")
	profileText := `name: mine
backend: splunk
prefix: index=edr
events:
  process/create:
    selector: [{field: type, values: [proc_start]}]
    fields:
      exe: {field: proc_path, transform: basename}
      parent_exe: {field: parent_path, transform: basename}
`
	if err := os.WriteFile(p, []byte(profileText), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := cli(t, "", "convert", "--profile", p, example)
	if code != 0 || !strings.Contains(out, `index=edr type="proc_start" proc_path="*\\cmd.exe" parent_path="*\\services.exe"`) {
		t.Errorf("exit %d, stderr %q\n%s", code, errs, out)
	}
}

func TestConvertOutAndSavedSearches(t *testing.T) {
	dir := t.TempDir()
	_, errs, code := cli(t, "", "convert", "--out", dir, "../../examples/analytics")
	// The join example is not translated to LogPoint, with its reason:
	// no failure unless --fail-on unsupported.
	if code != 0 || !strings.Contains(errs, "CAR-2026-11-903 logpoint (sysmon): not translated") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	got, err := os.ReadFile(filepath.Join(dir, "eql-endgame", "CAR-2026-11-901.txt"))
	if err != nil || string(got) != "process where subtype.create and process_name == \"cmd.exe\" and parent_process_name == \"services.exe\"\n" {
		t.Errorf("eql file: %q %v", got, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "logpoint-sysmon", "CAR-2026-11-903.txt")); err == nil {
		t.Error("an untranslated analytic has a file")
	}
	out, _, code := cli(t, "", "convert", "-t", "splunk", "--format", "savedsearches", example)
	if code != 0 || !strings.HasPrefix(out, "[CAR-2026-11-901 Command Shell Launched by the Service Control Manager]\nsearch = index=__your_sysmon_index__ EventCode=1 ") ||
		!strings.Contains(out, `action.correlationsearch.annotations = {"mitre_attack": ["T1569", "T1569.002", "T1543", "T1543.003"]}`) {
		t.Errorf("exit %d\n%s", code, out)
	}
}

// TestREADMESummary: the README's table of what each target translates
// over MITRE's corpus is the output of the command it names, verbatim.
func TestREADMESummary(t *testing.T) {
	dir := filepath.Join(testcorpus.Dir(t), "analytics")
	out, _, _ := cli(t, "", "convert", "--summary", "--profile", "all", dir)
	readmeShows(t, "convert --summary --profile all ../shared/car/analytics`):\n\n", out)
}

// readmeShows fails unless the README shows a command's output after the
// text that names the command.
func readmeShows(t *testing.T, intro, out string) {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), intro+out) {
		t.Errorf("README.md does not show this output after %q (update it):\n%s", intro, out)
	}
}

// TestConvertProfileVerbatim: what a profile file puts into queries as it
// is (a Splunk prefix, an EQL category) must be of its kind's closed
// alphabet; anything else is refused when the profile is read, naming the
// file, the key and the value, and no query is written.
func TestConvertProfileVerbatim(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ name, text, want string }{
		{"prefix", "name: mine\nbackend: splunk\nprefix: 'index=main | delete'\nevents:\n  process/create:\n    fields: {exe: Image, parent_exe: ParentImage}\n",
			`mine.yaml: prefix: "index=main | delete": a prefix is search terms name=value`},
		{"event prefix", "name: mine\nbackend: splunk\nevents:\n  process/create:\n    prefix: 'index=x [search index=y]'\n    fields: {exe: Image, parent_exe: ParentImage}\n",
			`mine.yaml: events.process/create.prefix: "index=x [search index=y]"`},
		{"category", "name: mine\nbackend: eql\nevents:\n  process/create:\n    category: 'any where true or process'\n    fields: {exe: process_name, parent_exe: parent_process_name}\n",
			`mine.yaml: events.process/create.category: "any where true or process": a category is a name`},
		{"selector value", "name: mine\nbackend: splunk\nevents:\n  process/create:\n    selector: [{field: EventCode, values: [\"1\\e[2J\"]}]\n    fields: {exe: Image, parent_exe: ParentImage}\n",
			`mine.yaml: events.process/create.selector[1].values[1]: "1\x1b[2J": it holds the control character U+001B`},
	} {
		p := filepath.Join(dir, "mine.yaml")
		if err := os.WriteFile(p, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		out, errs, code := cli(t, "", "convert", "--profile", p, example)
		if code != 2 || out != "" || !strings.Contains(errs, p+": ") || !strings.Contains(errs, c.want) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q, want %q", c.name, code, out, errs, c.want)
		}
	}
}

// TestProfileAndSchemaBounded: a profile or schema file is read to a
// limit (1 MiB), so one that never ends, /dev/zero, is refused at once,
// naming the limit, instead of filling memory.
func TestProfileAndSchemaBounded(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero here")
	}
	_, errs, code := cli(t, "", "convert", "--profile", "/dev/zero", example)
	if code != 2 || !strings.Contains(errs, "/dev/zero: too large: a profile file is at most 1 MiB") {
		t.Errorf("convert --profile /dev/zero: exit %d, stderr %q", code, errs)
	}
	log := filepath.Join(t.TempDir(), "day.ndjson")
	if err := os.WriteFile(log, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs, code = cli(t, "", "run", example, "--events", log, "--schema", "/dev/zero")
	if code != 2 || !strings.Contains(errs, "/dev/zero: too large: a schema file is at most 1 MiB") {
		t.Errorf("run --schema /dev/zero: exit %d, stderr %q", code, errs)
	}
}
