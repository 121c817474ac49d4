package render

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/parser"
)

// Entry is an analytic in the site's index (analytics.json).
type Entry struct {
	ID         string          `json:"id"`
	Title      string          `json:"title"`
	Page       string          `json:"page"`
	Techniques []IndexCoverage `json:"techniques"`
	Fields     []string        `json:"data_model_fields"`
	// Translations maps "target (profile)" to the best fidelity of the
	// analytic's pseudocode there: exact, approximate or unsupported.
	Translations map[string]string `json:"translations"`
}

// IndexCoverage is a technique the analytic detects.
type IndexCoverage struct {
	ID            string   `json:"id"`
	Name          string   `json:"name,omitempty"`
	Subtechniques []string `json:"subtechniques,omitempty"`
	Tactics       []string `json:"tactics,omitempty"`
	Coverage      string   `json:"coverage,omitempty"`
}

// Index builds the index entries, in the analytics' order; page names
// each analytic's page.
func Index(as []*analytic.Analytic, entries []convert.Entry, page func(*analytic.Analytic) string) []Entry {
	// Lists are empty, never null, in the JSON: a site's script reads
	// every entry's lists the same way.
	out := make([]Entry, 0, len(as))
	for _, a := range as {
		e := Entry{ID: a.ID, Title: a.Title, Page: page(a), Techniques: []IndexCoverage{}, Fields: []string{}, Translations: map[string]string{}}
		for _, c := range a.Coverage {
			ic := IndexCoverage{ID: c.Technique.ID, Name: c.Technique.Name, Coverage: c.Level}
			for _, s := range c.Subtechniques {
				ic.Subtechniques = append(ic.Subtechniques, s.ID)
			}
			for _, t := range c.Tactics {
				ic.Tactics = append(ic.Tactics, t.ID)
			}
			e.Techniques = append(e.Techniques, ic)
		}
		for _, r := range a.DataModelRefs {
			e.Fields = append(e.Fields, r.String())
		}
		slices.Sort(e.Fields)
		e.Fields = slices.Compact(e.Fields)
		out = append(out, e)
	}
	byID := map[*analytic.Analytic]*Entry{}
	for i, a := range as {
		byID[a] = &out[i]
	}
	for _, ce := range entries {
		if ce.Analytic == nil {
			continue
		}
		ie := byID[ce.Analytic]
		if ie == nil {
			continue
		}
		label := ce.TargetLabel()
		if better(string(ce.Fidelity), ie.Translations[label]) {
			ie.Translations[label] = string(ce.Fidelity)
		}
	}
	return out
}

// better orders fidelities: exact, approximate, unsupported, none.
func better(a, b string) bool {
	rank := map[string]int{string(backends.Exact): 3, string(backends.Approximate): 2, string(backends.NotDone): 1}
	return rank[a] > rank[b]
}

// WriteJSON writes analytics.json.
func WriteJSON(w io.Writer, index []Entry) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(index)
}

// WriteTable writes the index as a markdown table: ID (linked to its
// page), title, techniques, and the targets that translate it exactly.
func WriteTable(w io.Writer, index []Entry) error {
	if _, err := fmt.Fprintf(w, "%s\n\n| ID | Title | ATT&CK | Translated exactly to |\n|---|---|---|---|\n", parser.IndexMark); err != nil {
		return err
	}
	for _, e := range index {
		var techs, targets []string
		for _, t := range e.Techniques {
			techs = append(techs, t.ID)
		}
		for _, label := range slices.Sorted(maps.Keys(e.Translations)) {
			if e.Translations[label] == string(backends.Exact) {
				targets = append(targets, label)
			}
		}
		title := strings.ReplaceAll(e.Title, "|", `\|`)
		if _, err := fmt.Fprintf(w, "| [%s](%s) | %s | %s | %s |\n", e.ID, e.Page, title, strings.Join(slices.Compact(techs), ", "), strings.Join(targets, ", ")); err != nil {
			return err
		}
	}
	return nil
}
