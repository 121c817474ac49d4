package sigma

import (
	"regexp"
	"testing"
)

// The expressions the hand-written checks stand for.
var (
	datePattern = regexp.MustCompile(`^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$`)
	tagPattern  = regexp.MustCompile(`^[a-z0-9_-]+\.[a-z0-9._-]+$`)
	uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

var formatSamples = []string{
	"", "2023-01-02", "2023-12-31", "2023-13-01", "2023-00-10", "2023-01-00", "2023-01-32", "2023-02-30",
	"2023/01/02", "23-01-02", "2023-1-2", "2023-01-02 ", "２０２３-01-02", "0000-01-01", "9999-10-19", "2023-01-3a",
	"attack.t1059", "attack.t1059.001", "cve.2021-44228", "attack", ".x", "x.", "a..b", "a.b.c", "Attack.t1", "attack.T1",
	"a-b_c.d-e_f.1", "a b.c", "a.b c", "é.b", "a.é",
	"0b8a4e2f-3f6c-4a2b-9c1d-2e3f4a5b6c7d", "0B8A4E2F-3F6C-4A2B-9C1D-2E3F4A5B6C7D", "0b8a4e2f3f6c-4a2b-9c1d-2e3f4a5b6c7d-",
	"0b8a4e2f-3f6c-4a2b-9c1d-2e3f4a5b6c7", "0b8a4e2f-3f6c-4a2b-9c1d-2e3f4a5b6c7dd", "gb8a4e2f-3f6c-4a2b-9c1d-2e3f4a5b6c7d",
	"0b8a4e2f-3f6c-4a2b-9c1d_2e3f4a5b6c7d", "0b8a4e2f-3f6c-4a2b-9c1d-2e3f4a5b6c7\n",
}

// checkFormats fails where a check and its expression disagree on s.
func checkFormats(t *testing.T, s string) {
	t.Helper()
	for _, c := range []struct {
		name string
		re   *regexp.Regexp
		f    func(string) bool
	}{{"isDate", datePattern, isDate}, {"isTag", tagPattern, isTag}, {"isUUID", uuidPattern, isUUID}} {
		if got, want := c.f(s), c.re.MatchString(s); got != want {
			t.Errorf("%s(%q) = %v, its expression says %v", c.name, s, got, want)
		}
	}
}

// TestFormatChecks: the id, date and tag checks agree with their
// expressions on edge cases and on every id, date and tag of the corpus.
func TestFormatChecks(t *testing.T) {
	for _, s := range formatSamples {
		checkFormats(t, s)
	}
	paths, data := corpusRules(t)
	rules, _ := parseAll(paths, data)
	for _, rs := range rules {
		for _, r := range rs {
			checkFormats(t, r.ID)
			checkFormats(t, r.Date)
			checkFormats(t, r.Modified)
			for _, tag := range r.Tags {
				checkFormats(t, tag.Raw)
			}
		}
	}
}

// FuzzFormatChecks: the checks agree with their expressions on any text.
func FuzzFormatChecks(f *testing.F) {
	for _, s := range formatSamples {
		f.Add(s)
	}
	f.Fuzz(checkFormats)
}
