package sigma

import (
	"strings"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/diag"
	"gopkg.in/yaml.v3"
)

// Tag is one entry of tags, split at its first dot into namespace and
// name (sigma-appendix-tags.md: "attack.t1059.001", "car.2016-04-005").
type Tag struct {
	Raw       string
	Namespace string
	Name      string
	Pos       diag.Pos
}

// tactics maps ATT&CK tactic tag names to tactic IDs: the twelve of the
// tags appendix and reconnaissance and resource-development, which
// ATT&CK added later. Names the appendix does not give an ID for (the
// corpus uses stealth and defense-impairment) keep their name and no ID.
var tactics = map[string]string{
	"reconnaissance":       "TA0043",
	"resource-development": "TA0042",
	"initial-access":       "TA0001",
	"execution":            "TA0002",
	"persistence":          "TA0003",
	"privilege-escalation": "TA0004",
	"defense-evasion":      "TA0005",
	"credential-access":    "TA0006",
	"discovery":            "TA0007",
	"lateral-movement":     "TA0008",
	"collection":           "TA0009",
	"exfiltration":         "TA0010",
	"command-and-control":  "TA0011",
	"impact":               "TA0040",
}

// The tag names below are checked by hand, not with regular expressions,
// which took a twentieth of reading a rule; TestTagChecks holds each equal
// to its expression.

// techniqueTag splits a technique tag's name, ^t(\d{4})(?:\.(\d{3}))?$,
// into its technique and subtechnique numbers.
func techniqueTag(name string) (tech, sub string, ok bool) {
	if len(name) < 5 || name[0] != 't' || !digits(name[1:5]) {
		return "", "", false
	}
	switch {
	case len(name) == 5:
		return name[1:5], "", true
	case len(name) == 9 && name[5] == '.' && digits(name[6:]):
		return name[1:5], name[6:], true
	}
	return "", "", false
}

// tacticTag reports whether a tag's name is a tactic's:
// ^[a-z]+(?:-[a-z]+)*$, words of lower-case letters joined by '-'.
func tacticTag(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z':
		case c == '-' && i > 0 && i+1 < len(name) && name[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

func (s *src) readTags(n *yaml.Node) []Tag {
	var out []Tag
	n = deref(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		s.errorf("S012", s.pos(n), "tags must be a list of strings, not a %s", kindName(n))
		return nil
	}
	for _, e := range n.Content {
		v, ok := s.str(e, "a tag")
		if !ok {
			continue
		}
		t := Tag{Raw: v, Pos: s.pos(e)}
		t.Namespace, t.Name, _ = strings.Cut(v, ".")
		if !isTag(v) {
			s.warnf("S020", t.Pos, "tag %q is not namespace.name in lower-case letters, digits, '_', '-' and '.' (specification: Tags)", v)
		}
		out = append(out, t)
	}
	return out
}

// Techniques lists the ATT&CK technique and subtechnique IDs the rule's
// attack.tNNNN[.NNN] tags name, upper-cased as ATT&CK writes them, in tag
// order, each once.
func (r *Rule) Techniques() []string {
	var ids []string
	for _, t := range r.Tags {
		if _, _, ok := techniqueTag(t.Name); ok && t.Namespace == "attack" {
			id := strings.ToUpper(t.Name)
			if !contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// Tactics lists the ATT&CK tactics the rule's attack.<tactic> tags name:
// an ID where the tactic is known (see tactics), and the tag's name.
func (r *Rule) Tactics() []analytic.Ref {
	var refs []analytic.Ref
	for _, t := range r.Tags {
		if t.Namespace != "attack" || !tacticTag(t.Name) {
			continue
		}
		ref := analytic.Ref{ID: tactics[t.Name], Name: t.Name}
		if !contains(refs, ref) {
			refs = append(refs, ref)
		}
	}
	return refs
}

// Coverage maps the ATT&CK tags to CAR's coverage rows: one per technique,
// with the subtechniques tagged under it and every tactic the rule is
// tagged with (Sigma does not tie a tactic to a technique). A
// subtechnique tagged without its technique still gives its technique's
// row. Level stays empty: Sigma does not rate coverage.
func (r *Rule) Coverage() []analytic.Coverage {
	var rows []analytic.Coverage
	index := map[string]int{}
	tactics := r.Tactics()
	for _, t := range r.Tags {
		if t.Namespace != "attack" {
			continue
		}
		num, sub, ok := techniqueTag(t.Name)
		if !ok {
			continue
		}
		tech := "T" + num
		i, ok := index[tech]
		if !ok {
			i = len(rows)
			index[tech] = i
			rows = append(rows, analytic.Coverage{Technique: analytic.Ref{ID: tech}, Tactics: tactics, Pos: t.Pos})
		}
		if sub != "" {
			ref := analytic.Ref{ID: tech + "." + sub}
			if !contains(rows[i].Subtechniques, ref) {
				rows[i].Subtechniques = append(rows[i].Subtechniques, ref)
			}
		}
	}
	return rows
}

func contains[T comparable](xs []T, x T) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
