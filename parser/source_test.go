package parser

import (
	"slices"
	"testing"

	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
)

// TestLinesNumberAsReaders checks that Lines numbers lines as diagnostics
// do, so that lint quotes the line a diagnostic is about: a line ends in
// "\n", "\r\n" or a lone "\r".
func TestLinesNumberAsReaders(t *testing.T) {
	text := []byte("a\r\nb\rc\nd")
	got := Lines(text)
	if want := []string{"a", "b", "c", "d"}; !slices.Equal(got, want) {
		t.Fatalf("Lines = %q, want %q", got, want)
	}
	s := newSource("f", text)
	if p := s.pos(len("a\r\nb\r")); p.Line != 3 || got[p.Line-1] != "c" {
		t.Errorf("offset of c is on line %d, quoted as %q", p.Line, got[p.Line-1])
	}
}
