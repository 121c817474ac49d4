package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// LogPoint has two normalisations of the same Sysmon events in real use:
// the names CAR's hand-written LogPoint queries use (sysmon, the default)
// and those of LogPoint's own Sigma pipeline (sigma). Both convert the
// shipped examples, each with its own selectors and names, and `list
// profiles` says which is which.
func TestLogPointProfiles(t *testing.T) {
	want := map[string][]string{
		"sysmon": {
			`norm_id=WindowsSysmon event_id=1 image="*\cmd.exe" parent_image="*\services.exe"`,
			// A key's path is exact with a regular expression (issue 11).
			`norm_id=WindowsSysmon event_id=13 | process regex("(?i)^.*\\Software\\Microsoft\\Windows\\CurrentVersion\\Run.*\\[^\\]*$", target_object, "filter=true")`,
			`norm_id=WindowsSysmon event_id=1 image="*\schtasks.exe" command="*/create*"`,
		},
		// pySigma-backend-logpoint: process_creation is selected by the
		// labels Process and Create, Image is "process" (a keyword, so
		// quoted), ParentImage parent_process; registry_set by Registry
		// Value Set.
		"sigma": {
			`label=Process label=Create "process"="*\cmd.exe" parent_process="*\services.exe"`,
			`label=Registry label=Value label=Set | process regex("(?i)^.*\\Software\\Microsoft\\Windows\\CurrentVersion\\Run.*\\[^\\]*$", target_object, "filter=true")`,
			`label=Process label=Create "process"="*\schtasks.exe" command="*/create*"`,
		},
	}
	for name, queries := range want {
		out, errs, code := cli(t, "", "convert", "-t", "logpoint", "--profile", name, "../../examples/analytics")
		// The join example (903) is unsupported on LogPoint, which its
		// entry says: no failure unless --fail-on unsupported.
		if code != 0 || errs != "" {
			t.Errorf("--profile %s: exit %d, stderr %q", name, code, errs)
		}
		for _, q := range queries {
			if !strings.Contains(out, "\n"+q+"\n") {
				t.Errorf("--profile %s: no query %s in\n%s", name, q, out)
			}
		}
	}
	out, _, _ := cli(t, "", "list", "profiles")
	for _, s := range []string{"sysmon (default)", "names CAR's LogPoint queries use", "sigma ", "LogPoint's Sigma normalisation"} {
		if !strings.Contains(out, s) {
			t.Errorf("list profiles lacks %q:\n%s", s, out)
		}
	}
}

// A profile's name is a profile file only when it names a file: a folder
// named sigma in the working directory (a checkout of Sigma's rules) does
// not hide the embedded profile.
func TestProfileNameNotAFolder(t *testing.T) {
	example, err := filepath.Abs(example)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "sigma"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	out, errs, code := cli(t, "", "convert", "-t", "logpoint", "--profile", "sigma", example)
	if code != 0 || !strings.Contains(out, `label=Process label=Create "process"="*\cmd.exe"`) {
		t.Errorf("exit %d, stderr %q\n%s", code, errs, out)
	}
}
