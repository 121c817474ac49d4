package render

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/diag"
)

// The versions a layer declares: ATT&CK Navigator's layer file format
// 4.5, as Navigator 5.1 reads it, over Enterprise ATT&CK 16.
const (
	NavigatorLayerVersion = "4.5"
	NavigatorVersion      = "5.1.0"
	NavigatorAttack       = "16"
)

// Layer is an ATT&CK Navigator layer: the JSON file the Navigator loads
// to annotate the matrix.
type Layer struct {
	Name         string           `json:"name"`
	Versions     LayerVersions    `json:"versions"`
	Domain       string           `json:"domain"`
	Description  string           `json:"description"`
	Sorting      int              `json:"sorting"`
	Layout       LayerLayout      `json:"layout"`
	HideDisabled bool             `json:"hideDisabled"`
	Techniques   []LayerTechnique `json:"techniques"`
	Gradient     LayerGradient    `json:"gradient"`
	LegendItems  []LayerLegend    `json:"legendItems"`
	Metadata     []LayerMetadata  `json:"metadata,omitempty"`
	// Counted is the number of analytics the scores count.
	Counted int `json:"-"`
}

// LayerVersions are the versions of ATT&CK, the Navigator and the layer
// format a layer is written for.
type LayerVersions struct {
	Attack    string `json:"attack"`
	Navigator string `json:"navigator"`
	Layer     string `json:"layer"`
}

// LayerLayout is how the Navigator shows the matrix.
type LayerLayout struct {
	Layout                string `json:"layout"`
	ShowID                bool   `json:"showID"`
	ShowName              bool   `json:"showName"`
	ShowAggregateScores   bool   `json:"showAggregateScores"`
	CountUnscored         bool   `json:"countUnscored"`
	AggregateFunction     string `json:"aggregateFunction"`
	ExpandedSubtechniques string `json:"expandedSubtechniques"`
}

// LayerTechnique annotates a technique or sub-technique ("T1003.001")
// under one tactic; without a tactic, under every tactic it belongs to.
type LayerTechnique struct {
	TechniqueID string          `json:"techniqueID"`
	Tactic      string          `json:"tactic,omitempty"`
	Score       int             `json:"score"`
	Comment     string          `json:"comment"`
	Enabled     bool            `json:"enabled"`
	Metadata    []LayerMetadata `json:"metadata,omitempty"`
	// Analytics are the IDs of the analytics counted, sorted.
	Analytics []string `json:"-"`
}

// LayerGradient colours techniques by score.
type LayerGradient struct {
	Colors   []string `json:"colors"`
	MinValue int      `json:"minValue"`
	MaxValue int      `json:"maxValue"`
}

// LayerLegend is an item of the layer's legend.
type LayerLegend struct {
	Label string `json:"label"`
	Color string `json:"color"`
}

// LayerMetadata is a name and value the Navigator shows with a technique
// or the layer.
type LayerMetadata struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// NavigatorOptions tune Navigator.
type NavigatorOptions struct {
	// Name is the layer's name; empty for "CAR analytics".
	Name string
	// Translated counts only the analytics that some target of entries
	// translates, exactly or approximately; otherwise every analytic
	// counts, however it translates.
	Translated bool
	// Targets labels the targets of entries, "target (profile)", for the
	// layer's description.
	Targets []string
	// Version is the cartrans build that writes the layer, named in its
	// metadata so that a layer can be traced to what made it.
	Version string
}

// Tactics maps the IDs of ATT&CK's fourteen enterprise tactics, which CAR
// uses, to the short names the Navigator uses.
var Tactics = map[string]string{
	"TA0043": "reconnaissance",
	"TA0042": "resource-development",
	"TA0001": "initial-access",
	"TA0002": "execution",
	"TA0003": "persistence",
	"TA0004": "privilege-escalation",
	"TA0005": "defense-evasion",
	"TA0006": "credential-access",
	"TA0007": "discovery",
	"TA0008": "lateral-movement",
	"TA0009": "collection",
	"TA0011": "command-and-control",
	"TA0010": "exfiltration",
	"TA0040": "impact",
}

var (
	navTechniqueRE    = regexp.MustCompile(`^T\d{4}$`)
	navSubtechniqueRE = regexp.MustCompile(`^T\d{4}\.\d{3}$`)
)

// tacticName gives the Navigator's short name of a tactic, named by ID
// ("TA0006"), by name ("Credential Access") or by short name.
func tacticName(t analytic.Ref) (string, bool) {
	if s, ok := Tactics[strings.ToUpper(strings.TrimSpace(t.ID))]; ok {
		return s, true
	}
	for _, v := range []string{t.ID, t.Name} {
		s := strings.Join(strings.Fields(strings.ToLower(v)), "-")
		for _, short := range Tactics {
			if s == short {
				return short, true
			}
		}
	}
	return "", false
}

