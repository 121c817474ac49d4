package render

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/backends/all"
	"github.com/cartrans/cartrans/convert"
)

// SigmaPage writes a Sigma rule's page for the site: its metadata, ATT&CK
// techniques, the rule as written (src, the rule's file), and each
// target's query, or the reason it has none. A Sigma rule has no CAR page
// to keep, so the page is written whole each time.
func SigmaPage(a *analytic.Analytic, src []byte, entries []convert.Entry) []byte {
	var b bytes.Buffer
	b.WriteString("---\n")
	fmt.Fprintf(&b, "title: %s\n", strconv.Quote(a.ID+": "+a.Title))
	b.WriteString("layout: sigma\n")
	b.WriteString("---\n\n")
	if a.Description != "" {
		b.WriteString(strings.TrimSpace(a.Description) + "\n\n")
	}
	b.WriteString("|Level|Status|Logsource|Date|Modified|\n|---|---|---|---|---|\n")
	fmt.Fprintf(&b, "|%s|%s|%s|%s|%s|\n\n", cell(a.Sigma.Level), cell(a.Sigma.Status), cell(a.Sigma.LogSource), a.Submitted, a.Updated)
	if ids := a.TechniqueIDs(); len(ids) > 0 {
		b.WriteString("### ATT&CK Detections\n\n")
		for _, id := range ids {
			fmt.Fprintf(&b, "- %s\n", link(id, techniqueURL(id)))
		}
		b.WriteString("\n")
	}
	if len(a.Contributors) > 0 {
		b.WriteString("Authors: " + strings.Join(a.Contributors, ", ") + "\n\n")
	}
	b.WriteString("### Sigma Rule\n\n")
	b.WriteString(fenced(strings.TrimRight(string(src), "\n"), "yaml"))
	b.WriteString("### Implementations\n\n")
	for _, e := range entries {
		if e.Analytic != a {
			continue
		}
		fmt.Fprintf(&b, "#### %s (%s profile)\n\n", all.Display(e.Target), e.Profile)
		switch e.Fidelity {
		case backends.NotDone:
			b.WriteString("Not translated: " + e.Reason + "\n\n")
			continue
		case backends.Approximate:
			b.WriteString("Approximate: " + strings.TrimPrefix(e.Reason, "approximate: ") + "\n\n")
		}
		var queries []string
		for _, q := range e.Queries {
			queries = append(queries, q.Query)
		}
		b.WriteString(fenced(strings.Join(queries, "\n"), strings.ToLower(e.Target)))
	}
	return endPage(&b, a.References)
}

// cell writes text for a table cell.
func cell(s string) string { return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s) }
