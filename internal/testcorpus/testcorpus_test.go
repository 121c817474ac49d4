package testcorpus_test

import (
	"testing"

	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"github.com/cartrans/cartrans/internal/testcorpus"
)

// recorder is a testing.TB that records whether a test was skipped or
// failed instead of ending it.
type recorder struct {
	testing.TB
	skipped, failed bool
}

func (r *recorder) Helper()               { r.TB.Helper() }
func (r *recorder) Skip(...any)           { r.skipped = true }
func (r *recorder) Skipf(string, ...any)  { r.skipped = true }
func (r *recorder) Fatalf(string, ...any) { r.failed = true }
func (r *recorder) Fatal(...any)          { r.failed = true }

// A missing corpus skips a test on a developer's machine, and fails it
// where CI requires the corpus: a broken layout must not pass CI with its
// corpus tests skipped.
func TestMissingCorpus(t *testing.T) {
	t.Setenv(testcorpus.EnvVar, t.TempDir())
	for _, tc := range []struct {
		require    string
		skip, fail bool
	}{
		{"", true, false},
		{"0", true, false},
		{"1", false, true},
	} {
		t.Setenv(testcorpus.RequireVar, tc.require)
		r := &recorder{TB: t}
		testcorpus.Dir(r)
		if r.skipped != tc.skip || r.failed != tc.fail {
			t.Errorf("$%s=%q: skipped %v, failed %v; want %v, %v", testcorpus.RequireVar, tc.require, r.skipped, r.failed, tc.skip, tc.fail)
		}
	}
}

// The Sigma corpus follows the same rule as the CAR corpus.
func TestMissingSigmaCorpus(t *testing.T) {
	t.Setenv(testcorpus.SigmaEnvVar, t.TempDir())
	for _, tc := range []struct {
		require    string
		skip, fail bool
	}{
		{"", true, false},
		{"1", false, true},
	} {
		t.Setenv(testcorpus.RequireVar, tc.require)
		r := &recorder{TB: t}
		testcorpus.SigmaDir(r)
		if r.skipped != tc.skip || r.failed != tc.fail {
			t.Errorf("$%s=%q: skipped %v, failed %v; want %v, %v", testcorpus.RequireVar, tc.require, r.skipped, r.failed, tc.skip, tc.fail)
		}
	}
}
