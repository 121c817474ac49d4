package diag

import (
	"fmt"
	"io"
	"strings"
)

// Render writes the diagnostic as a compiler does: the located message,
// the source line, a caret under the offending token and the suggestion.
// line is the text of the diagnostic's line, or "" when it is not known.
func (d Diagnostic) Render(w io.Writer, line string) {
	head := d
	head.Suggestion = ""
	fmt.Fprintln(w, head.String())
	if line == "" || d.Pos.Col < 1 || d.Pos.Col > len(line)+1 {
		if d.Suggestion != "" {
			fmt.Fprintf(w, "  = help: %s\n", d.Suggestion)
		}
		return
	}
	gutter := fmt.Sprintf("%d", d.Pos.Line)
	pad := strings.Repeat(" ", len(gutter))
	fmt.Fprintf(w, " %s |\n", pad)
	fmt.Fprintf(w, " %s | %s\n", gutter, line)
	var caret strings.Builder
	for _, c := range []byte(line[:d.Pos.Col-1]) {
		if c == '\t' {
			caret.WriteByte('\t')
		} else if c < 0x80 || c >= 0xC0 {
			// one column per character: skip UTF-8 continuation bytes
			caret.WriteByte(' ')
		}
	}
	caret.WriteString(strings.Repeat("^", tokenWidth(line[d.Pos.Col-1:])))
	fmt.Fprintf(w, " %s | %s\n", pad, caret.String())
	if d.Suggestion != "" {
		fmt.Fprintf(w, " %s = help: %s\n", pad, d.Suggestion)
	}
}

// tokenWidth estimates the width of the token at the start of s, for the
// caret: a quoted string to its closing quote, a word to its end, else 1.
func tokenWidth(s string) int {
	if s == "" {
		return 1
	}
	if s[0] == '"' || s[0] == '\'' {
		if i := strings.IndexByte(s[1:], s[0]); i >= 0 {
			return i + 2
		}
		return len(strings.TrimRight(s, " \t\r"))
	}
	n := 0
	for n < len(s) && (isWordByte(s[n])) {
		n++
	}
	return max(n, 1)
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '.' || c == ':' || c == '\\' || c == '*' || c == '-' || c == '/' || c == '[' || c == ']'
}