// Navigator builds the ATT&CK Navigator layer of the analytics' coverage:
// a technique entry per technique or sub-technique and tactic that some
// analytic covers, scored by the number of analytics that cover it, its
// comment naming them with their coverage levels. entries are the
// analytics' translations (convert.Convert's), used under
// opt.Translated; an analytic translated only approximately is marked so.
//
// The layer is the same for the same input, entries sorted by technique
// ID and tactic. Coverage the layer cannot show is left out and reported:
// a technique ID not of the form T1234 (or T1234.001 for a sub-technique)
// is an error; a tactic that is not one of ATT&CK's enterprise tactics is
// a warning, and the technique is annotated under all of its tactics.
func Navigator(as []*analytic.Analytic, entries []convert.Entry, opt NavigatorOptions) (*Layer, diag.List) {
	var diags diag.List
	as = slices.DeleteFunc(slices.Clone(as), func(a *analytic.Analytic) bool { return a == nil })
	index := Index(as, entries, func(*analytic.Analytic) string { return "" })

	type key struct{ id, tactic string }
	type mark struct {
		title   string
		levels  []string
		approx  bool
		targets []string // "splunk (sysmon): exact", under opt.Translated
	}
	cells := map[key]map[string]*mark{} // key → analytic ID → how it covers it
	counted := map[string]bool{}
	for i, a := range as {
		fidelity, targets := bestTranslation(index[i].Translations)
		if opt.Translated && fidelity == "" {
			continue
		}
		for _, c := range a.Coverage {
			var ids []string
			switch tid := strings.TrimSpace(c.Technique.ID); {
			case navTechniqueRE.MatchString(tid):
				ids = append(ids, tid)
			case tid == "" && len(c.Subtechniques) == 0:
				diags.Errorf(c.Pos, "%s: a coverage entry names no technique; the ATT&CK Navigator layer leaves it out", a.ID)
			case tid != "":
				diags.Errorf(c.Pos, "%s: technique %q is not an ATT&CK technique ID (T1234); the ATT&CK Navigator layer leaves it out", a.ID, c.Technique.ID)
			}
			for _, s := range c.Subtechniques {
				sid := strings.TrimSpace(s.ID)
				if !navSubtechniqueRE.MatchString(sid) {
					diags.Errorf(c.Pos, "%s: sub-technique %q is not an ATT&CK sub-technique ID (T1234.001); the ATT&CK Navigator layer leaves it out", a.ID, s.ID)
					continue
				}
				ids = append(ids, sid)
			}
			if len(ids) == 0 {
				continue
			}
			var tactics []string
			unknown := false
			for _, t := range c.Tactics {
				name, ok := tacticName(t)
				if !ok {
					unknown = true
					diags.Warnf(c.Pos, "%s: tactic %q is not one of ATT&CK's enterprise tactics; the ATT&CK Navigator layer annotates %s under all of its tactics", a.ID, cmp.Or(t.ID, t.Name), strings.Join(ids, ", "))
					continue
				}
				if !slices.Contains(tactics, name) {
					tactics = append(tactics, name)
				}
			}
			if len(tactics) == 0 || unknown {
				tactics = append(tactics, "") // every tactic of the technique
			}
			for _, id := range ids {
				for _, tactic := range tactics {
					k := key{id, tactic}
					if cells[k] == nil {
						cells[k] = map[string]*mark{}
					}
					m := cells[k][a.ID]
					if m == nil {
						m = &mark{title: a.Title, approx: opt.Translated && fidelity == string(backends.Approximate)}
						if opt.Translated {
							m.targets = targets
						}
						cells[k][a.ID] = m
					}
					if lv := strings.TrimSpace(c.Level); lv != "" && !slices.Contains(m.levels, lv) {
						m.levels = append(m.levels, lv)
						slices.Sort(m.levels)
					}
					counted[a.ID] = true
				}
			}
		}
	}

	keys := slices.SortedFunc(maps.Keys(cells), func(a, b key) int {
		return cmp.Or(cmp.Compare(a.id, b.id), cmp.Compare(a.tactic, b.tactic))
	})
	// What the inputs are: CAR's analytics, Sigma rules, or both.
	sigmaN := 0
	for _, a := range as {
		if a.Sigma != nil {
			sigmaN++
		}
	}
	what, one := "CAR analytics", "CAR analytic"
	switch {
	case sigmaN == len(as) && sigmaN > 0:
		what, one = "Sigma rules", "Sigma rule"
	case sigmaN > 0:
		what, one = "CAR analytics and Sigma rules", "analytic or rule"
	}
	layer := &Layer{
		Name:     cmp.Or(opt.Name, what),
		Versions: LayerVersions{Attack: NavigatorAttack, Navigator: NavigatorVersion, Layer: NavigatorLayerVersion},
		Domain:   "enterprise-attack",
		Sorting:  3, // by score, highest first
		Layout: LayerLayout{
			Layout: "side", ShowID: true, ShowName: true,
			AggregateFunction: "max", ExpandedSubtechniques: "annotated",
		},
		Techniques: []LayerTechnique{},
	}
	maxScore := 0
	for _, k := range keys {
		ids := slices.Sorted(maps.Keys(cells[k]))
		t := LayerTechnique{TechniqueID: k.id, Tactic: k.tactic, Score: len(ids), Enabled: true, Analytics: ids}
		var parts []string
		for _, id := range ids {
			m := cells[k][id]
			var how, detail []string
			if len(m.levels) > 0 {
				how = append(how, strings.Join(m.levels, "/"))
				detail = append(detail, "coverage "+strings.Join(m.levels, "/"))
			}
			if m.approx {
				how = append(how, "approximate")
			}
			detail = append(detail, m.targets...)
			part, value := id, m.title
			if len(how) > 0 {
				part += " (" + strings.Join(how, ", ") + ")"
			}
			if len(detail) > 0 {
				value += " (" + strings.Join(detail, "; ") + ")"
			}
			parts = append(parts, part)
			t.Metadata = append(t.Metadata, LayerMetadata{Name: id, Value: value})
		}
		noun := what
		if len(ids) == 1 {
			noun = one
		}
		t.Comment = fmt.Sprintf("%d %s: %s", len(ids), noun, strings.Join(parts, ", "))
		maxScore = max(maxScore, t.Score)
		layer.Techniques = append(layer.Techniques, t)
	}

	n := len(as)
	if n == 1 {
		what = one
	}
	if opt.Translated {
		targets := "one of the targets"
		switch len(opt.Targets) {
		case 0:
		case 1:
			targets = opt.Targets[0]
		default:
			targets = "one of " + strings.Join(opt.Targets, ", ")
		}
		layer.Description = fmt.Sprintf("ATT&CK coverage of the %d of %d %s that %s translates exactly or approximately; a technique's score is the number of them that detect it.", len(counted), n, what, targets)
	} else {
		layer.Description = fmt.Sprintf("ATT&CK coverage of %d %s; a technique's score is the number of them that detect it.", n, what)
	}
	layer.Counted = len(counted)
	layer.Metadata = []LayerMetadata{
		{Name: "generated by", Value: strings.TrimSpace("cartrans navigator " + opt.Version)},
		{Name: "analytics counted", Value: fmt.Sprint(len(counted))},
	}
	if opt.Translated && len(opt.Targets) > 0 {
		layer.Metadata = append(layer.Metadata, LayerMetadata{Name: "targets", Value: strings.Join(opt.Targets, ", ")})
	}

	// From light (one analytic) to dark (the most); the Navigator wants
	// maxValue above minValue.
	light, mid, dark := "#d4e9ff", "#66b1ff", "#08519c"
	if maxScore > 1 {
		layer.Gradient = LayerGradient{Colors: []string{light, mid, dark}, MinValue: 1, MaxValue: maxScore}
		layer.LegendItems = []LayerLegend{
			{Label: "detected by 1 analytic", Color: light},
			{Label: fmt.Sprintf("detected by %d analytics", maxScore), Color: dark},
		}
	} else {
		layer.Gradient = LayerGradient{Colors: []string{light, dark}, MinValue: 0, MaxValue: 1}
		layer.LegendItems = []LayerLegend{{Label: "detected by 1 analytic", Color: dark}}
	}
	return layer, diags
}

// bestTranslation gives the best fidelity of an analytic's translations,
// "" when no target translates it, and the targets that reach it.
func bestTranslation(tr map[string]string) (string, []string) {
	best := ""
	for _, f := range tr {
		if (f == string(backends.Exact) || f == string(backends.Approximate)) && better(f, best) {
			best = f
		}
	}
	var labels []string
	for _, label := range slices.Sorted(maps.Keys(tr)) {
		if tr[label] == best && best != "" {
			labels = append(labels, label+": "+best)
		}
	}
	return best, labels
}

// WriteLayer writes a layer as indented JSON.
func WriteLayer(w io.Writer, l *Layer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(l)
}
