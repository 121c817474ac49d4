package docs

import (
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"testing"

	"github.com/cartrans/cartrans/compiler"
)

// Every diagnostic code has a section to link to, with a description.
func TestEveryCodeHasASection(t *testing.T) {
	for code := range compiler.Codes {
		s, ok := CodeSection(code)
		if !ok || s.Text == "" || s.Anchor == "" {
			t.Errorf("%s: section %+v, found %v", code, s, ok)
		}
	}
	s, _ := CodeSection("E100")
	if s.Anchor != "e100--a-character-that-cannot-start-a-token" {
		t.Errorf("E100 anchor %q", s.Anchor)
	}
}

func TestAnchor(t *testing.T) {
	for in, want := range map[string]string{
		"W120 — '=' used to compare":     "w120---used-to-compare",
		"5.2 Absent fields and logic":    "52-absent-fields-and-logic",
		"E203 — a field (exe) not there": "e203--a-field-exe-not-there",
	} {
		if got := Anchor(in); got != want {
			t.Errorf("Anchor(%q) = %q, want %q", in, got, want)
		}
	}
}
