package analytictest

// SigmaHQ's regression data: beside each tested rule's id, a folder
// regression_data/rules/<the rule's path>/ holds an info.yml naming the
// rules (rule_metadata[].id) and the tests (regression_tests_info[]: a
// name, a type — evtx, the only one SigmaHQ writes —, the number of
// matches the rule must have, and the path of the .evtx file from the
// repository's root), the .evtx file itself, and its dump as JSON
// (evtx_dump's shape) with the same stem. SigmaHQ's CI runs each rule on
// the .evtx and compares the number of matches (SigmaHQ/sigma,
// .github/workflows/sigma-test.yml and tests/regression_tests_runner.py).
// cartrans runs each rule on both files, each a test of its own, so that
// the EVTX reader and the JSON reader are checked against each other.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends/native"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/events"
	"github.com/cartrans/cartrans/internal/plural"
	"github.com/cartrans/cartrans/internal/safefile"
	"github.com/cartrans/cartrans/sigmair"
)

// Kinds of regression test: the same test on the .evtx file and on its
// JSON dump.
const (
	RegressionEVTX = "regression (evtx)"
	RegressionJSON = "regression (json)"
)

// AtLeastOne is the MatchCount of a test whose info.yml gives none.
const AtLeastOne = -1

// InfoFile is the name of a regression test's description.
const InfoFile = "info.yml"

// MaxInfoSize bounds an info.yml: SigmaHQ's are under 1 KiB.
const MaxInfoSize = 64 << 10

// RegressionTest is one entry of an info.yml's regression_tests_info,
// for one rule of its rule_metadata.
type RegressionTest struct {
	RuleID, RuleTitle string
	Name, Type        string
	// MatchCount is the number of matches the rule must have, or
	// AtLeastOne where info.yml gives none: SigmaHQ's runner checks only
	// that the rule fires (tests/regression_tests_runner.py), so some of
	// its info.yml files leave match_count out.
	MatchCount int
	// EVTX is the event log the entry names, found beside info.yml (its
	// path is from SigmaHQ's root, which the folder given need not be).
	EVTX string
	// Pos is the info.yml and the line of the entry.
	Pos diag.Pos
}

// JSON is the JSON dump of the test's events: EVTX's stem with .json.
func (t RegressionTest) JSON() string {
	return strings.TrimSuffix(t.EVTX, filepath.Ext(t.EVTX)) + ".json"
}

// LoadRegression reads the regression tests under the paths: each a
// folder, walked for info.yml files (hidden folders and symbolic links
// skipped), or an info.yml. A path holding no info.yml is an error: a
// run that checks nothing must not pass for one whose tests pass.
func LoadRegression(paths []string) ([]RegressionTest, diag.List) {
	var tests []RegressionTest
	var diags diag.List
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			diags.Errorf(diag.Pos{File: p}, "%v", err)
			continue
		}
		if !st.IsDir() {
			ts, ds := ReadInfo(p)
			tests, diags = append(tests, ts...), append(diags, ds...)
			continue
		}
		found := 0
		err = filepath.WalkDir(p, func(file string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				diags.Errorf(diag.Pos{File: file}, "%v", err)
				return nil
			case d.IsDir() && file != p && strings.HasPrefix(d.Name(), "."):
				return fs.SkipDir
			case d.Type().IsRegular() && d.Name() == InfoFile:
				found++
				ts, ds := ReadInfo(file)
				tests, diags = append(tests, ts...), append(diags, ds...)
			}
			return nil
		})
		if err != nil {
			diags.Errorf(diag.Pos{File: p}, "%v", err)
		}
		if found == 0 {
			diags.Errorf(diag.Pos{File: p}, "no %s (a Sigma regression test) under %s", InfoFile, p)
		}
	}
	return tests, diags
}

// yamlLine finds the line yaml.v3 names in its errors.
var yamlLine = regexp.MustCompile(`line (\d+): `)

