package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends/native"
	"github.com/cartrans/cartrans/compiler"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/events"
	"github.com/cartrans/cartrans/internal/plural"
	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/parser"
	"github.com/cartrans/cartrans/sigma"
	"github.com/cartrans/cartrans/sigmair"
)

func newRunCmd() *cobra.Command {
	var evPaths []string
	var sigmaArgs sigmaFlags
	var schemaArg, formatArg string
	var countOnly, noPrefilter bool
	var maxState int
	cmd := &cobra.Command{
		Use:   "run ANALYTIC... --events PATH...",
		Short: "Run analytics and Sigma rules over event logs with the native engine",
		Long: `run runs the pseudocode of analytics, and Sigma rules, over event logs, all
in one pass over the input, with the meaning the query backends keep: it
is how an analytic is validated before its queries ship. A Sigma rule is
read through the Sigma mapping (--sigma-map FILE replaces the embedded
one); its expand placeholders take their values from --param. A
pseudocode or rule that cannot be run is named with the reason ("not
run"), and the others run.

Events: NDJSON, JSON documents or arrays, Elasticsearch search responses
and exports, Windows event XML, Windows event logs (.evtx) and the JSON
EVTX dump tools write, each possibly gzip-compressed, detected from
content (--input-format forces one); files, directories, or - for
standard input. A path is read as what it names (a symbolic link
followed, a FIFO or <(...) read as a stream); in a directory, symbolic
links are not followed and FIFOs not read, and each is said. One event is
at most 16 MiB; a larger one is reported and skipped (arrays and search
responses are read an element at a time, whatever their size). A gzip
file cut short or corrupt is an error after the events before it ran.
Each event is mapped to the CAR data model by the schema
whose layout it has (sysmon: flat Windows fields; winlogbeat; mordor:
HELK's names; car: CAR's own), the one that maps the most of its fields
when it has the layout of several, or by --schema NAME|FILE. An input
none of whose events any analytic searches under that schema is named in
the summary, with the schemas that would search them. An event that
cannot be read is reported with its file and line and skipped.

Matches go to standard output as NDJSON: analytic, output, the event's
CAR fields and the event itself (a join: the pair; a group: its row).
--count prints counts only. On a terminal, a large input shows its
progress. A summary goes to standard error, with the events that lack a
field their schema promises in every event. Exit status 0 when the run
completed, 1 when an analytic or input could not be used, or when the
paths held no analytic, no event log or no readable event.`,
		Example: `  cartrans run examples/analytics --events examples/events
  cartrans run --count ../shared/car/analytics --events day.ndjson.gz`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(evPaths) == 0 {
				return usagef("give the events to run over with --events PATH")
			}
			format := events.Format(formatArg)
			if format != events.Auto && !slices.Contains(events.Formats, format) {
				return usagef("--input-format must be ndjson, json or xml, not %q", formatArg)
			}
			opt := native.Options{MaxState: maxState, NoPrefilter: noPrefilter}
			s, err := findSchema(schemaArg)
			if err != nil {
				return err
			}
			opt.Schema = s
			sigmaOpt, params, err := sigmaArgs.options()
			if err != nil {
				return err
			}
			stderr := cmd.ErrOrStderr()
			progs, rules, failed := runPrograms(args, cmd.InOrStdin(), stderr, params, sigmaOpt)
			if len(progs) == 0 {
				if !failed {
					// Analytics without pseudocode, or only filter
					// rules: nothing said why yet.
					fmt.Fprintf(stderr, "nothing to run in %s: no pseudocode and no Sigma detection rule\n", strings.Join(args, ", "))
				}
				return exitError{exitFailed}
			}
			out := bufio.NewWriterSize(cmd.OutOrStdout(), 1<<16)
			enc := json.NewEncoder(out)
			enc.SetEscapeHTML(false)
			counts := map[string]int{}
			var writeErr error
			e, err := native.New(progs, opt, func(m native.Match) {
				counts[m.Analytic+" "+m.Output]++
				if !countOnly && writeErr == nil {
					if a := rules[m.Analytic]; a != nil {
						writeErr = enc.Encode(sigmaMatch{Match: m, Title: a.Title, Level: a.Sigma.Level, Status: a.Sigma.Status})
					} else {
						writeErr = enc.Encode(m)
					}
				}
			})
			if err != nil {
				fmt.Fprintln(stderr, err)
				return exitError{exitFailed}
			}
			var bad []events.Bad
			var in native.Counts
			files := 0
			start := time.Now()
			prog := newProgress(stderr, inputSize(evPaths))
			var skipped, unfit []string
			errs := events.Walk(evPaths, cmd.InOrStdin(), func(r io.Reader, name string) error {
				files++
				c, err := e.Run(prog.reader(r), name, format, func(b events.Bad) { bad = append(bad, b) })
				in.Bytes += c.Bytes
				in.Events += c.Events
				if note := c.Unsearched(schemaArg); note != "" {
					unfit = append(unfit, name+": "+note)
				}
				return err
			}, func(path, why string) { skipped = append(skipped, path+": skipped: "+why) })
			e.Close()
			prog.finish()
			elapsed := time.Since(start)
			if countOnly {
				writeCounts(out, progs, counts)
			}
			if err := out.Flush(); err != nil {
				return err
			}
			if writeErr != nil {
				return writeErr
			}
			writeRunSummary(stderr, in, files, e, bad, counts, elapsed)
			for _, s := range slices.Concat(unfit, skipped) {
				fmt.Fprintln(stderr, s)
			}
			for _, err := range errs {
				fmt.Fprintln(stderr, err)
			}
			// A run over nothing would pass for a run that found nothing:
			// every path a folder without an event log, or logs none of
			// whose events could be read (a file that is no event log).
			unreadable := files > 0 && in.Events == 0 && len(bad) > 0
			switch {
			case files == 0 && len(errs) == 0:
				fmt.Fprintf(stderr, "no event log read from %s\n", strings.Join(evPaths, ", "))
			case unreadable:
				fmt.Fprintf(stderr, "no event could be read from %s\n", strings.Join(evPaths, ", "))
			}
			if failed || len(errs) > 0 || files == 0 || unreadable {
				return exitError{exitFailed}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&evPaths, "events", nil, "event log files or directories to run over, or - for standard input (repeatable)")
	sigmaArgs.register(f, paramHelpRun)
	f.StringVar(&schemaArg, "schema", "", "read every event with this schema (sysmon, winlogbeat, mordor, car, or a schema file) instead of detecting it")
	completeSchemas(cmd)
	f.StringVar(&formatArg, "input-format", "", "the events' format: ndjson, json or xml (default: detected)")
	f.BoolVar(&countOnly, "count", false, "print the number of matches of each analytic output, not the matches")
	f.IntVar(&maxState, "max-state", native.DefaultMaxState, "the most events and rows joins and groups may keep")
	f.BoolVar(&noPrefilter, "no-prefilter", false, "decode every NDJSON line, also those that hold none of the strings the analytics require (slower; every malformed line is then reported)")
	return cmd
}

// findSchema is --schema's schema (nil for none: detected per event). A
// schema that cannot be had is a usage mistake, as convert's --profile
// is: a name that is no schema and no file (native.UnknownSchemaError
// lists the schemas and suggests the nearest), or a file that is no
// schema.
func findSchema(arg string) (*native.Schema, error) {
	if arg == "" {
		return nil, nil
	}
	s, err := native.FindSchema(arg)
	if err != nil {
		return nil, usagef("--schema: %v", err)
	}
	return s, nil
}

// completeSchemas completes --schema with the embedded schemas' names,
// and files (a schema file is taken too).
func completeSchemas(cmd *cobra.Command) {
	_ = cmd.RegisterFlagCompletionFunc("schema", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return native.SchemaNames(), cobra.ShellCompDirectiveDefault
	})
}

