package parser

import (
	"regexp"
	"strings"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/diag"
)

var (
	idRE      = regexp.MustCompile(`^CAR-\d{4}-\d{2}-\d{3}$`)
	tacticIDs = regexp.MustCompile(`^TA\d{4}$`)
	d3fendIDs = regexp.MustCompile(`^D3-[A-Z0-9]+$`)
)

// coverageLevels are the levels CAR's schema allows.
var coverageLevels = map[string]bool{"low": true, "moderate": true, "high": true}

// validate checks what both readers must guarantee of an analytic,
// whatever its source format.
func validate(a *analytic.Analytic, diags *diag.List) {
	switch {
	case a.ID == "":
		diags.Errorf(a.Pos, "analytic has no CAR ID (a title \"CAR-YYYY-MM-NNN: …\" or an id key)")
	case !idRE.MatchString(a.ID):
		diags.Errorf(a.Pos, "analytic ID %q is not of the form CAR-YYYY-MM-NNN", a.ID)
	}
	if strings.TrimSpace(a.Title) == "" {
		diags.Errorf(a.Pos, "analytic has no title")
	}
	if a.Submitted.IsZero() {
		diags.Warnf(a.Pos, "analytic has no submission date")
	}
	for _, c := range a.Coverage {
		if c.Technique.ID != "" && !bareTechRE.MatchString(c.Technique.ID) {
			diags.Errorf(c.Pos, "ATT&CK technique ID %q is not of the form T1234", c.Technique.ID)
		}
		for _, s := range c.Subtechniques {
			if !bareTechRE.MatchString(s.ID) || !strings.HasPrefix(s.ID, c.Technique.ID+".") {
				diags.Errorf(c.Pos, "subtechnique %q is not a subtechnique of %s", s.ID, c.Technique.ID)
			}
		}
		for _, t := range c.Tactics {
			if !tacticIDs.MatchString(t.ID) {
				diags.Errorf(c.Pos, "ATT&CK tactic ID %q is not of the form TA1234", t.ID)
			}
		}
		if c.Level != "" && !coverageLevels[strings.ToLower(c.Level)] {
			diags.Warnf(c.Pos, "coverage level %q is not Low, Moderate or High", c.Level)
		}
	}
	for _, m := range a.D3FEND {
		if m.ID != "" && !d3fendIDs.MatchString(m.ID) {
			diags.Warnf(m.Pos, "D3FEND ID %q is not of the form D3-ABC", m.ID)
		}
	}
}

// splitOutputDescription separates the "### Output Description" section
// that CAR writes at the end of an analytic's description.
func splitOutputDescription(desc string) (string, string) {
	lines := strings.Split(desc, "\n")
	for i, l := range lines {
		t := strings.ToLower(strings.TrimSpace(strings.TrimLeft(l, "#")))
		if strings.HasPrefix(strings.TrimSpace(l), "#") && t == "output description" {
			return strings.TrimSpace(strings.Join(lines[:i], "\n")),
				strings.TrimSpace(strings.Join(lines[i+1:], "\n"))
		}
	}
	return strings.TrimSpace(desc), ""
}

// noCode reports an implementation without code. CAR has several that
// only link to a rule kept elsewhere (its Sigma ones); that is worth
// knowing, not a fault.
func noCode(im analytic.Implementation, diags *diag.List) {
	sev := diag.Warning
	if strings.Contains(im.Description, "](") {
		sev = diag.Info
	}
	diags.Add(im.Pos, sev, "implementation %q has no code (a link in its description may point to it)", implLabel(im))
}

// platforms drops the "N/A" that CAR writes for an analytic that names no
// platform, so that both forms read as no platforms.
func platforms(list []string) []string {
	var out []string
	for _, p := range list {
		if !strings.EqualFold(p, "N/A") {
			out = append(out, p)
		}
	}
	return out
}
