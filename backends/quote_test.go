package backends

import (
	"strconv"
	"testing"

	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
)

var quoteSamples = []string{"", "a", `C:\Windows\*`, `say "hi"`, "tab\there", "é", "\x7f", "\x00", "\xff", "~ }", `\\"`}

// TestAppendQuote: appendQuote writes what strconv.Quote (and %q) does.
func TestAppendQuote(t *testing.T) {
	for _, s := range quoteSamples {
		if got, want := string(appendQuote([]byte("x"), s)), "x"+strconv.Quote(s); got != want {
			t.Errorf("appendQuote(%q) = %s, want %s", s, got, want)
		}
	}
}

// FuzzAppendQuote: on any text.
func FuzzAppendQuote(f *testing.F) {
	for _, s := range quoteSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendQuote(nil, s)), strconv.Quote(s); got != want {
			t.Errorf("appendQuote(%q) = %s, want %s", s, got, want)
		}
	})
}
