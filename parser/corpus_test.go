package parser_test

import (
	"bytes"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/encode"
	"github.com/cartrans/cartrans/internal/golden"
	"github.com/cartrans/cartrans/internal/testcorpus"
	"github.com/cartrans/cartrans/parser"
)

// readCorpus reads one corpus file under its corpus-relative name, so that
// positions in golden files do not depend on where the corpus lives.
func readCorpus(t *testing.T, root, rel string, format analytic.Format) (*analytic.Analytic, diag.List) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return parser.Read(rel, data, format)
}

// TestCorpusMarkdown reads every analytic page of the CAR corpus: none may
// have an error, and each model is a golden file.
func TestCorpusMarkdown(t *testing.T) {
	root, files := testcorpus.Analytics(t)
	if len(files) != 90 {
		t.Errorf("corpus has %d analytics, want 90 (is %s the right corpus?)", len(files), root)
	}
	g := golden.New(t, "model")
	for _, rel := range files {
		a, diags := readCorpus(t, root, rel, analytic.FormatMarkdown)
		for _, d := range diags {
			if d.Severity == diag.Error {
				t.Errorf("%v", d)
			}
		}
		if a == nil {
			t.Errorf("%s: not read as an analytic", rel)
			continue
		}
		if want := strings.TrimSuffix(path.Base(rel), ".md"); a.ID != want {
			t.Errorf("%s: ID %q, want %q", rel, a.ID, want)
		}
		var buf bytes.Buffer
		if err := encode.JSON(&buf, a); err != nil {
			t.Fatal(err)
		}
		g.Assert(t, a.ID+".json", buf.Bytes())
	}
}

// TestCorpusFormatsAgree reads each analytic in both of CAR's forms and
// compares every field the two share. The YAML form lacks technique,
// subtechnique and tactic names, test case names, and the snippets' JSON;
// the markdown form lacks the snippets' file names. The rest must match.
func TestCorpusFormatsAgree(t *testing.T) {
	root, files := testcorpus.Analytics(t)
	compared := 0
	for _, rel := range files {
		id := strings.TrimSuffix(path.Base(rel), ".md")
		yrel := "analytics-yaml/" + id + ".yaml"
		if _, err := os.Stat(filepath.Join(root, yrel)); err != nil {
			continue
		}
		md, mdDiags := readCorpus(t, root, rel, analytic.FormatMarkdown)
		ym, ymDiags := readCorpus(t, root, yrel, analytic.FormatYAML)
		if md == nil || ym == nil {
			t.Errorf("%s: markdown read %v (%v), YAML read %v (%v)", id, md != nil, mdDiags, ym != nil, ymDiags)
			continue
		}
		compared++
		if mdDiags.HasErrors() != ymDiags.HasErrors() {
			t.Errorf("%s: markdown errors %v, YAML errors %v", id, mdDiags, ymDiags)
		}
		for _, d := range sharedFields(md, ym) {
			t.Errorf("%s: %s", id, d)
		}
	}
	if compared != 90 {
		t.Errorf("compared %d analytics in both forms, want 90", compared)
	}
}

