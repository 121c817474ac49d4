package sigmair

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/cartrans/cartrans/internal/par"
	"github.com/cartrans/cartrans/internal/testcorpus"
	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/sigma"
)

// minLowered is the floor of SigmaHQ rules that lower (1781 of 3141 when
// it was set): a change that refuses more fails TestCorpus.
const minLowered = 1750

var corpus struct {
	once  sync.Once
	paths []string
	data  [][]byte
	err   error
}

// corpusFiles reads the .yml files under the Sigma corpus's rules/,
// sorted, once for the tests and the fuzz seeds that use them.
func corpusFiles(t testing.TB) ([]string, [][]byte) {
	t.Helper()
	root := filepath.Join(testcorpus.SigmaDir(t), "rules")
	corpus.once.Do(func() {
		corpus.err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".yml") {
				corpus.paths = append(corpus.paths, p)
			}
			return err
		})
		sort.Strings(corpus.paths)
		corpus.data = make([][]byte, len(corpus.paths))
		for i, p := range corpus.paths {
			if corpus.data[i], corpus.err = os.ReadFile(p); corpus.err != nil {
				return
			}
		}
	})
	if corpus.err != nil {
		t.Fatal(corpus.err)
	}
	if len(corpus.paths) == 0 {
		t.Fatalf("no .yml rules under %s", root)
	}
	return corpus.paths, corpus.data
}

// reasonKind groups a refusal for the summary: the construct an
// ir.Unsupported names without the value it quotes, a mapping refusal's
// category.
func reasonKind(err error) string {
	var u *ir.Unsupported
	var c interface{ Category() string }
	switch {
	case errors.As(err, &u):
		k := u.Construct
		if i := strings.IndexAny(k, "\"%("); i > 0 {
			k = strings.TrimSpace(k[:i])
		}
		return k
	case errors.As(err, &c):
		return c.Category()
	}
	return "other"
}

// TestCorpus lowers every SigmaHQ detection rule: each lowers to a
// query without an empty and or or, or is refused with a reason; none
// panics; at least minLowered lower. The refusals are logged by kind.
func TestCorpus(t *testing.T) {
	paths, data := corpusFiles(t)
	type result struct {
		rules, lowered int
		reasons        []string
		bad            string
	}
	results := make([]result, len(paths))
	par.Each(len(paths), func(i int) {
		r := &results[i]
		rules, diags := sigma.Parse(paths[i], data[i])
		for _, rule := range rules {
			if rule.Kind != sigma.DetectionRule {
				continue
			}
			r.rules++
			if diags.HasErrors() {
				r.reasons = append(r.reasons, "read with errors")
				continue
			}
			qs, err := Lower(rule, Options{})
			if err != nil {
				if strings.TrimSpace(err.Error()) == "" {
					r.bad = "an empty reason"
				}
				r.reasons = append(r.reasons, reasonKind(err))
				continue
			}
			if msg := emptyJunction(qs); msg != "" {
				r.bad = msg
			}
			r.lowered++
		}
	})
	rules, lowered := 0, 0
	kinds := map[string]int{}
	for i, r := range results {
		if r.bad != "" {
			t.Errorf("%s: %s", paths[i], r.bad)
		}
		rules += r.rules
		lowered += r.lowered
		for _, k := range r.reasons {
			kinds[k]++
		}
	}
	t.Logf("%d of %d detection rules lower", lowered, rules)
	for _, k := range slices.SortedFunc(maps.Keys(kinds), func(a, b string) int { return kinds[b] - kinds[a] }) {
		t.Logf("%5d  %s", kinds[k], k)
	}
	if lowered < minLowered {
		t.Errorf("%d rules lower, want at least %d", lowered, minLowered)
	}
}

// emptyJunction says where a query holds an and or an or of nothing,
// which no backend is to see, or "".
func emptyJunction(qs []ir.Query) string {
	msg := ""
	for _, q := range qs {
		ir.Walk(q.Cond, func(c ir.Cond) {
			switch c := c.(type) {
			case ir.And:
				if len(c.Terms) < 2 && msg == "" {
					msg = fmt.Sprintf("an and of %d terms in %s", len(c.Terms), condString(q.Cond))
				}
			case ir.Or:
				if len(c.Terms) < 2 && msg == "" {
					msg = fmt.Sprintf("an or of %d terms in %s", len(c.Terms), condString(q.Cond))
				}
			}
		})
	}
	return msg
}
