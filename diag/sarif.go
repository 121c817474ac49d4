package diag

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Rule describes one diagnostic code for SARIF: a line, a longer text and
// the page that explains it.
type Rule struct {
	Short, Full, HelpURI string
}

// SARIFTool is what a SARIF log says of the tool and its rules.
type SARIFTool struct {
	Version string
	Rules   map[string]Rule
	// Source returns a file's text, so that columns (which Pos counts in
	// bytes) can be given in UTF-16 code units as SARIF counts them; nil,
	// or nil text, leaves the column out.
	Source func(file string) []byte
	// Root is the folder URIs are made relative to (%SRCROOT%); "" is the
	// working directory.
	Root string
}

// SARIF writes the diagnostics as a SARIF 2.1.0 log, the format code
// scanning services read to show findings on the lines they are about.
// Artifact URIs are relative to %SRCROOT% (the root, declared in
// originalUriBaseIds) and percent-encoded; a file outside the root gets an
// absolute file URI. Columns are UTF-16 code units, SARIF's default
// columnKind. Diagnostics without a code are reported under the rule
// "reader".
func SARIF(w io.Writer, diags List, tool SARIFTool) error {
	type message struct {
		Text string `json:"text"`
	}
	type rule struct {
		ID               string   `json:"id"`
		ShortDescription message  `json:"shortDescription"`
		FullDescription  *message `json:"fullDescription,omitempty"`
		HelpURI          string   `json:"helpUri,omitempty"`
	}
	// endColumn, like startColumn, is given only when the text is
	// known; it is the column just past the region, as SARIF counts it
	// (§3.30.7: the region ends before it).
	type region struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
		EndLine     int `json:"endLine,omitempty"`
		EndColumn   int `json:"endColumn,omitempty"`
	}
	type artifact struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId,omitempty"`
	}
	type physical struct {
		ArtifactLocation artifact `json:"artifactLocation"`
		Region           *region  `json:"region,omitempty"`
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
	root, err := filepath.Abs(tool.Root)
	if err != nil {
		return err
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
		loc.PhysicalLocation.ArtifactLocation.URI, loc.PhysicalLocation.ArtifactLocation.URIBaseID = artifactURI(root, d.Pos.File)
		if d.Pos.Line > 0 {
			r := &region{StartLine: d.Pos.Line}
			var text []byte
			if tool.Source != nil {
				text = tool.Source(d.Pos.File)
			}
			if d.Pos.Col > 0 {
				r.StartColumn = utf16Column(text, d.Pos.Line, d.Pos.Col)
			}
			if e := d.End; e.IsValid() && e.File == d.Pos.File && (e.Line > d.Pos.Line || e.Line == d.Pos.Line && e.Col >= d.Pos.Col) {
				r.EndLine = e.Line
				if r.StartColumn > 0 && e.Col > 0 {
					r.EndColumn = utf16Column(text, e.Line, e.Col)
				}
			}
			loc.PhysicalLocation.Region = r
		}
		level := map[Severity]string{Error: "error", Warning: "warning", Info: "note"}[d.Severity]
		results = append(results, result{RuleID: id, Level: level, Message: message{text}, Locations: []location{loc}})
	}
	ruleList := []rule{}
	for _, id := range slices.Sorted(maps.Keys(used)) {
		r, ok := tool.Rules[id]
		if !ok || r.Short == "" {
			r.Short = "a CAR analytic could not be read as written"
		}
		out := rule{ID: id, ShortDescription: message{r.Short}, HelpURI: r.HelpURI}
		if r.Full != "" {
			out.FullDescription = &message{r.Full}
		}
		ruleList = append(ruleList, out)
	}
	log := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{
				"name": "cartrans", "version": tool.Version,
				"informationUri": "https://github.com/cartrans/cartrans",
				"rules":          ruleList,
			}},
			"originalUriBaseIds": map[string]any{
				"%SRCROOT%": map[string]string{"uri": fileURI(root) + "/"},
			},
			"columnKind": "utf16CodeUnits",
			"results":    results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

// artifactURI is a file's URI relative to root under %SRCROOT%, or an
// absolute file URI for a file outside root (or standard input's "-", kept
// as written).
func artifactURI(root, file string) (uri, base string) {
	if file == "" || file == "-" {
		return file, ""
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return escapePath(filepath.ToSlash(file)), ""
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fileURI(abs), ""
	}
	return escapePath(filepath.ToSlash(rel)), "%SRCROOT%"
}

// fileURI is the file URI of an absolute path.
func fileURI(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive: file:///C:/…
	}
	return "file://" + escapePath(strings.TrimSuffix(p, "/"))
}

// escapePath percent-encodes each segment of a slash-separated path.
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// utf16Column turns a 1-based byte column of a line into the 1-based
// column in UTF-16 code units; 0 (no column) when the text is unknown or
// the line is not in it.
func utf16Column(text []byte, line, col int) int {
	if text == nil {
		return 0
	}
	for n := 1; n < line; n++ {
		i := bytes.IndexByte(text, '\n')
		if i < 0 {
			return 0
		}
		text = text[i+1:]
	}
	if i := bytes.IndexByte(text, '\n'); i >= 0 {
		text = text[:i]
	}
	prefix := text[:min(col-1, len(text))]
	units := 0
	for len(prefix) > 0 {
		r, size := utf8.DecodeRune(prefix)
		prefix = prefix[size:]
		units += utf16.RuneLen(r) // an invalid byte decodes as U+FFFD: one unit
	}
	return units + 1
}
