package render_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends/all"
	"github.com/cartrans/cartrans/convert"
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"github.com/cartrans/cartrans/internal/testcorpus"
	"github.com/cartrans/cartrans/parser"
	"github.com/cartrans/cartrans/render"
)

// targets are every backend with every profile, render's default.
func targets() []convert.Target {
	var ts []convert.Target
	for _, b := range all.Backends() {
		for _, p := range b.Profiles() {
			ts = append(ts, convert.Target{Backend: b, Profile: p})
		}
	}
	return ts
}

// renderAll renders pages as the command does.
func renderAll(t *testing.T, names []string, texts [][]byte) [][]byte {
	t.Helper()
	var srcs [][]byte
	var as []*analytic.Analytic
	for i, text := range texts {
		src, err := render.Strip(names[i], text)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := parser.ReadMarkdown(names[i], src)
		if a == nil {
			t.Fatalf("%s does not read", names[i])
		}
		srcs, as = append(srcs, src), append(as, a)
	}
	entries, _ := convert.Convert(as, targets(), convert.Options{})
	out := make([][]byte, len(as))
	for i, a := range as {
		out[i] = render.Page(srcs[i], a, render.Generated(a, entries))
	}
	return out
}

// model is an analytic's model without positions, for comparing readings
// of different texts.
func model(t *testing.T, a *analytic.Analytic) any {
	t.Helper()
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return strip(v)
}

func strip(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range []string{"pos", "code_pos", "code_indent", "format"} {
			delete(v, k)
		}
		// A page links a technique the YAML form names only by ID with
		// the ID as the link's text.
		if id, ok := v["id"]; ok && v["name"] == id {
			delete(v, "name")
		}
		for k, x := range v {
			v[k] = strip(x)
		}
	case []any:
		for i := range v {
			v[i] = strip(v[i])
		}
	}
	return v
}

// TestRenderCorpus is issue 6's bar: every page of MITRE's corpus
// renders to HTML without errors, reads back into the same model with the
// generated implementations added, and rendering it again changes no
// byte.
func TestRenderCorpus(t *testing.T) {
	names, texts := testcorpus.Pages(t)
	pages := renderAll(t, names, texts)
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	added := 0
	for i, page := range pages {
		var html bytes.Buffer
		if err := md.Convert(page, &html); err != nil {
			t.Errorf("%s: goldmark: %v", names[i], err)
		}
		orig, _ := parser.ReadMarkdown(names[i], texts[i])
		back, diags := parser.ReadMarkdown(names[i], page)
		if back == nil || diags.HasErrors() && !orig2errors(names[i], texts[i]) {
			t.Errorf("%s: the rendered page does not read back: %v", names[i], diags)
			continue
		}
		var hand []analytic.Implementation
		for _, im := range back.Implementations {
			if im.Generated {
				added++
				if im.Code == "" || !strings.Contains(im.DataModel, "cartrans") {
					t.Errorf("%s: generated implementation %q without code or mark", names[i], im.Name)
				}
				continue
			}
			hand = append(hand, im)
		}
		back.Implementations = hand
		if got, want := model(t, back), model(t, orig); !reflect.DeepEqual(got, want) {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			t.Errorf("%s: the rendered page reads back differently:\n got %s\nwant %s", names[i], g, w)
		}
	}
	if added == 0 {
		t.Error("no generated implementation was added")
	}
	again := renderAll(t, names, pages)
	for i := range pages {
		if !bytes.Equal(pages[i], again[i]) {
			t.Errorf("%s: rendering a rendered page changes it", names[i])
		}
	}
}

// orig2errors reports a page that reads with errors before rendering too.
func orig2errors(name string, text []byte) bool {
	_, d := parser.ReadMarkdown(name, text)
	return d.HasErrors()
}

// TestFullPage: an analytic from CAR's YAML form, written as a page,
// reads back into the same model (names the YAML form lacks aside).
func TestFullPage(t *testing.T) {
	dir := filepath.Join(testcorpus.Dir(t), "analytics-yaml")
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if len(files) == 0 {
		t.Skip("no YAML analytics")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := parser.ReadYAML(f, data)
		if a == nil {
			continue
		}
		page := render.FullPage(a)
		back, diags := parser.ReadMarkdown(f, page)
		if back == nil || diags.HasErrors() {
			t.Errorf("%s: the page does not read: %v", f, diags)
			continue
		}
		// The site form names each test case; the YAML form does not.
		for i := range back.UnitTests {
			if back.UnitTests[i].Name == fmt.Sprintf("Test Case %d", i+1) && a.UnitTests[i].Name == "" {
				back.UnitTests[i].Name = ""
			}
		}
		if got, want := model(t, back), model(t, a); !reflect.DeepEqual(got, want) {
			g, _ := json.MarshalIndent(got, "", " ")
			w, _ := json.MarshalIndent(want, "", " ")
			t.Errorf("%s: reads back differently:\n%s", f, firstDiff(string(g), string(w)))
		}
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n got %s\nwant %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(al), len(bl))
}
