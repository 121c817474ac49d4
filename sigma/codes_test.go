package sigma

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

// Every code the reader reports is described, and the design note's
// table lists exactly the codes described.
func TestCodesDescribed(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	code := regexp.MustCompile(`"(S\d{3})"`)
	for _, f := range files {
		if f == "codes.go" || filepath.Ext(f) != ".go" || len(f) > 8 && f[len(f)-8:] == "_test.go" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range code.FindAllSubmatch(data, -1) {
			used[string(m[1])] = true
		}
	}
	if len(used) == 0 {
		t.Fatal("no codes found in the reader's source")
	}
	for c := range used {
		if Codes[c] == "" {
			t.Errorf("code %s is reported but not described in Codes", c)
		}
	}
	doc, err := os.ReadFile("../docs/design/sigma.md")
	if err != nil {
		t.Fatal(err)
	}
	inDoc := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\| (S\d{3}) \|`).FindAllSubmatch(doc, -1) {
		inDoc[string(m[1])] = true
	}
	if a, b := slices.Sorted(maps.Keys(inDoc)), slices.Sorted(maps.Keys(Codes)); !slices.Equal(a, b) {
		t.Errorf("docs/design/sigma.md's code table lists %v, Codes %v", a, b)
	}
}