// sharedFields lists the differences between the two readings.
func sharedFields(md, ym *analytic.Analytic) []string {
	var diffs []string
	eq := func(field string, a, b any) {
		var x, y bytes.Buffer
		_ = encode.JSON(&x, a)
		_ = encode.JSON(&y, b)
		if x.String() != y.String() {
			diffs = append(diffs, field+":\n  markdown: "+strings.TrimSpace(x.String())+"\n  yaml:     "+strings.TrimSpace(y.String()))
		}
	}
	eq("id", md.ID, ym.ID)
	eq("title", md.Title, ym.Title)
	eq("submission_date", md.Submitted, ym.Submitted)
	eq("update_date", md.Updated, ym.Updated)
	eq("information_domain", md.InformationDomain, ym.InformationDomain)
	eq("subtypes", md.Subtypes, ym.Subtypes)
	eq("analytic_types", md.AnalyticTypes, ym.AnalyticTypes)
	// The site joins contributors with ", ", and one YAML file writes two
	// people as one item: what both forms say is the joined list.
	eq("contributors", strings.Join(md.Contributors, ", "), strings.Join(ym.Contributors, ", "))
	eq("platforms", md.Platforms, ym.Platforms)
	eq("description", md.Description, ym.Description)
	eq("output_description", md.OutputDescription, ym.OutputDescription)
	eq("references", md.References, ym.References)

	type cov struct {
		Technique, Level string
		Sub, Tactics     []string
	}
	covs := func(a *analytic.Analytic) []cov {
		var out []cov
		for _, c := range a.Coverage {
			x := cov{Technique: c.Technique.ID, Level: c.Level}
			for _, s := range c.Subtechniques {
				x.Sub = append(x.Sub, s.ID)
			}
			for _, s := range c.Tactics {
				x.Tactics = append(x.Tactics, s.ID)
			}
			out = append(out, x)
		}
		return out
	}
	eq("coverage", covs(md), covs(ym))

	type d3 struct{ ID, Name, IRI string }
	d3s := func(a *analytic.Analytic) []d3 {
		var out []d3
		for _, m := range a.D3FEND {
			out = append(out, d3{m.ID, m.Name, m.IRI})
		}
		return out
	}
	eq("d3fend", d3s(md), d3s(ym))

	refs := func(a *analytic.Analytic) []string {
		var out []string
		for _, r := range a.DataModelRefs {
			out = append(out, r.String())
		}
		return out
	}
	eq("data_model_references", refs(md), refs(ym))

	type impl struct {
		Name, Description, DataModel, Code string
		Type                               analytic.ImplType
	}
	impls := func(a *analytic.Analytic) []impl {
		var out []impl
		for _, im := range a.Implementations {
			out = append(out, impl{im.Name, im.Description, im.DataModel, im.Code, im.Type})
		}
		return out
	}
	eq("implementations", impls(md), impls(ym))

	type test struct {
		Configurations, Commands []string
		Description              string
	}
	tests := func(a *analytic.Analytic) []test {
		var out []test
		for _, u := range a.UnitTests {
			out = append(out, test{u.Configurations, u.Commands, u.Description})
		}
		return out
	}
	eq("unit_tests", tests(md), tests(ym))

	// The site lower-cases the source's name ("Mordor (Sysmon)" becomes
	// "Mordor (sysmon)") and links the full event under /true_positives/.
	type tp struct{ Name, Description, FullEvent string }
	tps := func(a *analytic.Analytic) []tp {
		var out []tp
		for _, p := range a.TruePositives {
			out = append(out, tp{strings.ToLower(p.Name), p.Description, path.Base(p.FullEvent)})
		}
		return out
	}
	eq("true_positives", tps(md), tps(ym))
	return diffs
}

// TestCorpusYAML reads every YAML analytic without an error.
func TestCorpusYAML(t *testing.T) {
	root := testcorpus.Dir(t)
	files, _ := filepath.Glob(filepath.Join(root, "analytics-yaml", "*.yaml"))
	if len(files) != 90 {
		t.Errorf("corpus has %d YAML analytics, want 90", len(files))
	}
	for _, f := range files {
		res := parser.ReadFile(f)
		if res.Analytic == nil || res.Diags.HasErrors() {
			t.Errorf("%s: %v", f, res.Diags)
		}
	}
}

// TestCorpusTruePositiveEvents checks the event snippets parse as JSON
// objects: the native backend's tests run on them.
func TestCorpusTruePositiveEvents(t *testing.T) {
	root, files := testcorpus.Analytics(t)
	events := 0
	for _, rel := range files {
		a, _ := readCorpus(t, root, rel, analytic.FormatMarkdown)
		for _, tp := range a.TruePositives {
			if tp.Event == nil {
				t.Errorf("%s: true positive %q has no event", rel, tp.Name)
				continue
			}
			events++
		}
	}
	if events != 5 {
		t.Errorf("corpus has %d true-positive events, want 5", events)
	}
}
