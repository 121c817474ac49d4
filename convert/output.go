package convert

import (
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/safefile"
)

// OutPath is where an entry's queries go, relative to the output folder:
// <target>-<profile>/<ID>.txt, with -2, -3… for an analytic's second and
// further pseudocode implementations. The layout is stable, so the folder
// can be committed as golden files.
//
// The names are data (a YAML analytic's id, a profile file's name), so
// this is the one place an output path is built from them: each is
// checked against safefile's closed alphabet first, and a name that
// fails (a separator, "..", an empty ID) is an error, never a path that
// leads out of the folder or a file named ".txt".
func OutPath(e Entry, nth int) (string, error) {
	folder, err := OutFolder(e.Target, e.Profile)
	if err != nil {
		return "", err
	}
	if err := safefile.CheckName("analytic ID", e.ID); err != nil {
		return "", err
	}
	name := e.ID
	if nth > 1 {
		name = fmt.Sprintf("%s-%d", e.ID, nth)
	}
	return safefile.Join([]string{"output folder", "output file"}, folder, name+".txt")
}

// OutFolder is the folder of a target and profile's files:
// <target>-<profile>, each name checked.
func OutFolder(target, profile string) (string, error) {
	if err := safefile.CheckName("target name", target); err != nil {
		return "", err
	}
	if err := safefile.CheckName("profile name", profile); err != nil {
		return "", err
	}
	return target + "-" + profile, nil
}

// CheckTargets checks the names the targets give output folders, naming
// the profile's file, so that a bad name in a profile file is reported
// once, before anything is converted or written.
func CheckTargets(targets []Target) error {
	for _, t := range targets {
		if _, err := OutFolder(t.Backend.Name(), t.Profile.Name); err != nil {
			if t.Profile.File != "" {
				return fmt.Errorf("%s: %v", t.Profile.File, err)
			}
			return err
		}
	}
	return nil
}

// Output is what a conversion writes under a folder.
type Output struct {
	// Files are the translated entries' files: path → content, a query a
	// line.
	Files map[string]string
	// Paths are the paths of every entry, translated or not, sorted: the
	// only names a conversion of these analytics may write, so the only
	// ones `check --update` may remove.
	Paths []string
}

// Files maps the entries to their files. An entry whose path cannot be
// built (a bad analytic ID, target or profile name), or whose path
// another entry already has, is an error at the analytic's position
// naming the value, and has no file.
func Files(entries []Entry) (Output, diag.List) {
	out := Output{Files: map[string]string{}}
	var diags diag.List
	nth := map[string]int{}
	// path → the entry that has it; compared without case, as the file
	// systems that ignore it would (a folder committed on one is checked
	// out on the other).
	owner := map[string]Entry{}
	reported := map[string]bool{}
	for _, e := range entries {
		key := e.Target + "\x00" + e.Profile + "\x00" + e.ID
		nth[key]++
		pos := analyticPos(e)
		rel, err := OutPath(e, nth[key])
		if err != nil {
			// Once per analytic and name, not once per target.
			msg := fmt.Sprintf("%v; nothing is written for it", err)
			if !reported[pos.String()+msg] {
				reported[pos.String()+msg] = true
				diags.Errorf(pos, "%s", msg)
			}
			continue
		}
		if o, ok := owner[strings.ToLower(rel)]; ok {
			diags.Errorf(pos, "%s would write %s for %s, which %s (%s) writes already; nothing is written for it", e.ID, filepath.ToSlash(rel), e.TargetLabel(), o.ID, analyticPos(o))
			continue
		}
		owner[strings.ToLower(rel)] = e
		out.Paths = append(out.Paths, rel)
		if e.Fidelity == backends.NotDone {
			continue
		}
		var b strings.Builder
		for _, q := range e.Queries {
			b.WriteString(q.Query)
			b.WriteByte('\n')
		}
		out.Files[rel] = b.String()
	}
	sort.Strings(out.Paths)
	return out, diags
}

// analyticPos is where an entry's analytic states its ID (the YAML id
// key, the markdown title), where a bad ID is to be fixed.
func analyticPos(e Entry) diag.Pos {
	if e.Analytic != nil && e.Analytic.Pos.IsValid() {
		return e.Analytic.Pos
	}
	return e.Pos
}

