package gcpolicy

import (
	"os"
	"runtime/debug"
	"testing"

	_ "github.com/cartrans/cartrans/internal/golden"
)

// TestPolicies checks each kind of command gets its limit and the
// fivefold heap, that restore puts back what was there, and that a
// user's GOGC and GOMEMLIMIT win.
func TestPolicies(t *testing.T) {
	unset := func(name string) {
		if v, ok := os.LookupEnv(name); ok {
			t.Cleanup(func() { os.Setenv(name, v) })
			os.Unsetenv(name)
		}
	}
	unset("GOGC")
	unset("GOMEMLIMIT")
	before, beforeLimit := debug.SetGCPercent(100), debug.SetMemoryLimit(-1)
	for _, c := range []struct {
		name  string
		apply func() func()
		limit int64
	}{{"Batch", Batch, BatchLimit}, {"Stream", Stream, StreamLimit}} {
		restore := c.apply()
		if got := debug.SetMemoryLimit(-1); got != c.limit {
			t.Errorf("%s: limit %d, want %d", c.name, got, c.limit)
		}
		if got := debug.SetGCPercent(Percent); got != Percent {
			t.Errorf("%s: GOGC %d, want %d", c.name, got, Percent)
		}
		restore()
		if got := debug.SetGCPercent(100); got != before {
			t.Errorf("%s: restored GOGC %d, want %d", c.name, got, before)
		}
		if got := debug.SetMemoryLimit(-1); got != beforeLimit {
			t.Errorf("%s: restored limit %d, want %d", c.name, got, beforeLimit)
		}
	}
	if StreamLimit >= BatchLimit {
		t.Errorf("streaming limit %d not below the batch limit %d", StreamLimit, BatchLimit)
	}
	t.Setenv("GOMEMLIMIT", "64MiB")
	t.Setenv("GOGC", "100")
	restore := Batch()
	defer restore()
	if got := debug.SetMemoryLimit(-1); got != beforeLimit {
		t.Errorf("GOMEMLIMIT set: limit %d changed from %d", got, beforeLimit)
	}
	if got := debug.SetGCPercent(-1); got != before {
		t.Errorf("GOGC set: percent %d changed from %d", got, before)
	}
	debug.SetGCPercent(before)
}
