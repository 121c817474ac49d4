package convert_test

import (
	"errors"
	"fmt"
	"regexp"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/backends/all"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/testcorpus"
	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/parser"
	"github.com/cartrans/cartrans/sigmamap"
)

// A refusal's category is its kind, whatever its message says: wrapped
// in other words, the same.
func TestCategoryIgnoresMessage(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{&backends.Unsupported{Construct: `the pattern "a?b" (a ? wildcard) on x`, Kind: "a pattern with a ? wildcard", Backend: "b"}, "a pattern with a ? wildcard"},
		{&backends.Unsupported{Construct: "a join"}, "a join"},
		{&ir.Unsupported{Construct: "parameter p", Kind: "a parameter without a value"}, "a parameter without a value"},
		{&backends.Unmapped{What: "field exe of process/create", Profile: "p"}, "unmapped field"},
		{&backends.Unmapped{What: "events of process/access", Profile: "p"}, "unmapped event"},
		{&sigmamap.Refusal{Pos: diag.Pos{File: "r.yml", Line: 3}, Kind: sigmamap.KindNoCARField, Reason: "anything"}, sigmamap.KindNoCARField},
		{errors.New("no kind at all"), "other"},
	} {
		reworded := fmt.Errorf("in other words (%v): %w", "x", c.err)
		if got := backends.Category(c.err); got != c.want {
			t.Errorf("Category(%v) = %q, want %q", c.err, got, c.want)
		}
		if got := backends.Category(reworded); got != c.want {
			t.Errorf("Category(reworded %v) = %q, want %q", c.err, got, c.want)
		}
	}
}

// Over both corpora and every profile, each entry not translated
// exactly has a category, and categories name kinds, not the values or
// positions of one input: a summary groups like with like.
func TestCategoriesAreKinds(t *testing.T) {
	names, texts := testcorpus.Pages(t)
	snames, sdata := sigmaRules(t)
	results := parser.ReadAll(append(names, snames...), append(texts, sdata...))
	var targets []convert.Target
	for _, b := range all.Backends() {
		for _, p := range b.Profiles() {
			targets = append(targets, convert.Target{Backend: b, Profile: p})
		}
	}
	var as = analyticsOf(results)
	entries, _ := convert.Convert(as, targets, convert.Options{})
	specific := regexp.MustCompile(`"|\.yml|\.md|:\d+:\d+|\\`)
	kinds := map[string]int{}
	notExact := 0
	for _, e := range entries {
		if e.Fidelity == backends.Exact {
			continue
		}
		notExact++
		if e.Category == "" || e.Category == "other" {
			t.Errorf("%s %s: no category for %q", e.ID, e.TargetLabel(), e.Reason)
			continue
		}
		if specific.MatchString(e.Category) {
			t.Errorf("%s %s: category %q names one input's values", e.ID, e.TargetLabel(), e.Category)
		}
		kinds[e.Category]++
	}
	if len(kinds) == 0 || len(kinds) > 80 {
		t.Errorf("%d categories: a summary should group refusals into a few kinds", len(kinds))
	}
	t.Logf("%d entries, %d not exact, in %d categories", len(entries), notExact, len(kinds))
}

// analyticsOf are the analytics read.
func analyticsOf(results []parser.Result) []*analytic.Analytic {
	var as []*analytic.Analytic
	for _, r := range results {
		if r.Analytic != nil {
			as = append(as, r.Analytic)
		}
	}
	return as
}
