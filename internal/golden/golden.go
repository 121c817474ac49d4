// Package golden sets up golden-file assertions (github.com/sebdah/goldie/v2)
// rooted at the repository's testdata/golden. Importing it also registers
// goldie's -update flag, which `go test ./... -update` passes to every test
// binary: a test package without golden files imports it blank so that the
// flag is known there too.
package golden

import (
	"path/filepath"
	"testing"

	"github.com/sebdah/goldie/v2"

	"github.com/cartrans/cartrans/internal/testcorpus"
)

// New returns a goldie instance whose files live in testdata/golden/<sub>
// and are named exactly as asserted (the name carries its own extension).
func New(t testing.TB, sub string) *goldie.Goldie {
	t.Helper()
	root, err := testcorpus.ModuleRoot()
	if err != nil {
		t.Fatalf("module root: %v", err)
	}
	return goldie.New(t,
		goldie.WithFixtureDir(filepath.Join(root, "testdata", "golden", sub)),
		goldie.WithNameSuffix(""),
	)
}
