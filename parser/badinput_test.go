package parser_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/parser"
)

// badInputs are inputs that are not analytics; each must give exactly one
// error, at the right line, naming what is wrong, and no analytic.
var badInputs = []struct {
	name, file, text string
	line             int
	want             string // a regexp the message must match
}{
	{"empty", "a.md", "", 1, `empty file`},
	{"blank", "a.md", "\n  \n\t\n", 1, `empty file`},
	{"empty yaml", "a.yaml", "", 1, `empty file`},
	{"no front matter", "README.md", "# My project\n\nSome text.\n", 1, `no front matter.*CAR analytic`},
	{"unterminated front matter", "a.md", "---\ntitle: \"CAR-2020-01-001: X\"\nlayout: analytic\n\nbody text\n", 1, `unterminated front matter`},
	{"invalid YAML in front matter", "a.md", "---\ntitle: \"CAR-2020-01-001: X\"\nsubtypes: [Process\n---\nbody\n", 3, `invalid YAML.*',' or ']'`},
	{"YAML key without value", "a.yaml", "id: CAR-2020-01-001\ntitle: x\ncoverage:\n  - technique: T1\n    tactics: [TA0001\n", 5, `invalid YAML`},
	{"front matter not a mapping", "a.md", "---\n- a\n- b\n---\nbody\n", 2, `must be a mapping`},
	{"invalid YAML file", "a.yaml", "id: CAR-2020-01-001\ntitle: x\n  bad: indentation\n", 3, `invalid YAML`},
	{"YAML list", "a.yaml", "- id: CAR-2020-01-001\n", 1, `must be a mapping`},
	{"two YAML documents", "a.yaml", "id: CAR-2020-01-001\ntitle: x\n---\nid: CAR-2020-01-002\n", 3, `second YAML document`},
	{"binary", "a.md", "---\ntitle: x\x00\x01\x02", 2, `binary file`},
	{"invalid UTF-8", "a.md", "---\ntitle: \"CAR-2020-01-001: X\"\n---\ncaf\xe9\n", 4, `invalid UTF-8`},
	{"page that is not an analytic", "about.md", "---\nlayout: page\npermalink: /about/\n---\nAbout us.\n", 1, `no title and no id`},
	{"YAML that is not an analytic", "config.yaml", "name: Process\nactions: []\n", 1, `no id and no title`},
	{"title without an ID", "a.md", "---\ntitle: Some analytic\nsubmission_date: 2020/01/01\n---\ntext\n", 2, `no CAR ID`},
	{"malformed ID", "a.yaml", "id: CAR-20-1\ntitle: x\nsubmission_date: 2020/01/01\n", 1, `not of the form CAR-YYYY-MM-NNN`},
	{"impossible date", "a.md", "---\ntitle: \"CAR-2020-01-001: X\"\nsubmission_date: 2021/02/29\n---\ntext\n", 3, `does not exist`},
}

func TestBadInputs(t *testing.T) {
	for _, c := range badInputs {
		t.Run(c.name, func(t *testing.T) {
			format, _ := parser.FormatOf(c.file)
			a, diags := parser.Read(c.file, []byte(c.text), format)
			errs := onlyErrors(diags)
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want 1: %v", len(errs), diags)
			}
			d := errs[0]
			if d.Pos.File != c.file || d.Pos.Line != c.line {
				t.Errorf("error at %v, want %s:%d", d.Pos, c.file, c.line)
			}
			if !regexp.MustCompile(c.want).MatchString(d.Message) {
				t.Errorf("message %q does not match %q", d.Message, c.want)
			}
			_ = a // an analytic with an error may be returned; callers see the error
		})
	}
}

func onlyErrors(l diag.List) diag.List {
	var out diag.List
	for _, d := range l {
		if d.Severity == diag.Error {
			out = append(out, d)
		}
	}
	return out
}

