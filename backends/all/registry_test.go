package all_test

import (
	"strings"
	"testing"

	"github.com/cartrans/cartrans/backends/all"
)

// TestRegistry: every registered backend is found by its name and by each
// spelling of its implementation type, whatever the case; its profiles
// are its own; and no two backends share a spelling.
func TestRegistry(t *testing.T) {
	seen := map[string]string{}
	for _, r := range all.Registered() {
		if b, ok := all.Find(r.Name()); !ok || b.Name() != r.Name() {
			t.Errorf("Find(%q) = %v, %v", r.Name(), b, ok)
		}
		if all.Display(r.Name()) != r.Display {
			t.Errorf("Display(%q) = %q, want %q", r.Name(), all.Display(r.Name()), r.Display)
		}
		for _, s := range append([]string{r.Name(), r.Display}, r.Aliases...) {
			for _, spelling := range []string{s, strings.ToUpper(s), strings.ToLower(s)} {
				if got, ok := all.ByType(spelling); !ok || got.Name() != r.Name() {
					t.Errorf("ByType(%q) = %v, %v; want %s", spelling, got.Name(), ok, r.Name())
				}
			}
			if other, ok := seen[strings.ToLower(s)]; ok && other != r.Name() {
				t.Errorf("%q is both %s's and %s's", s, other, r.Name())
			}
			seen[strings.ToLower(s)] = r.Name()
		}
		for _, p := range r.Backend.Profiles() {
			if p.Backend != r.Name() {
				t.Errorf("%s lists profile %s of backend %q", r.Name(), p.Name, p.Backend)
			}
		}
	}
	if len(all.Backends()) != len(all.Registered()) || all.List() != strings.Join(all.Names(), ", ") {
		t.Errorf("Backends, Names and List disagree: %v, %q", all.Names(), all.List())
	}
	if _, ok := all.Find("nosuch"); ok {
		t.Error("Find of an unknown name")
	}
	if _, ok := all.ByType("pseudocode"); ok {
		t.Error("pseudocode is no backend's type")
	}
	if all.Display("nosuch") != "nosuch" {
		t.Errorf("Display of an unknown name: %q", all.Display("nosuch"))
	}
}