// ReadInfo reads one info.yml: a test for every rule and entry. Anything
// malformed is an error at its line, and the file's tests are not run.
func ReadInfo(file string) ([]RegressionTest, diag.List) {
	var diags diag.List
	errAt := func(line int, format string, args ...any) {
		diags.Errorf(diag.Pos{File: file, Line: line}, InfoFile+": "+format, args...)
	}
	data, err := safefile.ReadFile(file, MaxInfoSize, "a Sigma regression test's "+InfoFile, "SigmaHQ's are under 1 KiB")
	if err != nil {
		// The error names the file, which the position already does.
		diags.Errorf(diag.Pos{File: file}, "%s", strings.TrimPrefix(err.Error(), file+": "))
		return nil, diags
	}
	yamlErr := func(err error) {
		line := 0
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		msg := yamlLine.ReplaceAllString(strings.TrimPrefix(err.Error(), "yaml: "), "")
		errAt(line, "%s", strings.Join(strings.Fields(msg), " "))
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		yamlErr(err)
		return nil, diags
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		errAt(max(doc.Line, 1), "not a mapping with rule_metadata and regression_tests_info")
		return nil, diags
	}
	root := doc.Content[0]
	// seq is the list under key, or nil (said).
	seq := func(key string) []*yaml.Node {
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Value == key {
				v := root.Content[i+1]
				if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
					errAt(v.Line, "%s is not a list of entries", key)
					return nil
				}
				return v.Content
			}
		}
		errAt(root.Line, "no %s", key)
		return nil
	}
	type rule struct{ ID, Title string }
	var rules []rule
	for _, n := range seq("rule_metadata") {
		var r struct {
			ID    string `yaml:"id"`
			Title string `yaml:"title"`
		}
		if err := n.Decode(&r); err != nil {
			yamlErr(err)
			continue
		}
		if r.ID == "" {
			errAt(n.Line, "a rule_metadata entry without an id")
			continue
		}
		rules = append(rules, rule{r.ID, r.Title})
	}
	var tests []RegressionTest
	for _, n := range seq("regression_tests_info") {
		var e struct {
			Name       string `yaml:"name"`
			Type       string `yaml:"type"`
			MatchCount *int   `yaml:"match_count"`
			Path       string `yaml:"path"`
		}
		if err := n.Decode(&e); err != nil {
			yamlErr(err)
			continue
		}
		// The file is looked for beside info.yml, by its name only: a
		// path from SigmaHQ's root (with / or \) never reaches outside
		// the folder given.
		base := path.Base(strings.ReplaceAll(e.Path, `\`, "/"))
		switch {
		case e.MatchCount != nil && *e.MatchCount < 0:
			errAt(n.Line, "test %q: match_count %d is negative", e.Name, *e.MatchCount)
			continue
		case e.Path == "" || base == "." || base == ".." || base == "/":
			errAt(n.Line, "test %q names no events file (path)", e.Name)
			continue
		}
		name := e.Name
		if name == "" {
			name = base
		}
		want := AtLeastOne
		if e.MatchCount != nil {
			want = *e.MatchCount
		}
		for _, r := range rules {
			tests = append(tests, RegressionTest{
				RuleID: r.ID, RuleTitle: r.Title, Name: name, Type: e.Type, MatchCount: want,
				EVTX: filepath.Join(filepath.Dir(file), base), Pos: diag.Pos{File: file, Line: n.Line},
			})
		}
	}
	if len(diags) > 0 {
		return nil, diags
	}
	return tests, nil
}

// RunRegression runs the regression tests of the Sigma rules among the
// analytics, on the .evtx file and on its JSON dump: two results a test.
// A test whose rule is not among the analytics, or cannot be lowered,
// is skipped with the reason.
func RunRegression(analytics []*analytic.Analytic, tests []RegressionTest, opt Options) []Result {
	opt.Sigma = opt.Sigma.WithFilters(analytics)
	byID := map[string]*analytic.Analytic{}
	for _, a := range sigmair.Rules(analytics) {
		if _, ok := byID[a.ID]; !ok {
			byID[a.ID] = a
		}
	}
	type lowered struct {
		progs []native.Program
		why   string
	}
	cache := map[string]lowered{}
	var out []Result
	for _, t := range tests {
		a := byID[t.RuleID]
		var l lowered
		switch {
		case a == nil:
			l.why = "rule " + t.RuleID + " is not among the inputs"
		default:
			var ok bool
			if l, ok = cache[t.RuleID]; !ok {
				l.progs, l.why = sigmaProgram(a, opt.Sigma)
				cache[t.RuleID] = l
			}
		}
		title := t.RuleTitle
		if a != nil {
			title = a.Title
		}
		for _, f := range []struct{ kind, file string }{{RegressionEVTX, t.EVTX}, {RegressionJSON, t.JSON()}} {
			r := Result{ID: t.RuleID, Title: title, Kind: f.kind, Name: t.Name, Pos: t.Pos}
			switch {
			case t.Type != "evtx":
				r.Outcome, r.Reason = Skip, fmt.Sprintf("a regression test of type %q (only evtx is read)", t.Type)
			case l.why != "":
				r.Outcome, r.Reason = Skip, l.why
			default:
				start := time.Now()
				runRegression(&r, l.progs, f.file, t.MatchCount, opt)
				r.Duration = time.Since(start)
			}
			out = append(out, r)
		}
	}
	return out
}

// runRegression runs one rule on one file of a test: it passes when the
// rule matches exactly want events.
func runRegression(r *Result, progs []native.Program, file string, want int, opt Options) {
	count, unsearched, err := runFile(r, progs, file, opt)
	var refused engineError
	switch {
	case errors.As(err, &refused):
		r.Outcome, r.Reason = Skip, err.Error()
	case errors.Is(err, fs.ErrNotExist) && r.Kind == RegressionJSON:
		// The JSON dump is cartrans's addition beside SigmaHQ's .evtx:
		// its absence is no failure of the rule.
		r.Outcome, r.Reason = Skip, "no JSON dump "+filepath.Base(file)+" beside "+InfoFile
	case err != nil:
		r.Outcome, r.Reason = Fail, err.Error()
	case want == AtLeastOne && count == 0:
		r.Outcome, r.Reason = Fail, "0 matches, want at least 1"
	case want != AtLeastOne && count != want:
		r.Outcome, r.Reason = Fail, fmt.Sprintf("%s, want %d", plural.N(count, "match", "matches"), want)
	default:
		r.Outcome = Pass
		return
	}
	if r.Outcome == Fail && count < max(want, 1) && unsearched != "" {
		r.Reason += ": " + unsearched
	}
}

// runFile runs the programs on an event file, counting the matches into
// r and the events that could not be read; unsearched says why its
// events could not match: none of a kind searched
// (native.Counts.Unsearched), or a query that cannot run on their schema
// (the engine's problems, such as a field the schema does not map).
func runFile(r *Result, progs []native.Program, file string, opt Options) (count int, unsearched string, err error) {
	e, err := native.New(progs, native.Options{Schema: opt.Schema}, func(native.Match) { count++ })
	if err != nil {
		return 0, "", engineError{err}
	}
	f, err := os.Open(file)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	counts, err := e.Run(f, file, events.Auto, func(b events.Bad) { r.Bad = append(r.Bad, b) })
	if err != nil {
		return 0, "", err
	}
	e.Close()
	forced := ""
	if opt.Schema != nil {
		forced = opt.Schema.Name
	}
	r.Matches = count
	why := counts.Unsearched(forced)
	if p := e.Problems(); len(p) > 0 {
		why = strings.Join(p, "; ")
	}
	return count, why, nil
}

// engineError is the engine's refusal of the programs: the test cannot
// run, which is a skip, not a failure.
type engineError struct{ error }
