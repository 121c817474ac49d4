package sigma

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/cartrans/cartrans/analytic"
)

// The expressions techniqueTag and tacticTag stand for.
var (
	techniquePattern = regexp.MustCompile(`^t(\d{4})(?:\.(\d{3}))?$`)
	tacticPattern    = regexp.MustCompile(`^[a-z]+(?:-[a-z]+)*$`)
)

var tagNameSamples = []string{
	"", "t", "t1059", "t1059.001", "t1059.01", "t1059.0011", "t1059.", "t105", "t10590", "T1059", "t1059x001",
	"t１０５９", "tabcd", "t1059.abc", "execution", "defense-evasion", "command-and-control", "-a", "a-", "a--b",
	"a-b-c", "A", "a_b", "a1", "é", "x", "-", "t1059 ", " t1059",
}

// checkTagName fails where a check and its expression disagree on s.
func checkTagName(t *testing.T, s string) {
	t.Helper()
	m := techniquePattern.FindStringSubmatch(s)
	tech, sub, ok := techniqueTag(s)
	switch {
	case ok != (m != nil):
		t.Errorf("techniqueTag(%q) ok = %v, its expression says %v", s, ok, m != nil)
	case ok && (tech != m[1] || sub != m[2]):
		t.Errorf("techniqueTag(%q) = %q, %q, its expression says %q, %q", s, tech, sub, m[1], m[2])
	}
	if got, want := tacticTag(s), tacticPattern.MatchString(s); got != want {
		t.Errorf("tacticTag(%q) = %v, its expression says %v", s, got, want)
	}
}

// TestTagChecks: the technique and tactic checks agree with their
// expressions on edge cases and on every tag of the corpus, and the
// dates rules give analytics are analytic.ParseDate's.
func TestTagChecks(t *testing.T) {
	for _, s := range tagNameSamples {
		checkTagName(t, s)
	}
	var dates []string
	for y := 1899; y <= 2101; y += 101 {
		for m := 0; m <= 13; m++ {
			for d := 0; d <= 32; d++ {
				dates = append(dates, fmt.Sprintf("%04d-%02d-%02d", y, m, d), fmt.Sprintf("%04d/%02d/%02d", y, m, d))
			}
		}
	}
	dates = append(dates, "", "2000-02-29", "1900-02-29", "2024-02-29", "2023-02-29", "0000-02-29", "9999-12-31",
		" 2023-01-02", "2023-1-2", "2023-01-2x", "2023-01-02 ")
	paths, data := corpusRules(t)
	rules, _ := parseAll(paths, data)
	for _, rs := range rules {
		for _, r := range rs {
			dates = append(dates, r.Date, r.Modified)
			for _, tag := range r.Tags {
				checkTagName(t, tag.Name)
			}
		}
	}
	for _, s := range dates {
		want, err := analytic.ParseDate(s)
		got, ok := date(s)
		if ok != (err == nil) || got != want {
			t.Errorf("date(%q) = %v, %v; ParseDate gives %v, %v", s, got, ok, want, err)
		}
	}
}

// FuzzTagChecks: the checks agree with their expressions on any text.
func FuzzTagChecks(f *testing.F) {
	for _, s := range tagNameSamples {
		f.Add(s)
	}
	f.Fuzz(checkTagName)
}
