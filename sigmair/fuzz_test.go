package sigmair

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cartrans/cartrans/internal/testcorpus"
	"github.com/cartrans/cartrans/sigma"
)

// fuzzSeeds are rules with each construct the lowering handles.
var fuzzSeeds = []string{
	"    sel:\n        Image|endswith: '\\whoami.exe'\n        CommandLine|contains|all: [a, 'b?\\*']\n    filter:\n        User: null\n    condition: sel and not filter\n",
	"    keywords:\n        - 'event::clear'\n        - 'a\\\\*b?'\n    condition: keywords\n",
	"    sel:\n        CommandLine|re|i: '^a.*'\n        User|neq: [a, b]\n        ProcessId|gte: 5\n        User|exists: true\n        CommandLine|expand: '%p%'\n    condition: 1 of sel* or all of them\n",
	"    sel:\n        CommandLine|windash|contains: ' -a /b '\n        Image|wide|base64offset|contains: 'cmd'\n        User|utf16|base64: x\n    condition: sel\n",
	"    sel1: {User: 1}\n    sel2: [x]\n    empty:\n        User: []\n    condition:\n        - sel1 or empty\n        - not (sel2 or sel1)\n",
	"    sel:\n        CommandLine|fieldref: Image\n    condition: sel\n",
}

// FuzzLower: whatever rule reads without errors lowers or is refused
// with a reason, within a second, never panics, and a lowered query has
// no and or or of fewer than two terms.
func FuzzLower(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(ruleText("x", procSource, s)))
	}
	f.Add([]byte(ruleText("x", secSource, "    sel:\n        EventID: [4624, 4625]\n    condition: sel\n")))
	f.Add([]byte(ruleText("x", procSource, "    sel: {User: a}\n    condition: sel\n---\ntitle: f\nlogsource:\n"+procSource+"filter:\n    rules: [x]\n    selection: {User|startswith: adm_}\n    condition: selection\n")))
	if _, ok := testcorpus.FindSigma(); ok {
		paths, data := corpusFiles(f)
		// Every 100th rule: real shapes, few enough to run fast.
		for i := 0; i < len(paths); i += 100 {
			f.Add(data[i])
		}
	}
	params := map[string][]string{"p": {"a", "b*"}, "Servers": {"s1"}}
	f.Fuzz(func(t *testing.T, data []byte) {
		rules, diags := sigma.Parse("f.yml", data)
		if diags.HasErrors() {
			return
		}
		var filters []*sigma.Rule
		for _, r := range rules {
			if r.Kind == sigma.FilterRule {
				filters = append(filters, r)
			}
		}
		for _, r := range rules {
			done := make(chan struct{})
			var err error
			var msg string
			go func() {
				defer close(done)
				qs, e := Lower(r, Options{Params: params, Filters: filters})
				err = e
				if e == nil {
					msg = emptyJunction(qs)
				}
			}()
			select {
			case <-done:
			case <-time.After(time.Second):
				t.Fatalf("lowering took over 1 s: %q", data)
			}
			if err != nil && strings.TrimSpace(err.Error()) == "" {
				t.Fatalf("refused without a reason: %q", data)
			}
			if msg != "" {
				t.Fatalf("%s: %q", msg, data)
			}
		}
	})
}

// FuzzLowerItem: one field item, its modifiers and value fuzzed apart
// from YAML's syntax, lowers or is refused with a reason, within a
// second, and without an and or or of fewer than two terms.
func FuzzLowerItem(f *testing.F) {
	for _, s := range [][3]string{
		{"contains|all", "a?b\\*", "sel"},
		{"windash|contains", " -a /b ", "not sel"},
		{"wide|base64offset|contains", "cmd", "sel"},
		{"utf16|base64", "x", "sel"},
		{"re|i|m", "^a(?=b)", "sel"},
		{"neq", "", "sel"},
		{"expand|startswith", "%p%\\x", "sel"},
		{"cased|endswith", "\\\\*", "sel or not sel"},
		{"base64offset", "a", "sel"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	params := map[string][]string{"p": {"a", "b*"}}
	f.Fuzz(func(t *testing.T, mods, value, cond string) {
		if len(mods)+len(value)+len(cond) > 1000 {
			return
		}
		// The value as a YAML double-quoted string and in a list, so
		// that any text reaches the lowering.
		q := strconv.Quote(value)
		text := ruleText("x", procSource, "    sel:\n        CommandLine|"+mods+":\n            - "+q+"\n            - "+q+"x\n    condition: "+strconv.Quote(cond)+"\n")
		rules, diags := sigma.Parse("f.yml", []byte(text))
		if diags.HasErrors() || len(rules) != 1 {
			return
		}
		done := make(chan struct{})
		var err error
		var msg string
		go func() {
			defer close(done)
			qs, e := Lower(rules[0], Options{Params: params})
			err = e
			if e == nil {
				msg = emptyJunction(qs)
			}
		}()
		select {
		case <-done:
		case <-time.After(time.Second):
			t.Fatalf("lowering took over 1 s: %q", text)
		}
		if err != nil && strings.TrimSpace(err.Error()) == "" {
			t.Fatalf("refused without a reason: %q", text)
		}
		if msg != "" {
			t.Fatalf("%s: %q", msg, text)
		}
	})
}
