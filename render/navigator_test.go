package render_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends/all"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/testcorpus"
	"github.com/cartrans/cartrans/parser"
	"github.com/cartrans/cartrans/render"
)

// loadAnalytics reads the analytics under dir.
func loadAnalytics(t *testing.T, dir string) []*analytic.Analytic {
	t.Helper()
	var as []*analytic.Analytic
	for _, r := range parser.Load([]string{dir}, parser.Options{}) {
		if r.Analytic != nil {
			as = append(as, r.Analytic)
		}
	}
	if len(as) == 0 {
		t.Fatalf("no analytics in %s", dir)
	}
	return as
}

// cellKey is a technique or sub-technique under a tactic ("" for all).
type cellKey struct{ id, tactic string }

// expectedCells counts, independently of the layer code, which analytics
// cover each technique and tactic; counted says which analytics count.
func expectedCells(as []*analytic.Analytic, counted func(*analytic.Analytic) bool) map[cellKey][]string {
	want := map[cellKey][]string{}
	for _, a := range as {
		if !counted(a) {
			continue
		}
		for _, c := range a.Coverage {
			ids := []string{c.Technique.ID}
			for _, s := range c.Subtechniques {
				ids = append(ids, s.ID)
			}
			for _, id := range ids {
				for _, ta := range c.Tactics {
					k := cellKey{id, render.Tactics[ta.ID]}
					if !slices.Contains(want[k], a.ID) {
						want[k] = append(want[k], a.ID)
					}
				}
			}
		}
	}
	for k := range want {
		slices.Sort(want[k])
	}
	return want
}

// checkLayer checks that the layer holds exactly the expected cells, each
// scored by its number of analytics and naming them, in order.
func checkLayer(t *testing.T, layer *render.Layer, want map[cellKey][]string) {
	t.Helper()
	got := map[cellKey]bool{}
	for i, te := range layer.Techniques {
		k := cellKey{te.TechniqueID, te.Tactic}
		if got[k] {
			t.Errorf("%v twice in the layer", k)
		}
		got[k] = true
		if i > 0 {
			p := layer.Techniques[i-1]
			if p.TechniqueID > te.TechniqueID || p.TechniqueID == te.TechniqueID && p.Tactic >= te.Tactic {
				t.Errorf("techniques out of order: %s/%s before %s/%s", p.TechniqueID, p.Tactic, te.TechniqueID, te.Tactic)
			}
		}
		ids, ok := want[k]
		if !ok {
			t.Errorf("%v in the layer, covered by no analytic", k)
			continue
		}
		if te.Score != len(ids) || !slices.Equal(te.Analytics, ids) {
			t.Errorf("%v: score %d, analytics %v; want %d, %v", k, te.Score, te.Analytics, len(ids), ids)
		}
		last := -1
		for _, id := range ids {
			i := strings.Index(te.Comment, id)
			if i <= last {
				t.Errorf("%v: comment %q does not name %s after the analytics before it", k, te.Comment, id)
			}
			last = i
		}
		if !te.Enabled || te.Tactic == "" {
			t.Errorf("%v: enabled %v, tactic %q", k, te.Enabled, te.Tactic)
		}
	}
	for k := range want {
		if !got[k] {
			t.Errorf("%v, covered by %v, is not in the layer", k, want[k])
		}
	}
}

// checkJSON checks the layer's JSON for the keys the Navigator needs.
func checkJSON(t *testing.T, layer *render.Layer) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := render.WriteLayer(&buf, layer); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatalf("layer is not JSON: %v", err)
	}
	for _, k := range []string{"name", "versions", "domain", "description", "sorting", "layout", "hideDisabled", "techniques", "gradient", "legendItems"} {
		if _, ok := m[k]; !ok {
			t.Errorf("layer has no %q", k)
		}
	}
	v, _ := m["versions"].(map[string]any)
	if v["layer"] != "4.5" || v["navigator"] != "5.1.0" || v["attack"] != "16" || m["domain"] != "enterprise-attack" {
		t.Errorf("versions %v, domain %v", v, m["domain"])
	}
	g, _ := m["gradient"].(map[string]any)
	colors, _ := g["colors"].([]any)
	minV, _ := g["minValue"].(float64)
	maxV, _ := g["maxValue"].(float64)
	if len(colors) < 2 || maxV <= minV {
		t.Errorf("gradient %v", g)
	}
	techs, _ := m["techniques"].([]any)
	for _, te := range techs {
		te := te.(map[string]any)
		for _, k := range []string{"techniqueID", "tactic", "score", "comment", "enabled"} {
			if _, ok := te[k]; !ok {
				t.Errorf("technique %v has no %q", te["techniqueID"], k)
			}
		}
	}
	return buf.Bytes()
}

func TestNavigatorTactics(t *testing.T) {
	if len(render.Tactics) != 14 {
		t.Errorf("%d enterprise tactics, want 14", len(render.Tactics))
	}
	seen := map[string]bool{}
	for id, name := range render.Tactics {
		if seen[name] || !strings.HasPrefix(id, "TA") || name != strings.ToLower(name) || strings.Contains(name, " ") {
			t.Errorf("%s → %q", id, name)
		}
		seen[name] = true
	}
	if render.Tactics["TA0006"] != "credential-access" || render.Tactics["TA0011"] != "command-and-control" {
		t.Errorf("TA0006 → %q, TA0011 → %q", render.Tactics["TA0006"], render.Tactics["TA0011"])
	}
}

