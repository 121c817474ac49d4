package main

import (
	"strings"
	"testing"

	"github.com/cartrans/cartrans/backends/all"
	"github.com/cartrans/cartrans/backends/native"
)

// Every name `list` prints is one the flags accept: each profile converts
// the example under -t and --profile, each schema runs under --schema, each
// setting is taken by --set.
func TestListNamesAreAccepted(t *testing.T) {
	out, errs, code := cli(t, "", "list", "profiles")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	for _, b := range all.Backends() {
		for i, p := range b.Profiles() {
			name := p.Name
			if i == 0 {
				name += " (default)"
			}
			if !strings.Contains(out, b.Name()+" ") || !strings.Contains(out, name) || !strings.Contains(out, p.Description) {
				t.Errorf("list profiles lacks %s %s: %s", b.Name(), name, out)
			}
			if _, errs, code := cli(t, "", "convert", "-t", b.Name(), "--profile", p.Name, "--format", "json", "../../examples/analytics/CAR-2026-11-901.md"); code == 2 {
				t.Errorf("-t %s --profile %s refused: %s", b.Name(), p.Name, errs)
			}
			for k := range p.Settings {
				if _, errs, code := cli(t, "", "convert", "-t", b.Name(), "--profile", p.Name, "--set", k+"=x1", "--format", "json", "../../examples/analytics/CAR-2026-11-901.md"); code == 2 {
					t.Errorf("--set %s=x1 refused for %s %s: %s", k, b.Name(), p.Name, errs)
				}
			}
		}
	}
	out, _, _ = cli(t, "", "list", "schemas")
	for _, s := range native.Schemas() {
		if !strings.Contains(out, s.Name+" ") {
			t.Errorf("list schemas lacks %s:\n%s", s.Name, out)
		}
		if _, errs, code := cli(t, "", "run", "../../examples/analytics", "--schema", s.Name, "--count", "--events", "../../examples/events"); code == 2 {
			t.Errorf("--schema %s refused: %s", s.Name, errs)
		}
	}
}

// The formats `list formats` names are those each flag's help states.
func TestListFormatsMatchFlags(t *testing.T) {
	root := newRootCmd(nil, nil, nil)
	for _, row := range formats {
		cmd, _, err := root.Find(strings.Fields(row[0]))
		if err != nil {
			t.Fatalf("%s: %v", row[0], err)
		}
		f := cmd.Flags().Lookup(strings.TrimPrefix(row[1], "--"))
		if f == nil {
			t.Fatalf("%s has no flag %s", row[0], row[1])
		}
		for _, v := range strings.Split(row[2], ", ") {
			v, _, _ = strings.Cut(v, " ")
			if v != "detected" && !strings.Contains(f.Usage+" "+f.DefValue, v) {
				t.Errorf("%s %s: %q is not in the flag's help %q", row[0], row[1], v, f.Usage)
			}
		}
	}
}

func TestListUnknown(t *testing.T) {
	_, errs, code := cli(t, "", "list", "profile")
	if code != 2 || !strings.Contains(errs, "did you mean profiles?") || !strings.Contains(errs, "targets, profiles, schemas, settings, formats") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}
