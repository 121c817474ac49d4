package diag

import (
	"encoding/json"
	"io"
	"maps"
	"path/filepath"
	"slices"
)

// SARIF writes the diagnostics as a SARIF 2.1.0 log, the format code
// scanning services read to show findings on the lines they are about.
// rules describes each code; diagnostics without a code are reported
// under the rule "reader".
func SARIF(w io.Writer, diags List, version string, rules map[string]string) error {
	type message struct {
		Text string `json:"text"`
	}
	type rule struct {
		ID               string  `json:"id"`
		ShortDescription message `json:"shortDescription"`
	}
	type region struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
	}
	type physical struct {
		ArtifactLocation struct {
			URI string `json:"uri"`
		} `json:"artifactLocation"`
		Region *region `json:"region,omitempty"`
	}
	type location struct {
		PhysicalLocation physical `json:"physicalLocation"`
	}
	type result struct {
		RuleID    string     `json:"ruleId"`
		Level     string     `json:"level"`
		Message   message    `json:"message"`
		Locations []location `json:"locations"`
	}
	used := map[string]bool{}
	results := []result{}
	for _, d := range diags {
		id := d.Code
		if id == "" {
			id = "reader"
		}
		used[id] = true
		text := d.Message
		if d.Suggestion != "" {
			text += " (" + d.Suggestion + ")"
		}
		var loc location
		loc.PhysicalLocation.ArtifactLocation.URI = filepath.ToSlash(d.Pos.File)
		if d.Pos.Line > 0 {
			loc.PhysicalLocation.Region = &region{StartLine: d.Pos.Line, StartColumn: d.Pos.Col}
		}
		level := map[Severity]string{Error: "error", Warning: "warning", Info: "note"}[d.Severity]
		results = append(results, result{RuleID: id, Level: level, Message: message{text}, Locations: []location{loc}})
	}
	ruleList := []rule{}
	for _, id := range slices.Sorted(maps.Keys(used)) {
		desc := rules[id]
		if desc == "" {
			desc = "a CAR analytic could not be read as written"
		}
		ruleList = append(ruleList, rule{ID: id, ShortDescription: message{desc}})
	}
	log := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{
				"name": "cartrans", "version": version,
				"informationUri": "https://github.com/cartrans/cartrans",
				"rules":          ruleList,
			}},
			"results": results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}
