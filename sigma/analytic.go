package sigma

import (
	"path/filepath"
	"strings"

	"github.com/cartrans/cartrans/analytic"
)

// Analytic is the rule as cartrans's analytic model holds it, so that
// every command that takes CAR's analytics takes it: its id, title,
// description, dates, authors, references and ATT&CK tags as CAR's, and
// the rule itself with its level, status and logsource in Sigma. errors
// is how many reading errors the rule has (it is then neither translated
// nor run).
func (r *Rule) Analytic(errors int) *analytic.Analytic {
	a := &analytic.Analytic{
		ID: r.ID, Title: r.Title, Description: r.Description,
		References: r.References, Coverage: r.Coverage(),
		Format: analytic.FormatSigma, Pos: r.Pos,
		Sigma: &analytic.SigmaRule{Level: r.Level, Status: r.Status, LogSource: r.LogSource.String(),
			Kind: r.Kind.String(), Errors: errors, Rule: r},
	}
	if a.ID == "" {
		// The id is optional in the specification; the name, then the
		// file's name, stand in for it.
		a.ID = r.Name
		if a.ID == "" {
			a.ID = strings.TrimSuffix(filepath.Base(r.Pos.File), filepath.Ext(r.Pos.File))
		}
	}
	if d, err := analytic.ParseDate(r.Date); err == nil {
		a.Submitted = d
	}
	if d, err := analytic.ParseDate(r.Modified); err == nil {
		a.Updated = d
	}
	for _, au := range strings.Split(r.Author, ",") {
		if au = strings.TrimSpace(au); au != "" {
			a.Contributors = append(a.Contributors, au)
		}
	}
	if r.LogSource.Product != "" {
		a.Platforms = []string{r.LogSource.Product}
	}
	return a
}

// String names the logsource as a rule writes it: "{product: windows,
// category: process_creation}".
func (ls LogSource) String() string {
	var parts []string
	for _, kv := range [][2]string{{"product", ls.Product}, {"category", ls.Category}, {"service", ls.Service}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+": "+kv[1])
		}
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