// WriteOut writes the files of a conversion under dir, making it; every
// write goes through safefile.Dir, so none leaves dir, a symlink in it is
// replaced rather than written through, and each file is whole or
// unchanged.
func WriteOut(dir string, out Output) error {
	d, err := safefile.OpenDir(dir, true)
	if err != nil {
		return err
	}
	defer d.Close()
	for _, rel := range slices.Sorted(maps.Keys(out.Files)) {
		content := out.Files[rel]
		// A file that holds it already is not rewritten: a rerun costs
		// reads, not a synced write per file.
		if old, err := d.ReadFile(rel, int64(len(content)), "a query file", ""); err == nil && string(old) == content {
			continue
		}
		if err := d.WriteFile(rel, []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

var confUnsafe = regexp.MustCompile(`[\[\]\r\n]`)

// SavedSearchOptions are the keys of savedsearches.conf.spec that say
// when Splunk runs the searches. Each is checked (Check) before it is
// written, so none can end its line or add a key.
type SavedSearchOptions struct {
	// EarliestTime and LatestTime are dispatch.earliest_time and
	// dispatch.latest_time, the time range each run searches (a relative
	// time such as -24h, or now).
	EarliestTime, LatestTime string
	// CronSchedule is cron_schedule, when the scheduler runs a search; ""
	// writes none (the spec gives it no default).
	CronSchedule string
	// EnableSched is enableSched: run on the schedule (the spec's default
	// is 0).
	EnableSched bool
	// Disabled is disabled: the search cannot run at all.
	Disabled bool
}

var (
	// timeModifierRE is a Splunk time: now, -24h@h, rt-5m, an epoch, or
	// an absolute time in dispatch.time_format (2026-12-01T00:00:00.000+00:00).
	timeModifierRE = regexp.MustCompile(`^[A-Za-z0-9@+\-:.]+$`)
	// cronRE is standard cron notation, five fields; Splunk's takes no
	// names of months or days (savedsearches.conf.spec, cron_schedule).
	cronRE = regexp.MustCompile(`^[0-9*/,\-]+( [0-9*/,\-]+){4}$`)
)

// Check refuses values that are not of their key's form.
func (o SavedSearchOptions) Check() error {
	for _, t := range []struct{ flag, v string }{{"earliest", o.EarliestTime}, {"latest", o.LatestTime}} {
		if !timeModifierRE.MatchString(t.v) {
			return fmt.Errorf("--%s %q: a Splunk time is a relative time such as -24h or -1d@d, now, or an absolute time, of letters, digits and @ + - : .", t.flag, t.v)
		}
	}
	if o.CronSchedule != "" && !cronRE.MatchString(o.CronSchedule) {
		return fmt.Errorf("--cron-schedule %q: a cron schedule is five fields of digits and * / , - separated by one space (*/15 * * * *)", o.CronSchedule)
	}
	if o.EnableSched && o.CronSchedule == "" {
		return fmt.Errorf("--enable-sched needs --cron-schedule: a scheduled search runs on its cron schedule, which has no default")
	}
	return nil
}

// SavedSearches writes Splunk's savedsearches.conf: a [default] stanza
// with the time range every search runs over, then a stanza per query of
// every Splunk entry translated, with its description, its schedule and
// its ATT&CK techniques as the annotations Splunk's correlation searches
// read. No alert action is enabled (action.<name> defaults to false).
//
// Splunk merges stanzas of one name, so each name is unique and stable:
// "<ID> <title> - <output> (<target>-<profile>)", the ID numbered -2, -3…
// for an analytic's further pseudocode implementations as --out numbers
// its files. A name another entry already has (two analytics with one
// ID) is an error at the analytic's position and that stanza is not
// written: a search is never silently merged into another.
func SavedSearches(w io.Writer, entries []Entry, opt SavedSearchOptions) (diag.List, error) {
	var b strings.Builder
	var diags diag.List
	fmt.Fprintf(&b, "# Written by cartrans convert --format savedsearches: a stanza per query.\n[default]\ndispatch.earliest_time = %s\ndispatch.latest_time = %s\n\n",
		opt.EarliestTime, opt.LatestTime)
	nth := map[string]int{}
	owner := map[string]Entry{}
	for _, e := range entries {
		if e.Target != "splunk" {
			continue
		}
		key := e.Target + "\x00" + e.Profile + "\x00" + e.ID
		nth[key]++
		if e.Fidelity == backends.NotDone {
			continue
		}
		id := e.ID
		if nth[key] > 1 {
			id = fmt.Sprintf("%s-%d", e.ID, nth[key])
		}
		desc := ""
		if e.Analytic != nil {
			desc = oneLine(e.Analytic.Description)
		}
		var attack []string
		for _, t := range e.Techniques {
			attack = append(attack, `"`+t+`"`)
		}
		for _, q := range e.Queries {
			name := id + " " + e.Title
			if q.Output != "" {
				name += " - " + q.Output
			}
			name = oneLine(confUnsafe.ReplaceAllString(name+" ("+e.Target+"-"+e.Profile+")", " "))
			if o, ok := owner[name]; ok {
				diags.Errorf(analyticPos(e), "%s would write the saved search [%s], which %s (%s) writes already; it is not written", e.ID, name, o.ID, analyticPos(o))
				continue
			}
			owner[name] = e
			fmt.Fprintf(&b, "[%s]\nsearch = %s\ndescription = %s\n", name, confValue(q.Query), confValue(desc))
			if opt.CronSchedule != "" {
				fmt.Fprintf(&b, "cron_schedule = %s\n", opt.CronSchedule)
			}
			fmt.Fprintf(&b, "enableSched = %d\ndisabled = %t\naction.correlationsearch.annotations = {\"mitre_attack\": [%s]}\n\n",
				boolInt(opt.EnableSched), opt.Disabled, strings.Join(attack, ", "))
		}
	}
	_, err := io.WriteString(w, b.String())
	return diags, err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
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
