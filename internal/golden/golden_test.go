package golden

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/internal/testcorpus"
)

// TestEveryTestPackageAcceptsUpdate guards `go test ./... -update`: a test
// binary that does not define -update fails the whole run, so every
// package with tests must import this package (blank, where it has no
// golden files).
func TestEveryTestPackageAcceptsUpdate(t *testing.T) {
	root, err := testcorpus.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	imports := map[string]bool{} // dir -> some test file imports golden
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && p != root {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(p, "_test.go") {
			return nil
		}
		dir := filepath.Dir(p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		imports[dir] = imports[dir] || strings.Contains(string(data), `"github.com/cartrans/cartrans/internal/golden"`) ||
			filepath.Base(dir) == "golden"
		return nil
	})
	for dir, ok := range imports {
		if !ok {
			rel, _ := filepath.Rel(root, dir)
			t.Errorf("%s: no test file imports internal/golden, so `go test ./... -update` fails there", rel)
		}
	}
}
