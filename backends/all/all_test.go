package all_test

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/backends/all"
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"github.com/cartrans/cartrans/profile"
)

// TestEmbeddedProfilesFresh: each backend ships the Go generated from its
// profiles' YAML; a YAML edited without `go generate ./backends/...`, or a
// profile file the backend does not list, fails here.
func TestEmbeddedProfilesFresh(t *testing.T) {
	for _, b := range all.Backends() {
		files, err := filepath.Glob(filepath.Join("..", b.Name(), "profiles", "*.yaml"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no profiles (%v)", b.Name(), err)
		}
		embedded := map[string]*profile.Profile{}
		for _, p := range b.Profiles() {
			embedded[p.Name] = p
		}
		if len(embedded) != len(files) {
			t.Errorf("%s: %d profile files, %d embedded", b.Name(), len(files), len(embedded))
		}
		for _, f := range files {
			src, err := profile.Load(f)
			if err != nil {
				t.Fatal(err)
			}
			name := strings.TrimSuffix(filepath.Base(f), ".yaml")
			got, ok := embedded[name]
			if !ok {
				t.Errorf("%s: %s is not embedded", b.Name(), f)
				continue
			}
			src.File = name
			p1, e1 := normal(src)
			p2, e2 := normal(got)
			if !reflect.DeepEqual(p1, p2) || !reflect.DeepEqual(e1, e2) {
				t.Errorf("%s differs from %s/profiles_gen.go: run go generate ./backends/...", f, b.Name())
			}
		}
	}
}

// normal is a copy of a profile and of its events with empty lists and
// maps as nil: YAML's "[]" and an absent key mean the same.
func normal(p *profile.Profile) (profile.Profile, map[string]profile.Event) {
	q := *p
	q.Settings = emptyNil(q.Settings)
	q.Log = emptyNil(q.Log)
	q.LogSelector = terms(q.LogSelector)
	events := map[string]profile.Event{}
	for k, ev := range p.Events {
		e := *ev
		e.Present = emptyNilSlice(e.Present)
		e.Selector = terms(e.Selector)
		e.Fields = emptyNil(e.Fields)
		events[k] = e
	}
	q.Events = nil
	return q, events
}

func terms(ts []profile.Term) []profile.Term {
	if len(ts) == 0 {
		return nil
	}
	out := make([]profile.Term, len(ts))
	for i, t := range ts {
		t.Values = emptyNilSlice(t.Values)
		out[i] = t
	}
	return out
}

func emptyNil[M ~map[K]V, K comparable, V any](m M) M {
	if len(m) == 0 {
		return nil
	}
	return m
}

func emptyNilSlice[S ~[]E, E any](s S) S {
	if len(s) == 0 {
		return nil
	}
	return s
}