func navigatorOver(t *testing.T, dir string) {
	as := loadAnalytics(t, dir)
	layer, diags := render.Navigator(as, nil, render.NavigatorOptions{})
	if len(diags) > 0 {
		t.Errorf("diagnostics: %v", diags)
	}
	want := expectedCells(as, func(*analytic.Analytic) bool { return true })
	checkLayer(t, layer, want)
	ids := map[string]bool{}
	for _, te := range layer.Techniques {
		ids[te.TechniqueID] = true
	}
	for _, a := range as {
		for _, c := range a.Coverage {
			if !ids[c.Technique.ID] {
				t.Errorf("%s: technique %s is not in the layer", a.ID, c.Technique.ID)
			}
			for _, s := range c.Subtechniques {
				if !ids[s.ID] {
					t.Errorf("%s: sub-technique %s is not in the layer", a.ID, s.ID)
				}
			}
		}
	}
	first := checkJSON(t, layer)

	// The same bytes again, and from the analytics in another order.
	rev := slices.Clone(as)
	slices.Reverse(rev)
	again, _ := render.Navigator(rev, nil, render.NavigatorOptions{})
	if second := checkJSON(t, again); !bytes.Equal(first, second) {
		t.Error("the layer differs with the analytics in another order")
	}

	// Counting only what EQL translates: fewer or as many per cell, and
	// exactly the analytics with an exact or approximate translation.
	b, _ := all.Find("eql")
	tgts := []convert.Target{{Backend: b, Profile: b.Profiles()[0]}}
	entries, _ := convert.Convert(as, tgts, convert.Options{})
	index := render.Index(as, entries, func(*analytic.Analytic) string { return "" })
	translated := map[*analytic.Analytic]bool{}
	for i, e := range index {
		for _, f := range e.Translations {
			if f == "exact" || f == "approximate" {
				translated[as[i]] = true
			}
		}
	}
	eql, diags := render.Navigator(as, entries, render.NavigatorOptions{Translated: true, Targets: []string{"eql (endgame)"}})
	if len(diags) > 0 {
		t.Errorf("eql: diagnostics: %v", diags)
	}
	checkLayer(t, eql, expectedCells(as, func(a *analytic.Analytic) bool { return translated[a] }))
	if eql.Counted != len(translated) {
		t.Errorf("eql: %d analytics counted, want %d", eql.Counted, len(translated))
	}
	if !strings.Contains(eql.Description, "eql (endgame)") {
		t.Errorf("eql: description %q", eql.Description)
	}
	for _, te := range eql.Techniques {
		if te.Score > len(want[cellKey{te.TechniqueID, te.Tactic}]) {
			t.Errorf("eql: %s/%s scores %d, more than without a target", te.TechniqueID, te.Tactic, te.Score)
		}
	}
	checkJSON(t, eql)
	t.Logf("%s: %d entries, %d under eql", dir, len(layer.Techniques), len(eql.Techniques))
}

func TestNavigatorExamples(t *testing.T) {
	navigatorOver(t, filepath.Join("..", "examples", "analytics"))
}

func TestNavigatorCorpus(t *testing.T) {
	navigatorOver(t, filepath.Join(testcorpus.Dir(t), "analytics"))
}

// TestNavigatorBadInput: coverage the layer cannot show is left out and
// reported, nothing panics.
func TestNavigatorBadInput(t *testing.T) {
	pos := diag.Pos{File: "x.md", Line: 3, Col: 1}
	as := []*analytic.Analytic{
		nil,
		{ID: "CAR-2026-01-001", Title: "No coverage"},
		{ID: "CAR-2026-01-002", Title: "Bad", Coverage: []analytic.Coverage{
			{Technique: analytic.Ref{ID: "1003"}, Subtechniques: []analytic.Ref{{ID: "T1003.1"}}, Tactics: []analytic.Ref{{ID: "TA0006"}}, Pos: pos},
			{Technique: analytic.Ref{ID: "T1059"}, Tactics: []analytic.Ref{{ID: "TA0099"}, {ID: "TA0002"}}, Level: "Low", Pos: pos},
			{Technique: analytic.Ref{ID: "T1112"}, Tactics: []analytic.Ref{{ID: "", Name: "Defense Evasion"}}, Pos: pos},
			{Technique: analytic.Ref{ID: "T1021"}, Pos: pos},
			{Pos: pos},
		}},
	}
	layer, diags := render.Navigator(as, nil, render.NavigatorOptions{})
	if diags.Count(diag.Error) != 3 || diags.Count(diag.Warning) != 1 {
		t.Errorf("diagnostics:\n%v", diags)
	}
	for _, d := range diags {
		if d.Pos != pos || !strings.Contains(d.Message, "CAR-2026-01-002") {
			t.Errorf("diagnostic %v", d)
		}
	}
	var got []string
	for _, te := range layer.Techniques {
		got = append(got, te.TechniqueID+"/"+te.Tactic)
	}
	want := []string{"T1021/", "T1059/", "T1059/execution", "T1112/defense-evasion"}
	if !slices.Equal(got, want) {
		t.Errorf("techniques %v, want %v", got, want)
	}
	if layer.Gradient.MaxValue <= layer.Gradient.MinValue {
		t.Errorf("gradient %+v", layer.Gradient)
	}
	// Nothing at all: an empty layer the Navigator still loads.
	empty, diags := render.Navigator(nil, nil, render.NavigatorOptions{Translated: true})
	if len(diags) != 0 || empty.Techniques == nil || len(empty.Techniques) != 0 {
		t.Errorf("empty: %+v, %v", empty, diags)
	}
	var buf bytes.Buffer
	if err := render.WriteLayer(&buf, empty); err != nil || !strings.Contains(buf.String(), `"techniques": []`) {
		t.Errorf("empty layer: %v\n%s", err, buf.String())
	}
}
