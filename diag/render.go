package diag

import (
	"fmt"
	"io"
	"strings"
)

// Render writes the diagnostic as a compiler does: the located message,
// the source line, carets under what it is about and the suggestion.
// line is the text of the diagnostic's line, or "" when it is not known.
//
// The carets span [Pos, End) when End is known: to the end of the line
// when End is on a later line (or past the line's end), one caret when
// the span is empty (a repair at a point). Without End they guess the
// token's width from the text. A caret stands under each character, not
// each byte (Col counts bytes), and a tab is copied before the span, so
// that the carets line up whatever the terminal's tab stops; a tab inside
// the span is underlined to the next multiple of 8 columns.
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
	col := 0 // the display column, for tabs inside the span
	for _, c := range []byte(line[:d.Pos.Col-1]) {
		if c == '\t' {
			caret.WriteByte('\t')
			col += 8 - col%8
		} else if c < 0x80 || c >= 0xC0 {
			// one column per character: skip UTF-8 continuation bytes
			caret.WriteByte(' ')
			col++
		}
	}
	span, ok := d.span(line)
	if !ok {
		caret.WriteString(strings.Repeat("^", tokenWidth(line[d.Pos.Col-1:])))
	}
	for _, c := range []byte(span) {
		if c == '\t' {
			n := 8 - col%8
			caret.WriteString(strings.Repeat("^", n))
			col += n
		} else if c < 0x80 || c >= 0xC0 {
			caret.WriteByte('^')
			col++
		}
	}
	if ok && span == "" {
		caret.WriteByte('^')
	}
	fmt.Fprintf(w, " %s | %s\n", pad, caret.String())
	if d.Suggestion != "" {
		fmt.Fprintf(w, " %s = help: %s\n", pad, d.Suggestion)
	}
}

// span returns the text of line the diagnostic's span covers: from Pos to
// End, or to the end of the line (without trailing spaces) when End is on
// a later line or past the line. ok is false when End is not known, or is
// not after Pos in the same file.
func (d Diagnostic) span(line string) (text string, ok bool) {
	e := d.End
	if !e.IsValid() || e.File != d.Pos.File || e.Line < d.Pos.Line || (e.Line == d.Pos.Line && e.Col < d.Pos.Col) {
		return "", false
	}
	rest := line[d.Pos.Col-1:]
	if e.Line > d.Pos.Line || e.Col-d.Pos.Col > len(rest) {
		return strings.TrimRight(rest, " \t\r"), true
	}
	return rest[:e.Col-d.Pos.Col], true
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
