// Package docs embeds the pseudocode language specification, so that tools
// can link each diagnostic code to its section and quote its description
// (SARIF's helpUri and fullDescription) from the one text that states it.
package docs

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
)

//go:embed pseudocode.md
var pseudocode string

// PseudocodeURL is where the specification is published.
const PseudocodeURL = "https://github.com/cartrans/cartrans/blob/main/docs/pseudocode.md"

// Section is one diagnostic code's section of the specification.
type Section struct {
	Heading string // "E100 — a character that cannot start a token"
	Anchor  string // the heading's anchor as GitHub writes it
	Text    string // the section's first paragraph, on one line, or the heading's description
}

var sections = sync.OnceValue(func() map[string]Section {
	out := map[string]Section{}
	lines := strings.Split(pseudocode, "\n")
	for i, l := range lines {
		h, ok := strings.CutPrefix(l, "#### ")
		if !ok {
			continue
		}
		code, _, _ := strings.Cut(h, " ")
		if len(code) != 4 || (code[0] != 'E' && code[0] != 'W') {
			continue
		}
		var para []string
		for _, p := range lines[i+1:] {
			p = strings.TrimSpace(p)
			if p == "" && len(para) > 0 || strings.HasPrefix(p, "#") || strings.HasPrefix(p, "```") {
				break
			}
			if p != "" {
				para = append(para, p)
			}
		}
		text := strings.Join(para, " ")
		if text == "" {
			// A section that is only an example: its heading says it.
			_, text, _ = strings.Cut(h, "— ")
		}
		out[code] = Section{Heading: h, Anchor: Anchor(h), Text: text}
	}
	return out
})

// CodeSection returns the section of a diagnostic code ("E100").
func CodeSection(code string) (Section, bool) {
	s, ok := sections()[code]
	return s, ok
}

// Anchor is the fragment GitHub gives a markdown heading: lower case,
// letters, digits, '-' and '_' kept, spaces turned into '-', everything
// else dropped ("E100 — a character" → "e100--a-character").
func Anchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}