// runPrograms reads and lowers the analytics and Sigma rules; failed
// reports one that could not be (said on w).
func runPrograms(paths []string, stdin io.Reader, w io.Writer, params map[string]string, sigmaOpt sigmair.Options) (progs []native.Program, rules map[string]*analytic.Analytic, failed bool) {
	rules = map[string]*analytic.Analytic{}
	var analytics []*analytic.Analytic
	for _, r := range parser.Load(paths, parser.Options{Stdin: stdin}) {
		for _, d := range r.Diags {
			// Errors, and what is said of a path that is not an analytic
			// (a folder holding none, a link not followed).
			if d.Severity == diag.Error || r.Analytic == nil && d.Severity == diag.Warning {
				fmt.Fprintln(w, d)
				failed = true
			}
		}
		if r.Analytic != nil {
			analytics = append(analytics, r.Analytic)
		}
	}
	units := compiler.Compile(analytics)
	resolve := convert.Resolver(units)
	for _, u := range units {
		if !u.OK() {
			fmt.Fprintf(w, "%s: %s: not run: %s\n", u.Implementation().CodePos, u.Analytic.ID, u.Refusal())
			failed = true
			continue
		}
		qs, err := ir.LowerWith(u.Program, u.Info, ir.Options{Resolve: resolve, Params: params})
		if err != nil {
			fmt.Fprintf(w, "%s: not run: %v\n", u.Analytic.ID, err)
			failed = true
			continue
		}
		for i := range qs {
			if qs[i].Name == "" {
				qs[i].Name = "result"
			}
		}
		progs = append(progs, native.Program{ID: u.Analytic.ID, Queries: qs})
	}
	// Sigma rules, lowered as convert lowers them; the filter rules
	// among the inputs are applied to the rules they name, not run.
	sigmaOpt = sigmaOpt.WithFilters(analytics)
	for _, a := range sigmair.Rules(analytics) {
		if a.Sigma.Kind == sigma.FilterRule.String() && a.Sigma.Errors == 0 {
			continue
		}
		qs, err := sigmair.LowerAnalytic(a, sigmaOpt)
		if err != nil {
			fmt.Fprintf(w, "%s: %s: not run: %v\n", a.Pos, a.ID, err)
			failed = true
			continue
		}
		progs = append(progs, native.Program{ID: a.ID, Queries: qs})
		rules[a.ID] = a
	}
	return progs, rules, failed
}

