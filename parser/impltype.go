package parser

import (
	"slices"
	"strings"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends/all"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/suggest"
)

// implTypeNames maps the spellings of the implementation types that are
// no backend of cartrans to the normalised type ("Elastic Search" is
// CAR's). A backend's language is the backend's name, whatever the case
// CAR writes it in (its YAML "splunk" and "Splunk", its pages "Dnif",
// "Eql", "Logpoint"): the registry (backends/all) knows those spellings.
var implTypeNames = map[string]analytic.ImplType{
	"pseudocode":     analytic.Pseudocode,
	"pseudo code":    analytic.Pseudocode,
	"pseudo-code":    analytic.Pseudocode,
	"sigma":          analytic.Sigma,
	"elastic":        analytic.Elastic,
	"elastic search": analytic.Elastic,
	"elasticsearch":  analytic.Elastic,
	"other":          analytic.Other,
}

// ImplTypes lists every normalised type, in the order docs present them:
// pseudocode, each registered backend's, then the others CAR writes.
func ImplTypes() []analytic.ImplType {
	out := []analytic.ImplType{analytic.Pseudocode}
	for _, name := range all.Names() {
		out = append(out, analytic.ImplType(name))
	}
	return append(out, analytic.Sigma, analytic.Elastic, analytic.Other)
}

// typeOf is the normalised type of a spelling (lower case, spaces
// single), if it is one exactly.
func typeOf(key string) (analytic.ImplType, bool) {
	if t, ok := implTypeNames[key]; ok {
		return t, true
	}
	if r, ok := all.ByType(key); ok {
		return analytic.ImplType(r.Name()), true
	}
	return "", false
}

// longTypeNames are the spellings long enough to guess a near miss of, in
// a fixed order so that guesses are stable. Built when a spelling is not
// one exactly (rare), from the registry as it is then.
func longTypeNames() []string {
	var names []string
	for name := range implTypeNames {
		if len(name) >= 5 {
			names = append(names, name)
		}
	}
	for _, name := range all.Spellings() {
		if len(name) >= 5 && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// normImplType normalises an implementation type. exact is false when the
// spelling was recognised only as a near miss (CAR has "Psuedocode"), which
// readers report as a warning; ok is false when it was not recognised.
func normImplType(written string) (t analytic.ImplType, exact, ok bool) {
	key := strings.ToLower(strings.Join(strings.Fields(written), " "))
	if t, ok := typeOf(key); ok {
		return t, true, true
	}
	// A near miss of a type name of five or more letters is that type:
	// "psuedocode", "splnk". Shorter names (eql, dnif) are too close to
	// other words to guess at.
	if name, found := suggest.Closest(key, longTypeNames(), 2); found {
		t, _ := typeOf(name)
		return t, false, true
	}
	return analytic.Other, false, false
}

// normImplTypeDiag normalises a type, warning about near misses and
// unknown types.
func normImplTypeDiag(written string, pos diag.Pos, diags *diag.List) analytic.ImplType {
	t, exact, ok := normImplType(written)
	switch {
	case written == "":
	case !ok:
		diags.Warnf(pos, "unknown implementation type %q, kept as %q", written, analytic.Other)
	case !exact:
		diags.Warnf(pos, "implementation type %q read as %q", written, t)
	}
	return t
}

// implHeading splits a CAR implementation heading into its parts. CAR
// writes "<name> (<Type>, <data model>)", "<name> (<Type>)" or
// "<Type>, <data model>" or just "<Type>"; names may hold parentheses of
// their own ("Sigma (renamed paexec) (Sigma)").
func implHeading(h string) (name, typ, dataModel string, ok bool) {
	h = strings.TrimSpace(h)
	if strings.HasSuffix(h, ")") {
		if open := matchingOpen(h, len(h)-1); open >= 0 {
			inner := h[open+1 : len(h)-1]
			t, dm, _ := strings.Cut(inner, ",")
			if _, _, known := normImplType(t); known {
				return strings.TrimSpace(h[:open]), strings.TrimSpace(t), strings.TrimSpace(dm), true
			}
		}
	}
	t, dm, _ := strings.Cut(h, ",")
	if _, _, known := normImplType(t); known {
		return "", strings.TrimSpace(t), strings.TrimSpace(dm), true
	}
	return h, "", "", false
}

// matchingOpen returns the index of the '(' matching the ')' at close.
func matchingOpen(s string, close int) int {
	depth := 0
	for i := close; i >= 0; i-- {
		switch s[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}
