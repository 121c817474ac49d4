package sigma

import (
	"path/filepath"
	"strings"
	"time"

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
	if d, ok := date(r.Date); ok {
		a.Submitted = d
	}
	if d, ok := date(r.Modified); ok {
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

// date is analytic.ParseDate's date, read without its fmt.Sscanf (a
// twentieth of reading a rule) for the YYYY-MM-DD every rule writes: the
// digits as numbers, a date only if the day exists (time.Date normalises
// a day that does not, so the day or month differs). Other text is
// ParseDate's to read.
func date(s string) (analytic.Date, bool) {
	if s == "" {
		return analytic.Date{}, false
	}
	if len(s) == 10 && s[4] == '-' && s[7] == '-' && digits(s[:4]) && digits(s[5:7]) && digits(s[8:]) {
		y := int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
		m := int(s[5]-'0')*10 + int(s[6]-'0')
		d := int(s[8]-'0')*10 + int(s[9]-'0')
		if m < 1 || m > 12 || d < 1 {
			return analytic.Date{}, false
		}
		t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		if t.Day() != d || int(t.Month()) != m {
			return analytic.Date{}, false
		}
		return analytic.Date{Year: y, Month: m, Day: d}, true
	}
	d, err := analytic.ParseDate(s)
	return d, err == nil
}

// String names the logsource as a rule writes it: "{product: windows,
// category: process_creation}".
func (ls LogSource) String() string {
	b := make([]byte, 0, 40+len(ls.Product)+len(ls.Category)+len(ls.Service))
	b = append(b, '{')
	for _, kv := range [...][2]string{{"product", ls.Product}, {"category", ls.Category}, {"service", ls.Service}} {
		if kv[1] != "" {
			if len(b) > 1 {
				b = append(b, ", "...)
			}
			b = append(append(append(b, kv[0]...), ": "...), kv[1]...)
		}
	}
	return string(append(b, '}'))
}
