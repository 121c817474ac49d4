package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/cartrans/cartrans/backends/all"
	"github.com/cartrans/cartrans/backends/native"
	"github.com/cartrans/cartrans/drift"
	"github.com/cartrans/cartrans/internal/suggest"
	"github.com/spf13/cobra"
)

// lists are what `cartrans list` can name, each with its writer. The names
// are the ones the flags take, so that a user finds them without reading
// the source (as `sigma list` does).
var lists = []struct {
	name, short string
	write       func(w io.Writer)
}{
	{"targets", "query languages convert translates to (-t)", listTargets},
	{"profiles", "each target's profiles (--profile), what they map and their settings", listProfiles},
	{"schemas", "the native engine's event schemas (run/test --schema)", listSchemas},
	{"settings", "each profile's settings (--set name=value) and their defaults", listSettings},
	{"formats", "each command's output and input formats (--format, --input-format)", listFormats},
}

func newListCmd() *cobra.Command {
	var names []string
	var help strings.Builder
	for _, l := range lists {
		names = append(names, l.name)
		fmt.Fprintf(&help, "  %-9s %s\n", l.name, l.short)
	}
	return &cobra.Command{
		Use:   "list " + strings.Join(names, "|"),
		Short: "List targets, profiles, schemas, settings or formats",
		Long: "list names what the flags accept:\n\n" + help.String() + `
The first profile of each target is its default.`,
		Example:   "  cartrans list profiles\n  cartrans list settings",
		Args:      cobra.ExactArgs(1),
		ValidArgs: names,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, l := range lists {
				if l.name == args[0] {
					l.write(cmd.OutOrStdout())
					return nil
				}
			}
			msg := fmt.Sprintf("nothing to list called %q (lists: %s)", args[0], strings.Join(names, ", "))
			if s, ok := suggest.Closest(args[0], names, 3); ok {
				msg += "; did you mean " + s + "?"
			}
			return usagef("%s", msg)
		},
	}
}

// targetsHelp is the help of a -t flag: the registered targets (as the
// registry lists them at the time the command is built), comma-separated,
// or all.
func targetsHelp(prefix string) string {
	return prefix + all.List() + ", comma-separated, or all"
}

// driftLanguages names the languages check --drift reads hand-written
// queries in, as CAR's pages write them: "Splunk, EQL and DNIF".
func driftLanguages() string {
	var ds []string
	for _, name := range drift.Backends() {
		ds = append(ds, all.Display(name))
	}
	if len(ds) < 2 {
		return strings.Join(ds, "")
	}
	return strings.Join(ds[:len(ds)-1], ", ") + " and " + ds[len(ds)-1]
}

func table(w io.Writer, header string, rows [][]string) {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	tw.Flush()
}

func listTargets(w io.Writer) {
	var rows [][]string
	for _, b := range all.Backends() {
		var ps []string
		for _, p := range b.Profiles() {
			ps = append(ps, p.Name)
		}
		rows = append(rows, []string{b.Name(), ps[0], strings.Join(ps, ", ")})
	}
	table(w, "TARGET\tDEFAULT PROFILE\tPROFILES", rows)
}

func listProfiles(w io.Writer) {
	var rows [][]string
	for _, b := range all.Backends() {
		for i, p := range b.Profiles() {
			name := p.Name
			if i == 0 {
				name += " (default)"
			}
			mapped := fmt.Sprintf("%d event types", len(p.Events))
			if len(p.Log) > 0 {
				mapped += fmt.Sprintf(", %d log fields", len(p.Log))
			}
			rows = append(rows, []string{b.Name(), name, mapped, p.Description})
		}
	}
	table(w, "TARGET\tPROFILE\tMAPS\tDESCRIPTION", rows)
}

func listSettings(w io.Writer) {
	var rows [][]string
	for _, b := range all.Backends() {
		for _, p := range b.Profiles() {
			for _, k := range slices.Sorted(maps.Keys(p.Settings)) {
				rows = append(rows, []string{b.Name(), p.Name, k, p.Settings[k]})
			}
		}
	}
	table(w, "TARGET\tPROFILE\tSETTING\tDEFAULT", rows)
}

func listSchemas(w io.Writer) {
	var rows [][]string
	for _, s := range native.Schemas() {
		rows = append(rows, []string{s.Name, strings.Join(s.Detect, ", "), s.Description})
	}
	table(w, "SCHEMA\tDETECTED BY\tDESCRIPTION", rows)
}

// formats are the values of each command's format flags; a test checks
// each against the flag's own help.
var formats = [][]string{
	{"parse", "--format", "json (default), yaml"},
	{"parse", "--stdin-format", "auto (default), markdown, yaml"},
	{"lint", "--format", "text (default), json, sarif"},
	{"convert", "--format", "text (default), json, savedsearches (Splunk)"},
	{"check --drift", "--format", "text (default), json, summary"},
	{"run", "--input-format", "detected (default), ndjson, json, xml"},
}

func listFormats(w io.Writer) {
	table(w, "COMMAND\tFLAG\tFORMATS", formats)
}
