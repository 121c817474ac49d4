package diag

import (
	"bytes"
	"strings"
	"testing"

	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
)

// caretLine renders d over line and returns the line of carets.
func caretLine(t *testing.T, d Diagnostic, line string) string {
	t.Helper()
	var b bytes.Buffer
	d.Render(&b, line)
	out := strings.Split(b.String(), "\n")
	if len(out) < 4 {
		t.Fatalf("no caret line:\n%s", b.String())
	}
	_, caret, _ := strings.Cut(out[3], "| ")
	return caret
}

func at(line, col int) Pos { return Pos{File: "f", Line: line, Col: col} }

// The carets underline a diagnostic's span, character by character
// (columns count bytes), up to the end of its first line.
func TestRenderSpan(t *testing.T) {
	for _, c := range []struct {
		name      string
		line      string
		pos, end  Pos
		wantCaret string
	}{
		{"one token", `x = filter p where comman_line == "a"`, at(3, 20), at(3, 31), "                   ^^^^^^^^^^^"},
		{"a node wider than a token", `where exe == "a b" and n`, at(3, 7), at(3, 19), "      ^^^^^^^^^^^^"},
		{"past the line's end", "exe == x", at(3, 8), at(3, 20), "       ^"},
		{"to the line's end", "exe == (a or   ", at(3, 8), at(4, 3), "       ^^^^^"},
		{"empty span: a point", "exe == x", at(3, 9), at(3, 9), "        ^"},
		{"multi-byte characters", `é = "日本語" x`, at(3, 6), at(3, 17), "    ^^^^^"},
		{"tab before the span", "\tx == 1", at(3, 2), at(3, 3), "\t^"},
		{"tab inside the span", "ab\tc d", at(3, 1), at(3, 5), "^^^^^^^^^"},
		{"no end: the token is guessed", `x = "a b" c`, at(3, 5), Pos{}, "    ^^^^^"},
		{"an end before the start is ignored", "abc def", at(3, 5), at(3, 2), "    ^^^"},
		{"an end in another file is ignored", "abc def", at(3, 5), Pos{File: "g", Line: 3, Col: 6}, "    ^^^"},
	} {
		d := Diagnostic{Pos: c.pos, End: c.end, Severity: Error, Message: "m"}
		if got := caretLine(t, d, c.line); got != c.wantCaret {
			t.Errorf("%s: carets %q, want %q", c.name, got, c.wantCaret)
		}
	}
}

// A diagnostic whose column is not on the line gets no source line, with
// or without an end.
func TestRenderOffLine(t *testing.T) {
	d := Diagnostic{Pos: at(3, 10), End: at(3, 12), Severity: Warning, Message: "m", Suggestion: "s"}
	var b bytes.Buffer
	d.Render(&b, "short")
	if want := "f:3:10: warning: m\n  = help: s\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}
