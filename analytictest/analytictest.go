// Package analytictest tests analytics on events, the way `go test` tests
// code: each analytic's true positives (the events of its "True
// Positives" section) and its sample files must make it fire, and its
// benign samples must not. It runs the analytic's pseudocode, or the
// Sigma rule it is, with the native engine. A Sigma rule is also tested
// on SigmaHQ's regression data (sigmaregression.go): the number of
// matches in each test's events must be the number its info.yml states.
//
// Sample files sit next to the analytic's file and are named by its ID:
// <ID>.events.ndjson (or .json, .xml, .evtx, gzip-compressed with .gz) must
// fire, <ID>.benign.ndjson must not.
package analytictest

import (
	"errors"
	"path/filepath"
	"strings"
	"time"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends/native"
	"github.com/cartrans/cartrans/compiler"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/events"
	"github.com/cartrans/cartrans/internal/plural"
	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/sigmair"
)

// Outcome is a test's result.
type Outcome string

const (
	Pass Outcome = "pass"
	Fail Outcome = "fail"
	Skip Outcome = "skip"
)

// Kinds of test.
const (
	TruePositive = "true positive"
	Sample       = "sample"
	Benign       = "benign sample"
)

// Result is one test of one analytic.
type Result struct {
	ID, Title string
	Kind      string // TruePositive, Sample or Benign
	Name      string // the true positive's name, or the sample file
	Outcome   Outcome
	// Reason says why a test failed or was skipped.
	Reason  string
	Matches int
	// Bad lists the sample's events that could not be read.
	Bad      []events.Bad
	Pos      diag.Pos
	Duration time.Duration
}

// Options tune a test run.
type Options struct {
	// Schema forces one schema for every event; nil detects it.
	Schema *native.Schema
	// Params are the values of pseudocode "input" parameters, by name.
	Params map[string]string
	// Sigma tunes the lowering of Sigma rules (the mapping, expand's
	// values); the filter rules among the analytics are added to its
	// Filters.
	Sigma sigmair.Options
}

// Run tests every analytic that has tests: paths[i] is the file
// analytics[i] was read from (for its samples).
func Run(analytics []*analytic.Analytic, paths []string, opt Options) []Result {
	units := compiler.Compile(analytics)
	resolve := convert.Resolver(units)
	byID := map[*analytic.Analytic][]*compiler.Unit{}
	for _, u := range units {
		byID[u.Analytic] = append(byID[u.Analytic], u)
	}
	opt.Sigma = opt.Sigma.WithFilters(analytics)
	var out []Result
	for i, a := range analytics {
		cases := casesOf(a, paths[i])
		if len(cases) == 0 {
			continue
		}
		progs, why := programs(a, byID[a], resolve, opt)
		for _, c := range cases {
			r := Result{ID: a.ID, Title: a.Title, Kind: c.kind, Name: c.name, Pos: c.pos}
			if why != "" {
				r.Outcome, r.Reason = Skip, why
			} else {
				start := time.Now()
				c.run(&r, progs, opt)
				r.Duration = time.Since(start)
			}
			out = append(out, r)
		}
	}
	return out
}

// programs lowers an analytic's pseudocode implementations, or the Sigma
// rule it is; why says why none can run.
func programs(a *analytic.Analytic, units []*compiler.Unit, resolve ir.Resolver, opt Options) ([]native.Program, string) {
	if a.Sigma != nil {
		return sigmaProgram(a, opt.Sigma)
	}
	if len(units) == 0 {
		return nil, "the analytic has no pseudocode"
	}
	var progs []native.Program
	var reasons []string
	for _, u := range units {
		if !u.OK() {
			why := u.Refusal()
			if name := u.Implementation().Name; name != "" {
				why = name + ": " + why
			}
			reasons = append(reasons, why)
			continue
		}
		qs, err := ir.LowerWith(u.Program, u.Info, ir.Options{Resolve: resolve, Params: opt.Params})
		if err != nil {
			reasons = append(reasons, err.Error())
			continue
		}
		progs = append(progs, native.Program{ID: a.ID, Queries: qs})
	}
	if len(progs) == 0 {
		return nil, strings.Join(reasons, "; ")
	}
	return progs, ""
}

// sigmaProgram lowers a Sigma rule; why says why it cannot run (a
// refusal names the construct and the rule's line).
func sigmaProgram(a *analytic.Analytic, opt sigmair.Options) ([]native.Program, string) {
	qs, err := sigmair.LowerAnalytic(a, opt)
	if err != nil {
		return nil, err.Error()
	}
	return []native.Program{{ID: a.ID, Queries: qs}}, ""
}

// testCase is one test to run.
type testCase struct {
	kind, name string
	pos        diag.Pos
	event      map[string]any // a true positive's event
	file       string         // a sample file
}

func casesOf(a *analytic.Analytic, path string) []testCase {
	var out []testCase
	for _, tp := range a.TruePositives {
		c := testCase{kind: TruePositive, name: tp.Name, pos: diag.Pos(tp.Pos), event: tp.Event}
		if c.name == "" {
			c.name = "true positive"
		}
		out = append(out, c)
	}
	if path == "" || a.ID == "" {
		return out
	}
	dir := filepath.Dir(path)
	for _, s := range []struct{ kind, suffix string }{{Sample, ".events."}, {Benign, ".benign."}} {
		files, _ := filepath.Glob(filepath.Join(dir, a.ID+s.suffix+"*"))
		for _, f := range files {
			out = append(out, testCase{kind: s.kind, name: filepath.Base(f), pos: diag.Pos{File: f, Line: 1}, file: f})
		}
	}
	return out
}

func (c testCase) run(r *Result, progs []native.Program, opt Options) {
	count := 0
	unsearched := "" // why a sample's events could not make it fire
	if c.file == "" {
		e, err := native.New(progs, native.Options{Schema: opt.Schema}, func(native.Match) { count++ })
		if err != nil {
			r.Outcome, r.Reason = Skip, err.Error()
			return
		}
		if c.event == nil {
			r.Outcome, r.Reason = Skip, "the true positive names its event's file only"
			return
		}
		ev := events.FromObject(c.event, r.Pos.File, r.Pos.Line)
		if err := e.Event(ev); err != nil {
			r.Outcome, r.Reason = Fail, err.Error()
			return
		}
		if e.Unrecognised > 0 {
			r.Outcome, r.Reason = Fail, "no schema recognises the event (schemas: "+strings.Join(native.SchemaNames(), ", ")+")"
			return
		}
		e.Close()
	} else {
		var err error
		count, unsearched, err = runFile(r, progs, c.file, opt)
		var refused engineError
		switch {
		case errors.As(err, &refused):
			r.Outcome, r.Reason = Skip, err.Error()
			return
		case err != nil:
			r.Outcome, r.Reason = Fail, err.Error()
			return
		}
	}
	r.Matches = count
	switch {
	case c.kind == Benign && count > 0:
		r.Outcome, r.Reason = Fail, "the analytic fired "+plural.N(count, "time", "times")+" on events it must not fire on"
	case c.kind != Benign && count == 0 && unsearched != "":
		r.Outcome, r.Reason = Fail, "the analytic did not fire: "+unsearched
	case c.kind != Benign && count == 0:
		r.Outcome, r.Reason = Fail, "the analytic did not fire"
	default:
		r.Outcome = Pass
	}
}
