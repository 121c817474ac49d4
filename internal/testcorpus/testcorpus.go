// Package testcorpus locates MITRE's CAR corpus for tests. The corpus is
// MITRE's text and is not copied into this repository: tests read it from
// $CARTRANS_CAR_CORPUS or from ../shared/car beside the repository, and
// skip, saying so, where neither exists, unless $CARTRANS_REQUIRE_CORPUS is
// set: CI sets it, so that a broken layout fails the run instead of
// passing it with the corpus tests skipped.
package testcorpus

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// EnvVar names the variable that points at the corpus.
const EnvVar = "CARTRANS_CAR_CORPUS"

// RequireVar names the variable that turns a missing corpus from a skip
// into a failure.
const RequireVar = "CARTRANS_REQUIRE_CORPUS"

// Dir returns the corpus root (holding analytics/ and analytics-yaml/), or
// skips the test when there is none.
func Dir(t testing.TB) string {
	t.Helper()
	dir, ok := Find()
	if !ok {
		missing(t, fmt.Sprintf("CAR corpus not found at %s: set $%s or place MITRE CAR at ../shared/car beside the repository", dir, EnvVar))
	}
	return dir
}

// missing skips the test, or fails it when $CARTRANS_REQUIRE_CORPUS is set.
func missing(t testing.TB, msg string) {
	t.Helper()
	if v := os.Getenv(RequireVar); v != "" && v != "0" {
		t.Fatalf("%s ($%s is set, so a missing corpus is a failure)", msg, RequireVar)
		return
	}
	t.Skip(msg)
}

// Find returns the corpus root and whether it exists.
func Find() (string, bool) { return find(EnvVar, "car", "analytics") }

// find locates a corpus: the folder $env names, or ../shared/<name> beside
// the repository; it exists when it holds the folder marker.
func find(env, name, marker string) (string, bool) {
	d := os.Getenv(env)
	if d == "" {
		root, err := ModuleRoot()
		if err != nil {
			return "", false
		}
		d = filepath.Join(root, "..", "shared", name)
	}
	st, err := os.Stat(filepath.Join(d, marker))
	return d, err == nil && st.IsDir()
}

// ModuleRoot walks up from the working directory to the folder of go.mod.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}

// Analytics lists the corpus's markdown analytics, as paths relative to the
// corpus root ("analytics/CAR-2013-02-003.md"), sorted.
func Analytics(t testing.TB) (root string, rel []string) {
	t.Helper()
	root = Dir(t)
	matches, err := filepath.Glob(filepath.Join(root, "analytics", "*.md"))
	if err != nil || len(matches) == 0 {
		t.Fatalf("no analytics in %s", root)
	}
	for _, m := range matches {
		r, _ := filepath.Rel(root, m)
		rel = append(rel, filepath.ToSlash(r))
	}
	return root, rel
}

// Pages reads the corpus's markdown analytics: their corpus-relative
// names (which golden files show, so that they do not depend on where the
// corpus lives) and their texts.
func Pages(t testing.TB) (names []string, texts [][]byte) {
	t.Helper()
	root, names := Analytics(t)
	for _, rel := range names {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, data)
	}
	return names, texts
}

// SigmaEnvVar names the variable that points at the Sigma corpus (holding
// regression_data/ with its .evtx samples).
const SigmaEnvVar = "CARTRANS_SIGMA_CORPUS"

// SigmaDir returns the Sigma corpus root, from $CARTRANS_SIGMA_CORPUS or
// ../shared/sigma beside the repository, or skips the test when there is
// none (fails it when $CARTRANS_REQUIRE_CORPUS is set).
func SigmaDir(t testing.TB) string {
	t.Helper()
	dir, ok := FindSigma()
	if !ok {
		missing(t, fmt.Sprintf("Sigma corpus not found at %s: set $%s or place SigmaHQ's repository at ../shared/sigma beside the repository", dir, SigmaEnvVar))
	}
	return dir
}

// FindSigma returns the Sigma corpus root and whether it exists.
func FindSigma() (string, bool) { return find(SigmaEnvVar, "sigma", "regression_data") }

// SigmaEVTX lists the Sigma corpus's .evtx regression samples (absolute
// paths, sorted); a corpus without any fails the test.
func SigmaEVTX(t testing.TB) []string {
	t.Helper()
	root := SigmaDir(t)
	var files []string
	err := filepath.WalkDir(filepath.Join(root, "regression_data"), func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && filepath.Ext(p) == ".evtx" {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no .evtx files under %s", filepath.Join(root, "regression_data"))
	}
	return files
}
