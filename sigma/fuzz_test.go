package sigma

import (
	"strings"
	"testing"
	"time"

	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/testcorpus"
)

var fuzzSeeds = []string{
	rule("    selection:\n        Image|endswith: '\\whoami.exe'\n        CommandLine|contains|all: [a, b]\n    filter:\n        User: null\n    condition: selection and not filter\n"),
	rule("    keywords:\n        - 'event::clear'\n        - 'a\\\\*b?'\n    condition: keywords\n"),
	rule("    sel:\n        F|re|i: '^a.*'\n        G|cidr: 10.0.0.0/8\n        H|gte: 5\n        I|exists: true\n        J|expand: '%Servers%'\n        K|hour|lt: 8\n    condition: 1 of sel* or all of them\n"),
	rule("    sel1: {A: 1}\n    sel2: [x]\n    condition:\n        - sel1\n        - not (sel2 or sel1)\n"),
	"title: c\ncorrelation:\n    type: value_count\n    rules: [a, b]\n    group-by: [u]\n    timespan: 5m\n    condition: {field: x, gt: 1, lte: 9}\n    aliases:\n        u: {a: x, b: y}\n---\ntitle: f\nlogsource: {product: w}\nfilter:\n    rules: [a]\n    selection: {User|startswith: adm_}\n    condition: selection\n",
	"x: &a [1, 2]\ny: *a\ntitle: t\nlogsource: {product: w}\ndetection:\n    s:\n        <<: {A: 1}\n        B: *a\n    condition: s\n",
	"action: global\ntitle: t\n---\nlogsource: {}\n",
}

// FuzzParseRule: whatever the bytes, Parse returns, without a panic, and
// every diagnostic has the file and a line within the input.
func FuzzParseRule(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	if _, ok := testcorpus.FindSigma(); ok {
		paths, data := corpusRules(f)
		// Every 100th rule: a spread of real shapes without making the
		// seed corpus run slow.
		for i := 0; i < len(paths); i += 100 {
			f.Add(data[i])
		}
	}
	// Inputs whose cost grew faster than their length before (see
	// TestHostileInputs), small.
	f.Add([]byte(rule("    sel:\n        ? F" + strings.Repeat("|all", 500) + "\n        : [a, b]\n    condition: sel\n")))
	f.Add([]byte(rule("    sel: {" + strings.Repeat("é: 1, ", 500) + "x|bad: 1}\n    condition: 1 of s*\n")))
	f.Add([]byte(rule("    n1: {A: 1}\n    condition: " + strings.Repeat("1 of x* or ", 500) + "n1\n")))
	f.Fuzz(func(t *testing.T, data []byte) {
		var rules []*Rule
		var diags diag.List
		done := make(chan struct{})
		go func() {
			defer close(done)
			rules, diags = Parse("f.yml", data)
		}()
		// Reading takes milliseconds: an input that takes seconds has
		// found work that grows faster than its length, which the fuzzer
		// keeps as a failure.
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			t.Fatalf("reading %d bytes took over 2 s: %q", len(data), data)
		}
		lines := len(newSrc("f.yml", data, nil).lines)
		for _, d := range diags {
			if d.Pos.File != "f.yml" || d.Pos.Line > lines+1 || d.Pos.Line < 0 {
				t.Fatalf("bad position %v (input has %d lines)", d, lines)
			}
		}
		for _, r := range rules {
			if r.Detection != nil {
				for _, c := range r.Detection.Conditions {
					_ = CondString(c)
					if !c.Pos().IsValid() {
						t.Fatalf("condition %s without a position", CondString(c))
					}
				}
			}
			_ = r.Coverage()
		}
	})
}

// FuzzParseCondition: the parser returns a condition or exactly one
// error, never both, and what it returns prints and parses back the same.
func FuzzParseCondition(f *testing.F) {
	for _, s := range []string{
		"sel", "a and b or not c", "1 of sel* and not 1 of filter*", "all of them", "((a) or (b and not (c)))",
		"a | count() > 5", "2 of x", "not", "(", "a and", "sél or x", strings.Repeat("(", 300) + "a",
	} {
		f.Add(s)
	}
	if _, ok := testcorpus.FindSigma(); ok {
		// The conditions of every 50th rule, as written (a condition:
		// line's value) and as printed: the corpus's real shapes.
		paths, data := corpusRules(f)
		for i := 0; i < len(paths); i += 50 {
			for _, line := range strings.Split(string(data[i]), "\n") {
				if v, ok := strings.CutPrefix(strings.TrimSpace(line), "condition:"); ok && strings.TrimSpace(v) != "" {
					f.Add(strings.Trim(strings.TrimSpace(v), `'"`))
				}
			}
			rules, _ := Parse(paths[i], data[i])
			for _, r := range rules {
				if r.Detection != nil {
					for _, c := range r.Detection.Conditions {
						f.Add(CondString(c))
					}
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		c, diags := ParseCondition("c", text)
		if (c == nil) != (len(diags) == 1) || len(diags) > 1 {
			t.Fatalf("%q: %v and %v", text, c, diags)
		}
		for _, d := range diags {
			if d.Severity != diag.Error || d.Pos.Col < 1 || d.Pos.Col > len(text)+1 {
				t.Fatalf("%q: %v", text, d)
			}
		}
		if c == nil {
			return
		}
		again, diags := ParseCondition("c", CondString(c))
		if len(diags) > 0 || CondString(again) != CondString(c) {
			t.Fatalf("%q printed %q, which reads back as %v %v", text, CondString(c), again, diags)
		}
	})
}

// BenchmarkReadCorpus reads every SigmaHQ rule, on every core.
func BenchmarkReadCorpus(b *testing.B) {
	paths, data := corpusRules(b)
	b.ResetTimer()
	for b.Loop() {
		parseAll(paths, data)
	}
	b.ReportMetric(float64(len(paths))*float64(b.N)/b.Elapsed().Seconds(), "rules/s")
}
