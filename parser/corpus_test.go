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
	id := func(r analytic.Ref) string { return r.ID }
	shareCoverage := func(c analytic.Coverage) cov {
		return cov{c.Technique.ID, c.Level, mapSlice(c.Subtechniques, id), mapSlice(c.Tactics, id)}
	}
	eq("coverage", mapSlice(md.Coverage, shareCoverage), mapSlice(ym.Coverage, shareCoverage))
	type d3 struct{ ID, Name, IRI string }
	shareD3Fend := func(m analytic.D3FENDMapping) d3 { return d3{m.ID, m.Name, m.IRI} }
	eq("d3fend", mapSlice(md.D3FEND, shareD3Fend), mapSlice(ym.D3FEND, shareD3Fend))
	shareDataModelReferences := analytic.DataModelRef.String
	eq("data_model_references", mapSlice(md.DataModelRefs, shareDataModelReferences), mapSlice(ym.DataModelRefs, shareDataModelReferences))
	type impl struct {
		Name, Description, DataModel, Code string
		Type                               analytic.ImplType
	}
	shareImplementations := func(im analytic.Implementation) impl {
		return impl{im.Name, im.Description, im.DataModel, im.Code, im.Type}
	}
	eq("implementations", mapSlice(md.Implementations, shareImplementations), mapSlice(ym.Implementations, shareImplementations))
	type test struct {
		Configurations, Commands []string
		Description              string
	}
	shareUnitTests := func(u analytic.UnitTest) test {
		return test{u.Configurations, u.Commands, u.Description}
	}
	eq("unit_tests", mapSlice(md.UnitTests, shareUnitTests), mapSlice(ym.UnitTests, shareUnitTests))
	// The site lower-cases the source's name ("Mordor (Sysmon)" becomes
	// "Mordor (sysmon)") and links the full event under /true_positives/.
	type tp struct{ Name, Description, FullEvent string }
	shareTruePositives := func(p analytic.TruePositive) tp {
		return tp{strings.ToLower(p.Name), p.Description, path.Base(p.FullEvent)}
	}
	eq("true_positives", mapSlice(md.TruePositives, shareTruePositives), mapSlice(ym.TruePositives, shareTruePositives))
	return diffs
}

// mapSlice applies f to each element.
func mapSlice[T, U any](xs []T, f func(T) U) []U {
	var out []U
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
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