// TestHugeFile checks a 50 MB input is refused without being read whole.
func TestHugeFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "huge.md")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(50 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	res := parser.ReadFile(p)
	if res.Analytic != nil || len(res.Diags) != 1 || !strings.Contains(res.Diags[0].Message, "file too large") {
		t.Fatalf("ReadFile(50 MB) = %v", res.Diags)
	}
	// The same through standard input, where the size is not known first.
	big := bytes.NewReader(bytes.Repeat([]byte("a"), 50<<20))
	rs := parser.Load([]string{"-"}, parser.Options{Stdin: big})
	if len(rs) != 1 || len(rs[0].Diags) != 1 || !strings.Contains(rs[0].Diags[0].Message, "too large") {
		t.Fatalf("Load(stdin 50 MB) = %+v", rs)
	}
}

func TestDuplicateIDs(t *testing.T) {
	dir := t.TempDir()
	md := "---\ntitle: \"CAR-2020-01-001: First\"\nsubmission_date: 2020/01/01\n---\nText.\n"
	yml := "id: CAR-2020-01-001\ntitle: Second\nsubmission_date: 2020/01/01\n"
	write(t, dir, "a/one.md", md)
	write(t, dir, "b/two.yaml", yml)
	rs := parser.Load([]string{filepath.Join(dir, "a"), filepath.Join(dir, "b")}, parser.Options{})
	if len(rs) != 2 {
		t.Fatalf("got %d results", len(rs))
	}
	if rs[0].Diags.HasErrors() {
		t.Errorf("first definition has errors: %v", rs[0].Diags)
	}
	errs := onlyErrors(rs[1].Diags)
	if len(errs) != 1 || !strings.Contains(errs[0].Message, "duplicate analytic ID CAR-2020-01-001") ||
		!strings.Contains(errs[0].Message, "one.md:2") {
		t.Errorf("second definition: %v", rs[1].Diags)
	}
}

func TestLoadWalksDirectories(t *testing.T) {
	dir := t.TempDir()
	an := func(id string) string {
		return "---\ntitle: \"" + id + ": T\"\nsubmission_date: 2020/01/01\n---\nText.\n"
	}
	write(t, dir, "x/CAR-2020-01-002.md", an("CAR-2020-01-002"))
	write(t, dir, "CAR-2020-01-001.markdown", an("CAR-2020-01-001"))
	write(t, dir, "deep/er/CAR-2020-01-003.yml", "id: CAR-2020-01-003\ntitle: T\nsubmission_date: 2020/01/01\n")
	write(t, dir, ".hidden/CAR-2020-01-004.md", an("CAR-2020-01-004"))
	write(t, dir, "notes.txt", "not read")
	rs := parser.Load([]string{dir, filepath.Join(dir, "missing.md")}, parser.Options{})
	var ids []string
	for _, r := range rs {
		if r.Analytic != nil {
			ids = append(ids, r.Analytic.ID)
		}
	}
	if got := strings.Join(ids, " "); got != "CAR-2020-01-001 CAR-2020-01-003 CAR-2020-01-002" {
		t.Errorf("read %q", got)
	}
	last := rs[len(rs)-1]
	if last.Analytic != nil || !last.Diags.HasErrors() || !strings.Contains(last.Diags[0].String(), "missing.md: error: no such file") {
		t.Errorf("missing file: %v", last.Diags)
	}
}

func TestDetectFormat(t *testing.T) {
	for text, want := range map[string]string{
		"---\ntitle: x\n---\nbody\n":             "markdown",
		"---\ntitle: x\nid: CAR-2020-01-001\n":   "yaml",
		"id: CAR-2020-01-001\ntitle: x\n":        "yaml",
		"# A heading\n":                          "markdown",
		"\n\n---\ntitle: x\n---\n":               "markdown",
		"plain words without any structure\n":    "markdown",
		"---\ntitle: x\ndescription: |\n  ---\n": "markdown", // an unterminated-looking page is read, and reported, as a page
	} {
		if got := string(parser.DetectFormat([]byte(text))); got != want {
			t.Errorf("DetectFormat(%q) = %s, want %s", text, got, want)
		}
	}
}

func write(t *testing.T, dir, rel, text string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
