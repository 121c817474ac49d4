package convert

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/cartrans/cartrans/backends"
)

// OutPath is where WriteOut puts an entry's queries, relative to the
// output folder: <target>-<profile>/<ID>.txt, with -2, -3… for an
// analytic's second and further pseudocode implementations. The layout is
// stable, so the folder can be committed as golden files.
func OutPath(e Entry, nth int) string {
	name := e.ID
	if nth > 1 {
		name = fmt.Sprintf("%s-%d", e.ID, nth)
	}
	return filepath.Join(e.Target+"-"+e.Profile, name+".txt")
}

// Files returns the files of a conversion: path → content, one query a
// line. Entries not translated have no file.
func Files(entries []Entry) map[string]string {
	files := map[string]string{}
	nth := map[string]int{}
	for _, e := range entries {
		key := e.Target + "/" + e.Profile + "/" + e.ID
		nth[key]++
		if e.Fidelity == backends.NotDone {
			continue
		}
		var b strings.Builder
		for _, q := range e.Queries {
			b.WriteString(q.Query)
			b.WriteByte('\n')
		}
		files[OutPath(e, nth[key])] = b.String()
	}
	return files
}

// WriteOut writes the files of a conversion under dir.
func WriteOut(dir string, entries []Entry) error {
	for rel, content := range Files(entries) {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

var confUnsafe = regexp.MustCompile(`[\[\]\r\n]`)

// SavedSearches writes Splunk's savedsearches.conf: a stanza per query of
// every Splunk entry translated, with its description and its ATT&CK
// techniques as the annotations Splunk's correlation searches read.
func SavedSearches(w io.Writer, entries []Entry) error {
	for _, e := range entries {
		if e.Target != "splunk" || e.Fidelity == backends.NotDone {
			continue
		}
		for _, q := range e.Queries {
			name := e.ID + " " + e.Title
			if q.Output != "" && len(e.Queries) > 1 {
				name += " - " + q.Output
			}
			name = confUnsafe.ReplaceAllString(name, " ")
			desc := ""
			if e.Unit != nil {
				desc = oneLine(e.Unit.Analytic.Description)
			}
			var attack []string
			for _, id := range e.Techniques {
				attack = append(attack, `"`+id+`"`)
			}
			if _, err := fmt.Fprintf(w, "[%s]\nsearch = %s\ndescription = %s\naction.correlationsearch.annotations = {\"mitre_attack\": [%s]}\n\n",
				name, confValue(q.Query), confValue(desc), strings.Join(attack, ", ")); err != nil {
				return err
			}
		}
	}
	return nil
}

// oneLine collapses a text's whitespace.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

var lineBreaks = strings.NewReplacer("\r", " ", "\n", " ")

// confValue keeps a value on its line: a .conf value continues on the
// next line after a trailing backslash, so line breaks are spaces and a
// final backslash is followed by a space.
func confValue(s string) string {
	s = lineBreaks.Replace(s)
	if strings.HasSuffix(s, `\`) {
		s += " "
	}
	return s
}
