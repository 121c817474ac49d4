// Package gcpolicy sets the garbage collector for a run of the command:
// cartrans reads, compiles and translates files whose data stays small
// and lives until the run ends, so Go's default (collect whenever the
// heap doubles, from 4 MiB) spends most of a corpus run collecting a heap
// that is mostly still in use. The CLI collects when the heap has grown
// fivefold instead; a user's GOGC still wins. The benchmarks that stand
// for a CLI run apply the same policy as their command, so they measure
// what the command does (the README gives both figures).
//
// Each command also gets a soft memory limit (unless GOMEMLIMIT says
// otherwise), which makes collections come earlier near it; the two
// kinds of command need different ones:
//
//   - Stream (run, test, events): a fivefold heap would let a long run
//     over a large log peak at five times its live data, at whatever
//     moment a collection came late; a limit of 128 MiB keeps the
//     resident memory of `cartrans run` the same on 100 MB and on 1 GB of
//     events. Live data beyond the limit (a join without a time bound
//     over a huge log) still works, with more collecting.
//   - Batch (convert, lint, render, check and the others): the live data
//     is the inputs and their results, which the command holds until it
//     ends whatever the collector does, so a limit below it only makes
//     the collector run again and again over data that is all in use
//     (SigmaHQ's rules and CAR's analytics to every profile, `convert
//     --profile all --explain -f json`, hold more than 128 MiB: at that
//     limit the run took 3.1–3.8 s of user time, at 512 MiB 1.9–2.2 s, for 530
//     MiB resident instead of 420; SigmaHQ's rules to the four backends,
//     BenchmarkSigmaCorpus, collected 3–4 times per run instead of about
//     once). The limit is 512 MiB: it trims the fivefold overshoot of a
//     corpus whose live data nears 100 MiB, and every corpus cartrans is
//     measured on stays below it.
package gcpolicy

import (
	"os"
	"runtime/debug"
)

// Percent is the heap growth, in percent, that starts a collection.
const Percent = 400

// StreamLimit is the soft memory limit of the commands that stream event
// logs.
const StreamLimit = 128 << 20

// BatchLimit is the soft memory limit of the commands that hold their
// inputs and results until they end.
const BatchLimit = 512 << 20

// Batch applies the policy of the commands that hold their inputs
// (convert, lint, render, ...) unless GOGC and GOMEMLIMIT are set, and
// returns a function that restores the previous setting.
func Batch() (restore func()) { return apply(BatchLimit) }

// Stream applies the policy of the commands that stream event logs (run,
// test, events), and returns a function that restores the previous
// setting.
func Stream() (restore func()) { return apply(StreamLimit) }

func apply(limit int64) (restore func()) {
	restore = func() {}
	if _, set := os.LookupEnv("GOGC"); !set {
		old := debug.SetGCPercent(Percent)
		restore = func() { debug.SetGCPercent(old) }
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		oldLimit := debug.SetMemoryLimit(limit)
		prev := restore
		restore = func() { prev(); debug.SetMemoryLimit(oldLimit) }
	}
	return restore
}
