// Package all is the registry of query backends: every backend, in the
// order the commands present them, with what each declares of itself
// (backends.Registration). Everything that lists backends asks it — the
// reader's implementation types, render's headings, the drift report's
// columns, the commands' help and completion — so adding a backend is its
// package (with its register.go) and one line here.
package all

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/backends/dnif"
	"github.com/cartrans/cartrans/backends/eql"
	"github.com/cartrans/cartrans/backends/kql"
	"github.com/cartrans/cartrans/backends/logpoint"
	"github.com/cartrans/cartrans/backends/splunk"
)

// builtin are the backends of cartrans, in the order the commands
// present them.
var builtin = []backends.Registration{
	splunk.Registration,
	eql.Registration,
	dnif.Registration,
	logpoint.Registration,
	kql.Registration,
}

// registry holds the registrations; it is replaced whole on Register, so
// that readers (the reader asks it for every implementation heading) take
// no lock.
var (
	registry atomic.Pointer[[]backends.Registration]
	writeMu  sync.Mutex
)

func init() {
	for _, r := range builtin {
		if _, err := Register(r); err != nil {
			panic(err) // the built-in list is part of the program
		}
	}
}

// Register adds a backend after those registered, and returns the
// function that removes it again (for tests, which register a backend of
// their own to check that everything that lists backends asks here). A
// registration without a name or display name, or whose name, display
// name or alias is another backend's, is an error.
func Register(r backends.Registration) (unregister func(), err error) {
	if r.Backend == nil || r.Name() == "" || r.Display == "" {
		return nil, fmt.Errorf("backend registration %+v: a backend needs a name and a display name", r)
	}
	writeMu.Lock()
	defer writeMu.Unlock()
	old := Registered()
	for _, o := range old {
		for _, s := range spellings(r) {
			if inSpellings(o, s) {
				return nil, fmt.Errorf("backend %s: %q is already backend %s's", r.Name(), s, o.Name())
			}
		}
	}
	next := append(append([]backends.Registration(nil), old...), r)
	registry.Store(&next)
	return func() {
		writeMu.Lock()
		defer writeMu.Unlock()
		var kept []backends.Registration
		for _, o := range Registered() {
			if o.Name() != r.Name() {
				kept = append(kept, o)
			}
		}
		registry.Store(&kept)
	}, nil
}

// Registered returns every registration, in order. The slice is shared:
// callers must not modify it.
func Registered() []backends.Registration {
	if p := registry.Load(); p != nil {
		return *p
	}
	return nil
}

// Backends returns every backend.
func Backends() []backends.Backend {
	rs := Registered()
	out := make([]backends.Backend, len(rs))
	for i, r := range rs {
		out[i] = r.Backend
	}
	return out
}

// Names returns every backend's name, in order.
func Names() []string {
	rs := Registered()
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Name()
	}
	return out
}

// Find returns the backend with a name.
func Find(name string) (backends.Backend, bool) {
	r, ok := Lookup(name)
	return r.Backend, ok
}

// Lookup returns the registration of the backend with a name.
func Lookup(name string) (backends.Registration, bool) {
	for _, r := range Registered() {
		if r.Name() == name {
			return r, true
		}
	}
	return backends.Registration{}, false
}

// Display is the implementation type CAR's pages write for a backend's
// language ("Splunk" for splunk); the name itself for one not registered.
func Display(name string) string {
	if r, ok := Lookup(name); ok {
		return r.Display
	}
	return name
}

// ByType returns the backend whose name, display name or alias is a
// written implementation type, compared without case.
func ByType(written string) (backends.Registration, bool) {
	for _, r := range Registered() {
		if inSpellings(r, written) {
			return r, true
		}
	}
	return backends.Registration{}, false
}

// Spellings lists the implementation types that mean some backend, in
// lower case: each one's name, display name and aliases.
func Spellings() []string {
	var out []string
	for _, r := range Registered() {
		for _, s := range spellings(r) {
			out = append(out, strings.ToLower(s))
		}
	}
	return out
}

// List writes the names as help texts do: "splunk, eql, dnif".
func List() string { return strings.Join(Names(), ", ") }

func spellings(r backends.Registration) []string {
	return append([]string{r.Name(), r.Display}, r.Aliases...)
}

func inSpellings(r backends.Registration, s string) bool {
	for _, o := range spellings(r) {
		if strings.EqualFold(o, s) {
			return true
		}
	}
	return false
}
