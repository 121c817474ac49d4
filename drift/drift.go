package drift

import (
	"slices"
	"strings"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/backends/all"
	"github.com/cartrans/cartrans/backends/dnif"
	"github.com/cartrans/cartrans/backends/eql"
	"github.com/cartrans/cartrans/backends/logpoint"
	"github.com/cartrans/cartrans/backends/splunk"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/profile"
)

// Language is a query language the drift report reads.
type Language struct {
	Backend string
	Read    func(string) (*Query, error)
	Dialect Dialect
}

// Languages are the query languages of CAR's pages the drift report
// reads, by implementation type: the name of the backend whose queries
// they are (backends/all). Drift's readers register here, named by their
// backend's own Name, so that a reader cannot name a backend that does not
// exist; a backend with no reader (kql: CAR has no KQL queries) is not
// reviewed, and its column is left out of the summary (Backends).
var Languages = languages(
	Language{Backend: splunk.Backend{}.Name(), Read: ReadSplunk, Dialect: Dialect{
		// EventID is Sysmon's own name, which some Splunk add-ons keep.
		Selectors: []string{"EventCode", "EventID"},
		Scope:     []string{"index", "sourcetype", "source", "earliest", "latest"},
	}},
	Language{Backend: eql.Backend{}.Name(), Read: ReadEQL, Dialect: Dialect{}},
	Language{Backend: dnif.Backend{}.Name(), Read: ReadDNIF, Dialect: Dialect{FieldPrefix: "$"}},
	Language{Backend: logpoint.Backend{}.Name(), Read: ReadLogPoint, Dialect: Dialect{Selectors: []string{"norm_id", "event_id"}}},
)

func languages(ls ...Language) map[analytic.ImplType]Language {
	m := map[analytic.ImplType]Language{}
	for _, l := range ls {
		m[analytic.ImplType(l.Backend)] = l
	}
	return m
}

// Backends lists the backends drift reviews, in the registry's order: the
// order reports and the summary list them in.
func Backends() []string {
	var out []string
	for _, name := range all.Names() {
		if _, ok := Languages[analytic.ImplType(name)]; ok {
			out = append(out, name)
		}
	}
	return out
}

// Statuses of a report.
const (
	Agrees       = "agrees"
	Drifts       = "drifts"
	Unreadable   = "unreadable"
	Untranslated = "untranslated"
	// PseudocodeErrors: the pseudocode does not compile, so there is
	// nothing to compare with (its first error is the report's Error).
	PseudocodeErrors = "pseudocode-errors"
	// NoPseudocode: the analytic has no pseudocode.
	NoPseudocode = "no-pseudocode"
)

// Report compares one hand-written query with the generated one it
// reads closest to.
type Report struct {
	ID             string `json:"id"`
	Title          string `json:"title"`
	Backend        string `json:"backend"`
	Implementation string `json:"implementation,omitempty"`
	// Pos is where the hand-written query is.
	Pos analytic.Pos `json:"pos"`
	// Profile and Pseudocode name what it is compared with: the profile
	// and pseudocode implementation whose query differs least.
	Profile    string `json:"profile,omitempty"`
	Pseudocode string `json:"pseudocode,omitempty"`
	Status     string `json:"status"`
	// Error says why the query could not be read or compared.
	Error     string    `json:"error,omitempty"`
	Findings  []Finding `json:"findings,omitempty"`
	Unread    []string  `json:"not_compared,omitempty"`
	Hand      string    `json:"hand_written"`
	Generated string    `json:"generated,omitempty"`
	// Version is the cartrans build that wrote the report, set by a
	// command writing reports as JSON.
	Version string `json:"cartrans_version,omitempty"`
}

