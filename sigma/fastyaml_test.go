package sigma

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"testing"

	"gopkg.in/yaml.v3"
)

// v3Docs decodes every document with yaml.v3, as Parse's fallback does;
// false on an error.
func v3Docs(data []byte) ([]*yaml.Node, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []*yaml.Node
	for {
		var doc yaml.Node
		err := decode(dec, &doc)
		if errors.Is(err, io.EOF) {
			return docs, true
		}
		if err != nil {
			return nil, false
		}
		docs = append(docs, &doc)
	}
}

// sameTree reports where two trees differ in what the reader uses (kind,
// style, tag, value, anchor, alias, position, children), or "".
func sameTree(a, b *yaml.Node, path string) string {
	if a == nil || b == nil {
		if a != b {
			return path + ": one is nil"
		}
		return ""
	}
	if a.Kind != b.Kind || a.Style != b.Style || a.Tag != b.Tag || a.Value != b.Value || a.Anchor != b.Anchor ||
		a.Line != b.Line || a.Column != b.Column || len(a.Content) != len(b.Content) || (a.Alias == nil) != (b.Alias == nil) {
		return fmt.Sprintf("%s: fast {kind %d style %d tag %s value %q at %d:%d, %d children}, yaml.v3 {kind %d style %d tag %s value %q at %d:%d, %d children}",
			path, a.Kind, a.Style, a.Tag, a.Value, a.Line, a.Column, len(a.Content), b.Kind, b.Style, b.Tag, b.Value, b.Line, b.Column, len(b.Content))
	}
	for i := range a.Content {
		if d := sameTree(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", path, i)); d != "" {
			return d
		}
	}
	return ""
}

// checkFast compares fastDocs with yaml.v3 on data: where the fast path
// reads it, the trees must be yaml.v3's, and Parse's rules and
// diagnostics those of the yaml.v3 path. It reports whether the fast path
// read it.
func checkFast(t *testing.T, name string, data []byte) bool {
	t.Helper()
	fast, ok := fastDocs(data)
	if !ok {
		return false
	}
	slow, ok := v3Docs(data)
	if !ok {
		t.Errorf("%s: the fast path read a document yaml.v3 refuses", name)
		return true
	}
	if len(fast) != len(slow) {
		t.Errorf("%s: %d documents, yaml.v3 %d", name, len(fast), len(slow))
		return true
	}
	for i := range fast {
		if d := sameTree(fast[i], slow[i], fmt.Sprintf("doc%d", i)); d != "" {
			t.Errorf("%s: %s", name, d)
			return true
		}
	}
	rf, df := parse(name, data, true)
	rs, ds := parse(name, data, false)
	if !reflect.DeepEqual(rf, rs) || !reflect.DeepEqual(df, ds) {
		t.Errorf("%s: Parse differs between the fast path and yaml.v3:\nfast %v\nv3   %v", name, df, ds)
	}
	return true
}

// TestFastYAMLCorpus: over every SigmaHQ rule, the fast path gives
// yaml.v3's trees, and Parse the identical rules and diagnostics; and it
// reads nearly all of them (else the speed it is for is lost).
func TestFastYAMLCorpus(t *testing.T) {
	paths, data := corpusRules(t)
	read := 0
	for i := range paths {
		if checkFast(t, paths[i], data[i]) {
			read++
		} else {
			// The fallback is yaml.v3 itself; Parse must still agree.
			rf, df := parse(paths[i], data[i], true)
			rs, ds := parse(paths[i], data[i], false)
			if !reflect.DeepEqual(rf, rs) || !reflect.DeepEqual(df, ds) {
				t.Errorf("%s: Parse differs on the fallback", paths[i])
			}
		}
	}
	t.Logf("the fast path read %d of %d files", read, len(paths))
	if read < len(paths)*95/100 {
		t.Errorf("the fast path read only %d of %d files", read, len(paths))
	}
}

