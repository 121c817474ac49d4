package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cartrans/cartrans/events"
	"github.com/cartrans/cartrans/events/evtx"
	"github.com/cartrans/cartrans/internal/plural"
	"github.com/cartrans/cartrans/internal/safefile"
)

func newEventsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "events",
		Short: "Work with event logs (dump a Windows .evtx file)",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newEventsDumpCmd())
	return cmd
}

func newEventsDumpCmd() *cobra.Command {
	var flat, asXML bool
	cmd := &cobra.Command{
		Use:   "dump FILE.evtx...",
		Short: "Write the records of Windows .evtx files as NDJSON",
		Long: `dump writes every record of Windows .evtx files, in record order, one a
line: by default as JSON in the shape EVTX dump tools (such as evtx_dump)
write, {"Event": {"#attributes": …, "System": …, "EventData": …}},
attributes under "#attributes"; with --flat as the flat fields run sees
(EventID, TimeCreated.SystemTime, Provider.Name, EventData's values by
name, in Windows' value forms) as one JSON object; with --xml as the
event XML Windows renders. Paths are .evtx files (gzip-compressed too:
read from a temporary copy, as is standard input, -), or folders, whose
.evtx files are dumped. A damaged part (the file header, a chunk, a
record) is reported on standard error with its file, chunk and offset,
and counted; the records around it are dumped. Exit status 0 when every
input was read, 1 when one could not be (not EVTX, unreadable).`,
		Example: `  cartrans events dump Security.evtx
  cartrans events dump --flat ../shared/sigma/regression_data/rules/windows/process_creation`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if flat && asXML {
				return usagef("--flat and --xml are two output forms: give one")
			}
			stderr := cmd.ErrOrStderr()
			out := bufio.NewWriterSize(cmd.OutOrStdout(), 1<<16)
			var line []byte
			var records, damaged, files int
			failed := false
			write := func(rec evtx.Record) error {
				if rec.Err != nil {
					damaged++
					fmt.Fprintln(stderr, events.EVTXBad(rec.Err))
					return nil
				}
				records++
				switch {
				case asXML:
					out.Write(rec.XML())
					return out.WriteByte('\n')
				case flat:
					line = flatObject(rec.Fields).AppendJSON(line[:0])
				default:
					line = rec.AppendDumpJSON(line[:0])
				}
				out.Write(line)
				return out.WriteByte('\n')
			}
			dump := func(r io.Reader, name string) error {
				files++
				return dumpEVTX(r, name, write)
			}
			for _, p := range args {
				if p == "-" {
					failed = printErr(stderr, dump(cmd.InOrStdin(), "<stdin>")) || failed
					continue
				}
				st, err := os.Stat(p)
				if err != nil {
					failed = printErr(stderr, fmt.Errorf("%s: %v", p, errors.Unwrap(err))) || failed
					continue
				}
				if !st.IsDir() {
					failed = printErr(stderr, dumpFile(p, dump)) || failed
					continue
				}
				found := 0
				safefile.Walker{
					Want:    isEVTXFile,
					Visit:   func(path string) { found++; failed = printErr(stderr, dumpFile(path, dump)) || failed },
					Skipped: func(path, why string) { fmt.Fprintf(stderr, "%s: skipped: %s\n", path, why) },
					Failed:  func(path string, err error) { failed = printErr(stderr, fmt.Errorf("%s: %v", path, err)) || failed },
				}.Walk(p)
				if found == 0 {
					fmt.Fprintf(stderr, "%s: no .evtx files in the folder\n", p)
					failed = true
				}
			}
			if err := out.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(stderr, "%s from %s", plural.N(records, "record", "records"), plural.N(files, "file", "files"))
			if damaged > 0 {
				fmt.Fprintf(stderr, "; %s skipped (above)", plural.N(damaged, "damaged part", "damaged parts"))
			}
			fmt.Fprintln(stderr)
			if failed {
				return exitError{exitFailed}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&flat, "flat", false, "write the flat fields run sees instead of the dump tools' JSON")
	cmd.Flags().BoolVar(&asXML, "xml", false, "write each event as Windows' event XML")
	return cmd
}

// isEVTXFile picks a folder's .evtx files, gzip-compressed too.
func isEVTXFile(path string) bool {
	return filepath.Ext(strings.TrimSuffix(strings.ToLower(path), ".gz")) == ".evtx"
}

// printErr prints err, if any, and says whether there was one.
func printErr(w io.Writer, err error) bool {
	if err != nil {
		fmt.Fprintln(w, err)
	}
	return err != nil
}

func dumpFile(path string, dump func(io.Reader, string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return dump(f, path)
}

// dumpEVTX hands each record of an EVTX input to write: r is read by
// offset where it is a file, else from a temporary copy (a gzip-compressed
// .evtx, standard input); an input of another format is refused.
func dumpEVTX(r io.Reader, name string, write func(evtx.Record) error) error {
	br, format, closeFn, err := events.Open(r, name, events.Auto)
	if err != nil {
		return err
	}
	defer closeFn()
	if format != events.EVTX {
		return fmt.Errorf("%s: not an EVTX file (no ElfFile signature at its start, nor a chunk at 4096)", name)
	}
	ra, size, closeSrc, err := events.EVTXSource(r, br, name)
	if err != nil {
		return err
	}
	defer closeSrc()
	rd, err := evtx.NewReader(ra, size, name)
	if err != nil {
		return err
	}
	return rd.Records(write)
}

// flatObject is an event's flat fields as a JSON object in document
// order, a later field of a name replacing the earlier one's value (as
// run sees them).
func flatObject(fields []evtx.Field) evtx.Object {
	obj := make(evtx.Object, 0, len(fields))
	at := make(map[string]int, len(fields))
	for _, f := range fields {
		if i, ok := at[f.Name]; ok {
			obj[i].Value = f.Value
			continue
		}
		at[f.Name] = len(obj)
		obj = append(obj, evtx.Member{Name: f.Name, Value: f.Value})
	}
	return obj
}