// sigmaMatch is a match of a Sigma rule as run writes it: the match, and
// the rule's title, level and status, which a reader of the matches
// (an alert queue) sorts by.
type sigmaMatch struct {
	native.Match
	Title  string `json:"title"`
	Level  string `json:"level,omitempty"`
	Status string `json:"status,omitempty"`
}

func writeCounts(w io.Writer, progs []native.Program, counts map[string]int) {
	for _, p := range progs {
		for _, q := range p.Queries {
			fmt.Fprintf(w, "%s\t%s\t%d\n", p.ID, q.Name, counts[p.ID+" "+q.Name])
		}
	}
}

// writeBrokenPromises says which events lacked a field their schema
// promises, one line per schema, kind of event and schema field (the CAR
// fields one field maps, hostname and fqdn from Computer, together).
func writeBrokenPromises(w io.Writer, broken []native.BrokenPromise) {
	type line struct {
		native.BrokenPromise
		fields []string
	}
	var lines []*line
	byName := map[native.Promise]*line{}
	for _, b := range broken {
		k := b.Promise
		k.Field = ""
		l := byName[k]
		if l == nil {
			l = &line{BrokenPromise: b}
			byName[k] = l
			lines = append(lines, l)
		}
		l.fields = append(l.fields, b.Field)
	}
	for _, l := range lines {
		fmt.Fprintf(w, "%s of %s (schema %s) %s %s (%s), which the schema promises in every event: queries translated with that promise may miss them\n",
			plural.N(l.Events, "event", "events"), l.Event, l.Schema, plural.Word(l.Events, "lacks", "lack"), strings.Join(l.fields, " and "), l.Name)
	}
}

// writeRunSummary says what the run read and found.
func writeRunSummary(w io.Writer, in native.Counts, files int, e *native.Engine, bad []events.Bad, counts map[string]int, elapsed time.Duration) {
	secs := max(elapsed.Seconds(), 1e-9)
	fmt.Fprintf(w, "read %s (%s, %.1f MB) in %.3fs: %.0f events/s, %.1f MB/s\n",
		plural.N(in.Events, "event", "events"), plural.N(files, "file", "files"), float64(in.Bytes)/1e6, elapsed.Seconds(), float64(in.Events)/secs, float64(in.Bytes)/1e6/secs)
	unrecognised := e.Unrecognised
	for _, p := range e.Problems() {
		fmt.Fprintln(w, p)
	}
	writeBrokenPromises(w, e.BrokenPromises())
	if unrecognised > 0 {
		fmt.Fprintf(w, "%s no schema recognises %s not run\n", plural.N(unrecognised, "event", "events"), plural.Word(unrecognised, "was", "were"))
	}
	if len(bad) > 0 {
		fmt.Fprintf(w, "%s could not be read and %s skipped:\n", plural.N(len(bad), "event", "events"), plural.Word(len(bad), "was", "were"))
		for i, b := range bad {
			if i == 20 {
				fmt.Fprintf(w, "  … and %d more\n", len(bad)-i)
				break
			}
			fmt.Fprintf(w, "  %s\n", b)
		}
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	total := 0
	for _, k := range keys {
		total += counts[k]
		fmt.Fprintf(w, "  %s: %s\n", k, plural.N(counts[k], "match", "matches"))
	}
	fmt.Fprintln(w, plural.N(total, "match", "matches"))
}
