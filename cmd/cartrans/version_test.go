package main

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/internal/version"
)

// `cartrans version`, `--version` and SARIF's driver name one build, with
// the Go toolchain that made it.
func TestVersion(t *testing.T) {
	want := version.Read()
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, errs, code := cli(t, "", args...)
		if code != 0 || errs != "" {
			t.Fatalf("%v: exit %d, stderr %q", args, code, errs)
		}
		if out != want.String()+"\n" || !strings.HasPrefix(out, "cartrans ") || !strings.Contains(out, runtime.Version()) {
			t.Errorf("%v printed %q, want %q with %s", args, out, want.String(), runtime.Version())
		}
	}
	p := writeFile(t, t.TempDir(), "broken.md", brokenPage)
	out, _, _ := cli(t, "", "lint", "--format", "sarif", p)
	var log struct {
		Runs []struct {
			Tool struct{ Driver struct{ Version string } }
		}
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("SARIF %v: %s", err, out)
	}
	if got := log.Runs[0].Tool.Driver.Version; got != want.Short() {
		t.Errorf("SARIF driver.version %q, want %q", got, want.Short())
	}
}
