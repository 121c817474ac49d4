package drift

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/cartrans/cartrans/backends/all"
)

// kindOrder is the order the summary lists finding kinds in.
var kindOrder = []string{KindEventCode, KindSubstring, KindSuffix, KindFullPath, KindBaseName, KindFullText, KindField, KindNeverMatches, KindMissing, KindExtra, KindNegation, KindCase, KindValue}

// WriteText writes a table per analytic and backend: its status, then
// each finding.
func WriteText(w io.Writer, reports []Report) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, r := range reports {
		what := r.Backend
		if r.Profile != "" {
			what += " (" + r.Profile + ")"
		}
		name := ""
		if r.Implementation != "" {
			name = fmt.Sprintf(" %q", r.Implementation)
		}
		fmt.Fprintf(tw, "%s %s%s, %s: %s\n", r.ID, what, name, r.Pos, r.Status)
		if r.Error != "" {
			fmt.Fprintf(tw, "\t%s\n", r.Error)
		}
		for _, f := range r.Findings {
			fmt.Fprintf(tw, "\t%s\t%s\n", f.Kind, f.Message)
		}
		if len(r.Unread) > 0 && r.Status != Unreadable {
			fmt.Fprintf(tw, "\tnot compared\t%s\n", oneLine(strings.Join(r.Unread, " | ")))
		}
	}
	return tw.Flush()
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 100 {
		s = s[:97] + "..."
	}
	return s
}

// WriteJSON writes the reports as a JSON array.
func WriteJSON(w io.Writer, reports []Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if reports == nil {
		reports = []Report{}
	}
	return enc.Encode(reports)
}

// WriteSummary writes the markdown table of the reports by backend: how
// many hand-written queries agree, drift, could not be read or have no
// generated query to compare with, and the findings by kind.
func WriteSummary(w io.Writer, reports []Report) error {
	type counts map[string]int
	by := map[string]counts{}
	total := counts{}
	add := func(b, k string) {
		if by[b] == nil {
			by[b] = counts{}
		}
		by[b][k]++
		total[k]++
	}
	analytics := map[string]bool{}
	for _, r := range reports {
		analytics[r.ID] = true
		add(r.Backend, "queries")
		add(r.Backend, r.Status)
		seen := map[string]bool{}
		for _, f := range r.Findings {
			add(r.Backend, "finding "+f.Kind)
			if !seen[f.Kind] {
				seen[f.Kind] = true
				add(r.Backend, "with "+f.Kind)
			}
		}
	}
	var b strings.Builder
	// A column per backend drift reviews, headed as CAR's pages name it.
	order := Backends()
	fmt.Fprintf(&b, "| %d analytics with hand-written queries |", len(analytics))
	for _, be := range order {
		fmt.Fprintf(&b, " %s |", all.Display(be))
	}
	b.WriteString(" all |\n|---|" + strings.Repeat("---:|", len(order)+1) + "\n")
	row := func(label, key string) {
		fmt.Fprintf(&b, "| %s |", label)
		for _, be := range order {
			fmt.Fprintf(&b, " %d |", by[be][key])
		}
		fmt.Fprintf(&b, " %d |\n", total[key])
	}
	row("hand-written queries", "queries")
	row("agree with the pseudocode", Agrees)
	row("differ from it", Drifts)
	row("could not be read", Unreadable)
	row("no pseudocode", NoPseudocode)
	row("pseudocode has errors", PseudocodeErrors)
	row("pseudocode not translated", Untranslated)
	for _, k := range kindOrder {
		if total["finding "+k] > 0 {
			row("queries with "+k+" findings", "with "+k)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