// Analyze compares every hand-written query in a language of Languages of the analytics with the queries generated from their
// pseudocode (entries, from convert.Convert over every profile of each
// backend; profiles gives each profile by backend and name).
func Analyze(as []*analytic.Analytic, entries []convert.Entry, profiles map[string]*profile.Profile) []Report {
	byID := map[string][]convert.Entry{}
	for _, e := range entries {
		byID[e.ID] = append(byID[e.ID], e)
	}
	var out []Report
	for _, a := range as {
		for _, im := range a.Implementations {
			lang, ok := Languages[im.Type]
			if !ok || im.Generated || strings.TrimSpace(im.Code) == "" {
				continue
			}
			r := Report{ID: a.ID, Title: a.Title, Backend: lang.Backend, Implementation: im.Name, Pos: im.CodePos, Hand: im.Code}
			hand, err := lang.Read(im.Code)
			if err != nil {
				r.Status, r.Error = Unreadable, readError(im, err)
				out = append(out, r)
				continue
			}
			r.Unread = hand.Unread
			compared, invalid, seen := false, "", false
			var reasons []string
			for _, e := range byID[a.ID] {
				if e.Target != lang.Backend {
					continue
				}
				seen = true
				if e.Unit != nil && !e.Unit.OK() {
					for _, d := range e.Unit.Diags {
						if d.Severity == diag.Error && invalid == "" {
							invalid = d.String()
						}
					}
					continue
				}
				if e.Fidelity == backends.NotDone || len(e.Queries) == 0 {
					if e.Reason != "" && !containsStr(reasons, e.Reason) {
						reasons = append(reasons, e.Reason)
					}
					continue
				}
				gen, text, err := readGenerated(lang, e)
				if err != nil {
					// A generated query the reader cannot read is the
					// reader's gap, said as such.
					if !containsStr(reasons, err.Error()) {
						reasons = append(reasons, "the generated query does not read: "+err.Error())
					}
					continue
				}
				fs := Compare(hand, gen, withSelectors(lang.Dialect, profiles[lang.Backend+"/"+e.Profile]), profiles[lang.Backend+"/"+e.Profile])
				if !compared || len(fs) < len(r.Findings) {
					compared = true
					r.Findings, r.Profile, r.Pseudocode, r.Generated = fs, e.Profile, e.Implementation, text
				}
			}
			switch {
			case !seen:
				r.Status, r.Error = NoPseudocode, "the analytic has no pseudocode"
			case !compared && invalid != "" && len(reasons) == 0:
				r.Status, r.Error = PseudocodeErrors, invalid
			case !compared:
				r.Status, r.Error = Untranslated, strings.Join(reasons, "; ")
			case len(r.Findings) == 0:
				r.Status = Agrees
			default:
				r.Status = Drifts
			}
			out = append(out, r)
		}
	}
	return out
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// readGenerated reads the queries of an entry as one condition.
func readGenerated(lang Language, e convert.Entry) (*Query, string, error) {
	q := &Query{}
	var texts []string
	var conds []*Node
	for _, res := range e.Queries {
		g, err := lang.Read(res.Query)
		if err != nil {
			return nil, "", err
		}
		conds = append(conds, g.Where)
		q.Categories = append(q.Categories, g.Categories...)
		texts = append(texts, res.Query)
	}
	q.Where = and(conds...)
	return q, strings.Join(texts, "\n"), nil
}

// readError places a reader's error in the page: the line and column of
// the offset in the code.
func readError(im analytic.Implementation, err error) string {
	e, ok := err.(*Error)
	if !ok {
		return err.Error()
	}
	line, col := 1, 1
	for i := 0; i < e.Pos && i < len(im.Code); i++ {
		if im.Code[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	p := im.CodePos
	p.Line += line - 1
	if line == 1 {
		p.Col += col - 1
	} else {
		p.Col = im.CodeIndent + col
	}
	return p.String() + ": " + e.Msg
}

// withSelectors adds the profile's selector fields (and flags) to the
// dialect's.
func withSelectors(d Dialect, p *profile.Profile) Dialect {
	sel := append([]string(nil), d.Selectors...)
	add := func(ts []profile.Term) {
		for _, t := range ts {
			for _, f := range []string{t.Field, t.Flag} {
				if f != "" && !containsFold(sel, f) {
					sel = append(sel, f)
				}
			}
		}
	}
	if p != nil {
		for _, ev := range p.Events {
			add(ev.Selector)
		}
		add(p.LogSelector)
	}
	slices.Sort(sel[len(d.Selectors):])
	d.Selectors = sel
	return d
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
