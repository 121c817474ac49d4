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
	// The join example, time-bounded, cannot be translated to DNIF: exit 1,
	// with its reason.
	out, _, code := cli(t, "", "convert", "-t", "dnif", dir)
	if code != 1 || !strings.Contains(out, "CAR-2026-11-903.md:48:13: dnif cannot express a time-bounded join") {
		t.Errorf("exit %d\n%s", code, out)
	}
	if _, _, code := cli(t, "", "convert", "-t", "dnif", "--fail-on", "never", dir); code != 0 {
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
	if code != 1 || !strings.Contains(errs, "CAR-2026-11-903 logpoint (sysmon): not translated") {
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
