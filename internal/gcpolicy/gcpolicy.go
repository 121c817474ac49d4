// Package gcpolicy sets the garbage collector for a batch run: cartrans
// reads, compiles and translates files whose data stays small and lives
// until the run ends, so Go's default (collect whenever the heap doubles,
// from 4 MiB) spends most of a corpus run collecting a heap that is
// mostly still in use. The CLI collects when the heap has grown
// fivefold instead; a user's GOGC still wins. The benchmarks that stand
// for a CLI run apply the same policy, so they measure what the command
// does (the README gives both figures).
//
// A fivefold heap would let a long run over a large log peak at five
// times its live data, at whatever moment a collection came late; a soft
// limit of 128 MiB (unless GOMEMLIMIT says otherwise) makes collections
// come earlier near it, so that the resident memory of `cartrans run` is
// the same on 100 MB and on 1 GB of events. Live data beyond the limit
// (a join without a time bound over a huge log) still works, with more
// collecting.
package gcpolicy

import (
	"os"
	"runtime/debug"
)

// Percent is the heap growth, in percent, that starts a collection.
const Percent = 400

// Limit is the soft memory limit.
const Limit = 128 << 20

// Batch applies the policy unless GOGC is set, and returns a function
// that restores the previous setting.
func Batch() (restore func()) {
	restore = func() {}
	if _, set := os.LookupEnv("GOGC"); !set {
		old := debug.SetGCPercent(Percent)
		restore = func() { debug.SetGCPercent(old) }
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		oldLimit := debug.SetMemoryLimit(Limit)
		prev := restore
		restore = func() { prev(); debug.SetMemoryLimit(oldLimit) }
	}
	return restore
}