// fastCases are YAML texts with whether the fast path reads them; where
// it does, checkFast compares it with yaml.v3.
var fastCases = []struct {
	text string
	fast bool
}{
	{"title: t\nlevel: high\n", true},
	{"# c\n\ntitle: t # c\n  # c\nid: 1\n", true},
	{"a: 1\nb: 0x1F\nc: 1.5\nd: -3\ne: 1_000\nf: .5\ng: 1e3\nh: 0o17\ni: 0b101\nj: 2023-01-02\nk: 2023-1-2\nl: 007\nm: +1\n", true},
	{"a: true\nb: False\nc: yes\nd: null\ne: ~\nf: Null\ng: .nan\nh: -.inf\ni: <<\nj: on\n", true},
	{"a: TRUE\nb: FALSE\nc: false\nd: NULL\ne: ~x\nf: nULL\ng: tRUE\nh: off\ni: Yes\nj: n\nk: Y\nl: .inf\nm: +.INF\nn: .NaN\no: .x\np: title\nq: O\n", true},
	{"a: 'it''s'\nb: \"q\\\"\\\\\\t\\x41\\u00e9\\U0001F600\\N\\_\\'\\0\"\nc: ''\nd: \"\"\n'e f': 1\n\"g\": 2\n", true},
	{"a: C:\\Windows\\*\nb: http://x/y?z#w\nc: a #comment\nd: x:y\ne: -enc\nf: ?x\ng: :x\nh: a  b  \n", true},
	{"a:\n    - x\n    - 'y'\n    -   z\nb:\n- 1\n- 2\nc: 3\n", true},
	{"d:\n    s:\n        - A|endswith: x\n          B: y\n        - C: z\n    condition: s\n", true},
	{"r:\n    - id: 1\n      type: derived\n    -\n        id: 2\n", true},
	{"a: |\n    line 1\n      more\n\n    # not a comment\n    end\nb: 1\n", true},
	{"a: |-\n    x\n    y\n\n\nb: >\n    folded\n    text\n\n    para\nc: >- # c\n    z\n", true},
	{"- a\n- b: 1\n  c: 2\n", true},
	{"a: é ü\nb: 'ß'\nc: [x]\n", false},
	{"a: é ü\nb: 'ß'\nc: d\n", true},
	{"a: 日本: x\n", false},
	{"a: x\n  y\n", false},
	{"a:\nb: 1\n", false},
	{"a: &x 1\nb: *x\n", false},
	{"a: !!str 1\n", false},
	{"a: {b: 1}\n", false},
	{"a: 'multi\n  line'\n", false},
	{"---\na: 1\n", false},
	{"a: 1\n---\nb: 2\n", false},
	{"a: 1\n...\n", false},
	{"a:\tb\n", false},
	{"a: b\r\n", false},
	{"a: |+\n  x\n\n", false},
	{"a: |2\n   x\n", false},
	{"a: >\n  x\n    y\n", false},
	{"a: |\n\n  x\n", false},
	{"a: |\n  x\n     \n", false},
	{"a: |\n  x", false},
	{"a: 1\na: 2\n", true},
	{"a: 1\n  b: 2\n", false},
	{"a:\n    b: 1\n  c: 2\n", false},
	{"a: 1\n- b\n", false},
	{"a : 1\n", false},
	{"a: - b\n", false},
	{"a: \"\\q\"\n", false},
	{"a: \"\\ud800\"\n", false},
	{"- - a\n", false},
	{"\ufeffa: 1\n", false},
	{"a: b\u2028c\n", false},
	{"", false},
	{"# only a comment\n", false},
	{"plain\n", false},
	{"a: b #c: d\n", true},
	{"a #b: c\n", false},
	{"a: '' # x\n", true},
	{"a: 'x' y\n", false},
	{"a: >\n  x  \n  y\nb: |\n  p  \n  q\n", true},
	{"a: 'v'#c\nb: \"v\"#c\n- 'a'#c\n", false},
	{"a: 'v'#c\n", true},
	{"a: 2023-02-30\nb: 2023-13-01\nc: 2023-1-2x\nd: 999999999999999999\ne: 9999999999999999999\nf: 0\ng: 00\nh: 2024-02-29\ni: 1234-56-78\n", true},
}

// TestFastYAMLCases: the fast path reads what it claims to, exactly as
// yaml.v3, and leaves the rest to it.
func TestFastYAMLCases(t *testing.T) {
	for _, c := range fastCases {
		if got := checkFast(t, fmt.Sprintf("%q", c.text), []byte(c.text)); got != c.fast {
			t.Errorf("%q: fast path read it: %v, want %v", c.text, got, c.fast)
		}
	}
}

// FuzzFastYAML: wherever the fast path reads an input, it reads it as
// yaml.v3 does.
func FuzzFastYAML(f *testing.F) {
	for _, c := range fastCases {
		f.Add([]byte(c.text))
	}
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			return
		}
		checkFast(t, "fuzz", data)
	})
}
