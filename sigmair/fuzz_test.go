package sigmair

import (
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
