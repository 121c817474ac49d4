package main

import (
	"testing"

	_ "github.com/cartrans/cartrans/internal/golden"
)

// TestStreams checks which command lines get the streaming commands'
// memory limit: run, test and events hold only what is in flight, the
// others their inputs (internal/gcpolicy).
func TestStreams(t *testing.T) {
	for args, want := range map[string]bool{
		"run a.md --events log":   true,
		"test a.md":               true,
		"events dump a.evtx":      true,
		"--help run":              true,
		"convert ../sigma/rules":  false,
		"lint run":                false, // a file named run
		"render a --out run":      false,
		"":                        false,
		"-- run":                  false,
		"check --golden g events": false,
	} {
		if got := streams(splitArgs(args)); got != want {
			t.Errorf("streams(%q) = %v, want %v", args, got, want)
		}
	}
}

func splitArgs(s string) []string {
	var out []string
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] != ' ' {
			i++
		}
		out = append(out, s[:i])
		if i < len(s) {
			i++
		}
		s = s[i:]
	}
	return out
}
