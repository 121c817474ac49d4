package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/backends/all"
	"github.com/cartrans/cartrans/backends/splunk"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/drift"
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"github.com/cartrans/cartrans/ir"
	cparser "github.com/cartrans/cartrans/parser"
	"github.com/cartrans/cartrans/profile"
)

// testQL is a backend no consumer can know of but through the registry:
// it writes "testql <output>" for each query.
type testQL struct{ profiles []*profile.Profile }

func (testQL) Name() string                   { return "testql" }
func (b testQL) Profiles() []*profile.Profile { return b.profiles }
func (testQL) Convert(qs []ir.Query, p *profile.Profile) ([]backends.Result, error) {
	return backends.ConvertEach(qs, func(q ir.Query) (backends.Result, error) {
		return backends.Result{Query: "testql " + p.Name + " " + q.Name, Fidelity: backends.Exact}, nil
	})
}

// registerTestQL registers testQL for the rest of the test: its one
// profile, "plain", maps what Splunk's sysmon profile maps.
func registerTestQL(t *testing.T) (unregister func()) {
	t.Helper()
	p := *splunk.Backend{}.Profiles()[0]
	p.Name, p.Backend, p.Description = "plain", "testql", "a profile of the registry's test"
	unregister, err := all.Register(backends.Registration{Backend: testQL{[]*profile.Profile{&p}}, Display: "TestQL", Aliases: []string{"TQL"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(unregister) // removing twice is harmless
	return unregister
}

// implPage is a page with one implementation of a written type.
func implPage(typ string) string {
	return "---\ntitle: \"CAR-2020-01-001: T\"\nsubmission_date: 2020/01/01\n---\n### Implementations\n\n#### Hand (" + typ + ", plain)\n\n```\nx\n```\n"
}

// TestRegistryConsumers: everything that lists backends asks the
// registry. A backend registered here, which no file names, is known to
// the reader's implementation types, render's headings, the commands'
// help, lists and completion; and each lists the registered backends and
// nothing else. A list of names written by hand fails here, which is
// what lets a new backend be its package and one line in backends/all.
func TestRegistryConsumers(t *testing.T) {
	unregister := registerTestQL(t)
	names := all.Names()
	if names[len(names)-1] != "testql" {
		t.Fatalf("registered: %v", names)
	}

	// The reader: every spelling of the registration is the type.
	for _, spelling := range []string{"TestQL", "testql", "TQL", "TestQl"} {
		a, diags := cparser.ReadMarkdown("t.md", []byte(implPage(spelling)))
		if a == nil || len(a.Implementations) != 1 || a.Implementations[0].Type != "testql" {
			t.Errorf("%s: read as %+v (%v)", spelling, a, diags)
		}
	}
	if got := cparser.ImplTypes(); !slices.Contains(got, analytic.ImplType("testql")) || len(got) != len(names)+4 {
		t.Errorf("parser.ImplTypes() = %v, want pseudocode, %v, sigma, elastic, other", got, names)
	}

	// A near miss of a long enough spelling is read as it, with a warning.
	a, diags := cparser.ReadMarkdown("t.md", []byte(implPage("TestQK")))
	if a == nil || a.Implementations[0].Type != "testql" || len(diags) != 1 || diags[0].Severity != diag.Warning {
		t.Errorf("near miss: %+v, %v", a, diags)
	}

	// The commands' help and lists: the registered targets, no other.
	for _, c := range []struct {
		cmd    func() *cobra.Command
		prefix string
	}{{newRenderCmd, "targets: "}, {newCheckCmd, "targets: "}, {newNavigatorCmd, "count only analytics these targets translate: "}} {
		cmd := c.cmd()
		if got, want := cmd.Flags().Lookup("target").Usage, c.prefix+strings.Join(names, ", ")+", comma-separated, or all"; !strings.HasPrefix(got, want) {
			t.Errorf("%s -t help: %q, want %q", cmd.Name(), got, want)
		}
	}
	out, _, _ := cli(t, "", "list", "targets")
	var listed []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
		listed = append(listed, strings.Fields(l)[0])
	}
	if !slices.Equal(listed, names) {
		t.Errorf("list targets: %v, want %v", listed, names)
	}
	out, _, _ = cli(t, "", "__complete", "convert", "-t", "")
	var completed []string
	for _, l := range strings.Split(out, "\n") {
		if l != "" && !strings.HasPrefix(l, ":") && l != "all" {
			completed = append(completed, l)
		}
	}
	if !slices.Equal(completed, names) {
		t.Errorf("completion of -t: %v, want %v", completed, names)
	}

	// render: the heading of a generated implementation is the display
	// name, and reads back as the backend's type.
	site := t.TempDir()
	if _, errs, code := cli(t, "", "render", example, "--out", site, "-t", "testql"); code != 0 {
		t.Fatalf("render -t testql: exit %d: %s", code, errs)
	}
	page, err := os.ReadFile(filepath.Join(site, filepath.Base(example)))
	if err != nil {
		t.Fatal(err)
	}
	a, _ = cparser.ReadMarkdown("page.md", page)
	gen := 0
	for _, im := range a.Implementations {
		if im.Generated {
			gen++
			if im.Type != "testql" || im.TypeAsWritten != "TestQL" || !strings.HasPrefix(im.Code, "testql plain ") {
				t.Errorf("generated implementation: %+v", im)
			}
		}
	}
	if gen == 0 {
		t.Errorf("no generated implementation in:\n%s", page)
	}

	// drift: its readers are of registered backends, reviewed in the
	// registry's order; testql has no reader, so no column.
	var reviewed []string
	for _, n := range names {
		if _, ok := drift.Languages[analytic.ImplType(n)]; ok {
			reviewed = append(reviewed, n)
		}
	}
	if !slices.Equal(drift.Backends(), reviewed) || len(reviewed) != len(drift.Languages) {
		t.Errorf("drift reviews %v (readers of %d), want %v in the registry's order", drift.Backends(), len(drift.Languages), reviewed)
	}
	help, _, _ := cli(t, "", "check", "--help")
	var displays []string
	for _, n := range reviewed {
		displays = append(displays, all.Display(n))
	}
	if want := "--drift reviews the " + strings.Join(displays[:len(displays)-1], ", ") + " and " + displays[len(displays)-1] + " queries"; !strings.Contains(help, want) {
		t.Errorf("check --help does not say %q", want)
	}

	// Unregistered, it is forgotten: nothing kept a copy of the list.
	unregister()
	if a, _ := cparser.ReadMarkdown("t.md", []byte(implPage("TestQL"))); a == nil || a.Implementations[0].Type != analytic.Other {
		t.Errorf("an unregistered backend's type is still read: %+v", a)
	}
	if strings.Contains(newRenderCmd().Flags().Lookup("target").Usage, "testql") {
		t.Error("an unregistered backend is still in the help")
	}
}

// TestRegistryNotHardCoded: the files that list backends hold no list
// of backends of their own: no string naming two backends ("splunk, eql"),
// no slice or map literal with two backends among its elements or keys,
// as strings or as analytic's constants (analytic.Splunk). The test above
// cannot see a hand-written list that also asks the registry; this one
// can, so that renaming or adding a backend cannot leave one behind. (One
// name alone, in an example or a Splunk-only format, is no list.)
func TestRegistryNotHardCoded(t *testing.T) {
	files := []string{"render.go", "check.go", "navigator.go", "list.go",
		"../../render/render.go", "../../render/navigator.go", "../../render/index.go", "../../render/sigma.go", "../../render/site.go",
		"../../parser/impltype.go", "../../drift/drift.go", "../../drift/report.go"}
	backendOf := map[string]string{} // a spelling in lower case: its backend
	for _, r := range all.Registered() {
		for _, sp := range append([]string{r.Name(), r.Display}, r.Aliases...) {
			backendOf[strings.ToLower(sp)] = r.Name()
		}
	}
	// named gives the backends an expression names: the words of a
	// string, or an analytic constant of a backend's type.
	named := func(e ast.Expr) map[string]bool {
		out := map[string]bool{}
		switch e := e.(type) {
		case *ast.BasicLit:
			if e.Kind != token.STRING {
				break
			}
			s, _ := strconv.Unquote(e.Value)
			for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }) {
				if b, ok := backendOf[strings.ToLower(w)]; ok {
					out[b] = true
				}
			}
		case *ast.SelectorExpr:
			if x, ok := e.X.(*ast.Ident); ok && x.Name == "analytic" {
				if b, ok := backendOf[strings.ToLower(e.Sel.Name)]; ok {
					out[b] = true
				}
			}
		}
		return out
	}
	fset := token.NewFileSet()
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BasicLit:
				if bs := named(n); len(bs) > 1 {
					t.Errorf("%s: %s lists backends: ask the registry (backends/all)", fset.Position(n.Pos()), n.Value)
				}
			case *ast.CompositeLit:
				bs := map[string]bool{}
				for _, el := range n.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						el = kv.Key
					}
					maps.Copy(bs, named(el))
				}
				if len(bs) > 1 {
					t.Errorf("%s: a literal lists backends %v: ask the registry (backends/all)", fset.Position(n.Pos()), slices.Sorted(maps.Keys(bs)))
				}
			}
			return true
		})
	}
}

// TestRegisterRefusesClashes: a registration without a name, or whose
// name or spelling is another backend's, is refused, since the reader
// would not know which backend an implementation type means.
func TestRegisterRefusesClashes(t *testing.T) {
	p := splunk.Backend{}.Profiles()
	before := all.Names()
	for _, r := range []backends.Registration{
		{Backend: testQL{p}, Display: ""},
		{Backend: testQL{p}, Display: "Splunk"},
		{Backend: testQL{p}, Display: "TestQL", Aliases: []string{"spl"}},
		{Backend: splunk.Backend{}, Display: "Another"},
	} {
		if unregister, err := all.Register(r); err == nil {
			unregister()
			t.Errorf("%+v registered", r)
		}
	}
	if !slices.Equal(all.Names(), before) {
		t.Errorf("registered after refusals: %v", all.Names())
	}
}
