// Package gcpolicy sets the garbage collector for a batch run: cartrans
// reads, compiles and translates files whose data stays small and lives
// until the run ends, so Go's default (collect whenever the heap doubles,
// from 4 MiB) spends most of a corpus run collecting a heap that is
// mostly still in use. The CLI collects when the heap has grown
// fivefold instead; a user's GOGC still wins. The benchmarks that stand
// for a CLI run apply the same policy, so they measure what the command
// does (the README gives both figures).
package gcpolicy

import (
	"os"
	"runtime/debug"
)

// Percent is the heap growth, in percent, that starts a collection.
const Percent = 400

// Batch applies the policy unless GOGC is set, and returns a function
// that restores the previous setting.
func Batch() (restore func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	old := debug.SetGCPercent(Percent)
	return func() { debug.SetGCPercent(old) }
}
