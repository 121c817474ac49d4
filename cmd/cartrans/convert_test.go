package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/internal/testcorpus"
)

const example = "../../examples/analytics/CAR-2026-11-901.md"

func TestConvertExample(t *testing.T) {
	out, errs, code := cli(t, "", "convert", "-t", "splunk,eql", example)
	want := `# CAR-2026-11-901 Command Shell Launched by the Service Control Manager — Shell under services.exe
# splunk (sysmon): exact
index=__your_sysmon_index__ EventCode=1 Image="*\\cmd.exe" ParentImage="*\\services.exe"

# CAR-2026-11-901 Command Shell Launched by the Service Control Manager — Shell under services.exe
# eql (endgame): exact
process where subtype.create and process_name == "cmd.exe" and parent_process_name == "services.exe"
`
	if code != 0 || errs != "" || out != want {
		t.Errorf("exit %d, stderr %q, stdout:\n%s", code, errs, out)
	}
}

func TestConvertJSONAndSettings(t *testing.T) {
	out, _, code := cli(t, "", "convert", "-t", "splunk", "--set", "sysmon_index=sysmon", "--format", "json", example)
	var entries []struct {
		ID, Target, Profile, Fidelity string
		Attack                        []string
		Queries                       []struct{ Query string }
	}
	if err := json.Unmarshal([]byte(out), &entries); err != nil || code != 0 {
		t.Fatalf("exit %d, %v\n%s", code, err, out)
	}
	e := entries[0]
	if e.ID != "CAR-2026-11-901" || e.Fidelity != "exact" || len(e.Attack) != 4 || !strings.HasPrefix(e.Queries[0].Query, "index=sysmon ") {
		t.Errorf("%+v", e)
	}
}

func TestConvertExplain(t *testing.T) {
	out, _, _ := cli(t, "", "convert", "-t", "splunk", "--explain", example)
	if !strings.Contains(out, `exe → Image (the base name of its path): matches "*\\cmd.exe"`) {
		t.Errorf("explain:\n%s", out)
	}
}

func TestConvertExitStatus(t *testing.T) {
	dir := "../../examples/analytics"
	// The join example, time-bounded, cannot be translated to DNIF: said
	// with its reason, and a failure when --fail-on unsupported asks.
	out, _, code := cli(t, "", "convert", "-t", "dnif", dir)
	if code != 0 || !strings.Contains(out, "CAR-2026-11-903.md:48:13: dnif cannot express a time-bounded join") {
		t.Errorf("exit %d\n%s", code, out)
	}
	if _, _, code := cli(t, "", "convert", "-t", "dnif", "--fail-on", "unsupported", dir); code != 1 {
		t.Errorf("--fail-on unsupported: exit %d", code)
	}
	// A pseudocode with errors is a failure unless --fail-on never.
	broken := filepath.Join(t.TempDir(), "broken.md")
	src, _ := os.ReadFile(example)
	os.WriteFile(broken, []byte(strings.Replace(string(src), "search Process:Create", "search Process:Creat", 1)), 0o644)
	if _, errs, code := cli(t, "", "convert", "-t", "dnif", broken); code != 1 || !strings.Contains(errs, "error") {
		t.Errorf("a pseudocode with errors: exit %d\n%s", code, errs)
	}
	if _, _, code := cli(t, "", "convert", "-t", "dnif", "--fail-on", "never", broken); code != 0 {
		t.Errorf("--fail-on never: exit %d", code)
	}
	// Splunk writes it, approximately: exit 0, unless approximations fail.
	if _, _, code := cli(t, "", "convert", "-t", "splunk", dir); code != 0 {
		t.Errorf("splunk: exit %d", code)
	}
	if _, _, code := cli(t, "", "convert", "-t", "splunk", "--fail-on", "approximate", dir); code != 1 {
		t.Errorf("splunk --fail-on approximate: exit %d", code)
	}
	for _, args := range [][]string{
		{"convert", "-t", "nosuch", example},
		{"convert", "--set", "index", example},
		{"convert", "--set", "sysmon_index=a | delete", example},
		{"convert", "--profile", "all", "--set", "sysmon_index=a b", example},
		{"convert", "-t", "splunk", "--set", "nosuch=1", example},
		{"convert", "--format", "xml", example},
		{"convert", "--fail-on", "sometimes", example},
		{"convert", "-t", "splunk", "--profile", "nosuch", example},
	} {
		if _, errs, code := cli(t, "", args...); code != 2 || errs == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}

func TestConvertProfileFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "mine.yaml")
	profileText := `name: mine
backend: splunk
prefix: index=edr
events:
  process/create:
    selector: [{field: type, values: [proc_start]}]
    fields:
      exe: {field: proc_path, transform: basename}
      parent_exe: {field: parent_path, transform: basename}
`
	if err := os.WriteFile(p, []byte(profileText), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := cli(t, "", "convert", "--profile", p, example)
	if code != 0 || !strings.Contains(out, `index=edr type="proc_start" proc_path="*\\cmd.exe" parent_path="*\\services.exe"`) {
		t.Errorf("exit %d, stderr %q\n%s", code, errs, out)
	}
}

func TestConvertOutAndSavedSearches(t *testing.T) {
	dir := t.TempDir()
	_, errs, code := cli(t, "", "convert", "--out", dir, "../../examples/analytics")
	// The join example is not translated to LogPoint, with its reason:
	// no failure unless --fail-on unsupported.
	if code != 0 || !strings.Contains(errs, "CAR-2026-11-903 logpoint (sysmon): not translated") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	got, err := os.ReadFile(filepath.Join(dir, "eql-endgame", "CAR-2026-11-901.txt"))
	if err != nil || string(got) != "process where subtype.create and process_name == \"cmd.exe\" and parent_process_name == \"services.exe\"\n" {
		t.Errorf("eql file: %q %v", got, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "logpoint-sysmon", "CAR-2026-11-903.txt")); err == nil {
		t.Error("an untranslated analytic has a file")
	}
	out, _, code := cli(t, "", "convert", "-t", "splunk", "--format", "savedsearches", example)
	if code != 0 || !strings.Contains(out, "\n[CAR-2026-11-901 Command Shell Launched by the Service Control Manager - shells (splunk-sysmon)]\nsearch = index=__your_sysmon_index__ EventCode=1 ") ||
		!strings.Contains(out, `action.correlationsearch.annotations = {"mitre_attack": ["T1569", "T1569.002", "T1543", "T1543.003"]}`) {
		t.Errorf("exit %d\n%s", code, out)
	}
}

// readConf reads Splunk's .conf format as Splunk does: a line ending in a
// backslash goes on on the next, a line starting with # is a comment,
// [name] starts a stanza and key = value sets a key in it. A stanza name
// given twice is an error: Splunk would merge the two, and the searches
// of one would be lost.
func readConf(t *testing.T, text string) (names []string, stanzas map[string]map[string]string) {
	t.Helper()
	stanzas = map[string]map[string]string{}
	var cur map[string]string
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		line, n := lines[i], i+1
		for strings.HasSuffix(line, `\`) && i+1 < len(lines) {
			i++
			line = line[:len(line)-1] + "\n" + lines[i]
		}
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
		case strings.HasPrefix(trimmed, "[") && strings.HasSuffix(trimmed, "]"):
			name := trimmed[1 : len(trimmed)-1]
			if _, dup := stanzas[name]; dup {
				t.Errorf("line %d: stanza [%s] again: Splunk merges the two", n, name)
			}
			cur = map[string]string{}
			stanzas[name] = cur
			names = append(names, name)
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || cur == nil {
				t.Errorf("line %d: %q is not key = value in a stanza", n, line)
				continue
			}
			k = strings.TrimSpace(k)
			if _, dup := cur[k]; dup {
				t.Errorf("line %d: key %s again", n, k)
			}
			cur[k] = strings.TrimSpace(v)
		}
	}
	return names, stanzas
}

// TestSavedSearchesWholeCorpus: the savedsearches.conf of MITRE's corpus,
// every profile, read back as Splunk reads it, has a stanza of its own for
// every query convert --format json gives, and nothing else but [default]
// (before, CAR-2019-04-002's three implementations shared one name, and
// Splunk kept one).
func TestSavedSearchesWholeCorpus(t *testing.T) {
	dir := filepath.Join(testcorpus.Dir(t), "analytics")
	js, _, _ := cli(t, "", "convert", "-t", "splunk", "--profile", "all", "--format", "json", dir)
	var entries []struct{ Queries []struct{ Query string } }
	if err := json.Unmarshal([]byte(js), &entries); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, e := range entries {
		for _, q := range e.Queries {
			want = append(want, q.Query)
		}
	}
	conf, errs, _ := cli(t, "", "convert", "-t", "splunk", "--profile", "all", "--format", "savedsearches", dir)
	names, stanzas := readConf(t, conf)
	searches := map[string]int{}
	for _, n := range names {
		if n != "default" {
			searches[stanzas[n]["search"]]++
		}
	}
	for _, q := range want {
		if searches[q] == 0 {
			t.Errorf("no stanza searches %s", q)
		}
		searches[q]--
	}
	if len(names) != len(want)+1 || len(want) < 80 || strings.Contains(errs, "saved search") {
		t.Errorf("%d stanzas for %d queries; stderr %q", len(names), len(want), errs)
	}
	for _, n := range []string{"CAR-2019-04-002 Generic Regsvr32 - regsvr_processes (splunk-sysmon)", "CAR-2019-04-002-2 Generic Regsvr32 - regsvr_processes (splunk-sysmon)",
		"CAR-2019-04-002-3 Generic Regsvr32 - unsigned_modules (splunk-sysmon)", "CAR-2019-04-002 Generic Regsvr32 - regsvr_processes (splunk-cim)"} {
		if stanzas[n] == nil {
			t.Errorf("no stanza [%s]", n)
		}
	}
}

// TestSavedSearchesDeployable: the file is one a Splunk admin deploys: a
// [default] stanza with the time range each run searches, each search's
// schedule and state from flags (savedsearches.conf.spec: enableSched 0,
// no cron_schedule, not disabled by default), no alert action enabled; a
// value that is not of its key's form is a usage error, as are the flags
// with another format, and --format savedsearches without Splunk among
// the targets (it printed nothing and exited 0).
func TestSavedSearchesDeployable(t *testing.T) {
	out, _, code := cli(t, "", "convert", "-t", "splunk", "--format", "savedsearches", example)
	names, stanzas := readConf(t, out)
	if code != 0 || len(names) != 2 || names[0] != "default" || stanzas["default"]["dispatch.earliest_time"] != "-24h" || stanzas["default"]["dispatch.latest_time"] != "now" {
		t.Fatalf("exit %d, stanzas %q\n%s", code, names, out)
	}
	s := stanzas[names[1]]
	if s["enableSched"] != "0" || s["disabled"] != "false" || s["cron_schedule"] != "" {
		t.Errorf("defaults: %v", s)
	}
	for k := range s {
		if strings.HasPrefix(k, "action.") && k != "action.correlationsearch.annotations" {
			t.Errorf("an alert action is set: %s", k)
		}
	}
	out, _, code = cli(t, "", "convert", "-t", "splunk", "--format", "savedsearches", "--earliest", "-7d@d", "--latest", "-1d@d",
		"--cron-schedule", "*/15 * * * *", "--enable-sched", "--disabled", example)
	names, stanzas = readConf(t, out)
	s = stanzas[names[1]]
	if code != 0 || stanzas["default"]["dispatch.earliest_time"] != "-7d@d" || stanzas["default"]["dispatch.latest_time"] != "-1d@d" ||
		s["cron_schedule"] != "*/15 * * * *" || s["enableSched"] != "1" || s["disabled"] != "true" {
		t.Errorf("exit %d\n%s", code, out)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--format", "savedsearches", "--earliest", "-1d\nsearch = index=x"}, "a Splunk time"},
		{[]string{"--format", "savedsearches", "--cron-schedule", "* * *"}, "five fields"},
		{[]string{"--format", "savedsearches", "--cron-schedule", "0 0 * * MON"}, "five fields"},
		{[]string{"--format", "savedsearches", "--enable-sched"}, "--enable-sched needs --cron-schedule"},
		{[]string{"--cron-schedule", "*/5 * * * *"}, "give it with --format savedsearches"},
		{[]string{"-t", "eql", "--format", "savedsearches"}, "no target selected is splunk (eql (endgame)): select it with -t splunk"},
		{[]string{"--profile", "ecs", "--format", "savedsearches"}, "no target selected is splunk (eql (ecs))"},
	} {
		out, errs, code := cli(t, "", append(append([]string{"convert"}, c.args...), example)...)
		if code != 2 || out != "" || !strings.Contains(errs, c.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q, want %q", c.args, code, out, errs, c.want)
		}
	}
}

// TestSavedSearchesSameName: an analytic's second implementation is
// numbered -2 as --out numbers it, so an analytic whose ID is that name
// (CAR-2026-11-904-2 beside two CAR-2026-11-904) would write the same
// stanza; it is an error at its analytic, not a search Splunk silently
// merges into the other.
func TestSavedSearchesSameName(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../../examples/analytics/CAR-2026-11-904.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"a.yaml": string(src), "b.yaml": string(src), "c.yaml": strings.Replace(string(src), "id: CAR-2026-11-904", "id: CAR-2026-11-904-2", 1)} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, errs, code := cli(t, "", "convert", "-t", "splunk", "--format", "savedsearches", dir)
	names, _ := readConf(t, out)
	want := filepath.Join(dir, "c.yaml") + ":13:1: error: CAR-2026-11-904-2 would write the saved search [CAR-2026-11-904-2 Scheduled Task Created from a Command Line - tasks (splunk-sysmon)], which CAR-2026-11-904 (" + filepath.Join(dir, "b.yaml")
	if code != 1 || len(names) != 3 || !strings.Contains(errs, want) {
		t.Errorf("exit %d, stanzas %q, stderr %q", code, names, errs)
	}
}

// TestConvertIndexPerLog: each log a profile reads has its own index
// setting (Security events were searched in the Sysmon index), and one
// may be a list of indexes, searched as alternatives; anything else is
// refused.
func TestConvertIndexPerLog(t *testing.T) {
	login := filepath.Join(testcorpus.Dir(t), "analytics", "CAR-2013-02-008.md") // logins of a host
	out, errs, code := cli(t, "", "convert", "-t", "splunk", "--set", "security_index=wineventlog,main", "--set", "sysmon_index=sysmon", login, example)
	if code != 0 || !strings.Contains(out, "\n(index=wineventlog OR index=main) EventCode=4624 | eval") || !strings.Contains(out, "\nindex=sysmon EventCode=1 ") {
		t.Errorf("exit %d, stderr %q\n%s", code, errs, out)
	}
	out, _, _ = cli(t, "", "convert", "-t", "splunk", login)
	if !strings.Contains(out, "\nindex=__your_windows_security_log_index__ EventCode=4624 ") {
		t.Errorf("default:\n%s", out)
	}
	for _, c := range []struct{ set, want string }{
		{"security_index=a,b|delete", "a setting is one word"},
		{"security_index=a,", "a setting is one word"},
		{"security_index=a, b", "a setting is one word"},
		{"index=x", `no profile selected has the setting "index"`},
	} {
		if _, errs, code := cli(t, "", "convert", "-t", "splunk", "--set", c.set, example); code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("--set %s: exit %d, stderr %q", c.set, code, errs)
		}
	}
	if _, errs, code := cli(t, "", "convert", "-t", "splunk", "--profile", "cim", "--set", "summariesonly=true,false", example); code != 2 || !strings.Contains(errs, "one word") {
		t.Errorf("summariesonly=true,false: exit %d, stderr %q", code, errs)
	}
}

// TestConvertUnknownNames: every unknown name is an error listing the
// valid ones and suggesting the closest; a profile file that does not
// exist is said to be one; a target named twice is converted once.
func TestConvertUnknownNames(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--profile", "ecss"}, `unknown profile "ecss" (profiles: splunk: sysmon, cim; eql: endgame, ecs; dnif: sysmon; logpoint: sysmon, sigma; kql: defender, sentinel; or all, or a profile file); did you mean ecs?`},
		{[]string{"-t", "splunk", "--profile", "sysmom"}, `target splunk has no profile "sysmom" (its profiles: sysmon, cim; or all, or a profile file); did you mean sysmon?`},
		{[]string{"--profile", "sysmom"}, "did you mean sysmon?"},
		{[]string{"--profile", "profiles/mine.yaml"}, "profile file profiles/mine.yaml does not exist"},
		{[]string{"--profile", "mine.yml"}, "profile file mine.yml does not exist"},
		{[]string{"-t", "elastic"}, `unknown target "elastic" (targets: splunk, eql, dnif, logpoint, kql); did you mean -t eql --profile ecs?`},
		{[]string{"-t", "splnk"}, "did you mean splunk?"},
		{[]string{"-t", "splunk", "--set", "indx=x"}, `no profile selected has the setting "indx" (their settings: security_index, sysmon_index, system_index, zeek_index)`},
		{[]string{"--set", "index=x"}, "did you mean security_index or sysmon_index or system_index or zeek_index?"},
		{[]string{"--set", "limt=5"}, "did you mean limit?"},
	} {
		out, errs, code := cli(t, "", append(append([]string{"convert"}, c.args...), example)...)
		if code != 2 || out != "" || !strings.Contains(errs, c.want) {
			t.Errorf("%q: exit %d, stderr %q, want %q", c.args, code, errs, c.want)
		}
	}
	once, _, _ := cli(t, "", "convert", "-t", "splunk", example)
	twice, _, code := cli(t, "", "convert", "-t", "splunk,splunk", example)
	if code != 0 || twice != once {
		t.Errorf("-t splunk,splunk: exit %d\n%s", code, twice)
	}
}

// TestConvertCompletion: the shell completes the values of -t (after
// the targets already given), --profile and --format.
func TestConvertCompletion(t *testing.T) {
	for _, c := range []struct {
		args       []string
		want, lack []string
	}{
		{[]string{"-t", ""}, []string{"all", "splunk", "eql", "dnif", "logpoint"}, nil},
		{[]string{"-t", "splunk,"}, []string{"splunk,eql", "splunk,logpoint"}, []string{"splunk,splunk", "all"}},
		{[]string{"--profile", ""}, []string{"all", "sysmon", "cim", "endgame", "ecs", "sigma"}, nil},
		{[]string{"-t", "eql", "--profile", ""}, []string{"endgame", "ecs"}, []string{"cim", "sigma"}},
		{[]string{"--format", ""}, []string{"text", "json", "savedsearches"}, nil},
	} {
		out, errs, _ := cli(t, "", append([]string{"__complete", "convert"}, c.args...)...)
		lines := strings.Split(out, "\n")
		for _, w := range c.want {
			if !slices.Contains(lines, w) {
				t.Errorf("%q: no %s in\n%s%s", c.args, w, out, errs)
			}
		}
		for _, w := range c.lack {
			if slices.Contains(lines, w) {
				t.Errorf("%q: %s offered\n%s", c.args, w, out)
			}
		}
	}
}

// TestREADMESummary: the README's table of what each target translates
// over MITRE's corpus is the output of the command it names, verbatim.
func TestREADMESummary(t *testing.T) {
	dir := filepath.Join(testcorpus.Dir(t), "analytics")
	out, _, _ := cli(t, "", "convert", "--summary", "--profile", "all", dir)
	readmeShows(t, "convert --summary --profile all ../shared/car/analytics`):\n\n", out)
}

// TestREADMESigmaSummary: the README's tables of what each target
// translates of SigmaHQ's rules are the command's output, up to the
// table of every rule's reasons, which the README leaves out.
func TestREADMESigmaSummary(t *testing.T) {
	dir := filepath.Join(testcorpus.SigmaDir(t), "rules")
	out, _, _ := cli(t, "", "convert", "--summary", "--profile", "all", dir)
	cut := strings.Index(out, "\n| target (profile): reason not translated exactly")
	if cut < 0 {
		t.Fatalf("no reasons table in the summary:\n%s", out)
	}
	readmeShows(t, "(`go run ./cmd/cartrans convert --summary --profile all ../shared/sigma/rules`;\nthe command goes on with the reasons for every rule):\n\n", out[:cut+1])
}

// TestREADMESettings: the README's list of settings is the command's
// output (the Splunk index settings are per log).
func TestREADMESettings(t *testing.T) {
	out, _, _ := cli(t, "", "list", "settings")
	readmeShows(t, "$ go run ./cmd/cartrans list settings\n", out)
}

// readmeShows fails unless the README shows a command's output after the
// text that names the command.
func readmeShows(t *testing.T, intro, out string) {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), intro+out) {
		t.Errorf("README.md does not show this output after %q (update it):\n%s", intro, out)
	}
}

// TestConvertProfileVerbatim: what a profile file puts into queries as it
// is (a Splunk prefix, an EQL category) must be of its kind's closed
// alphabet; anything else is refused when the profile is read, naming the
// file, the key and the value, and no query is written.
func TestConvertProfileVerbatim(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ name, text, want string }{
		{"prefix", "name: mine\nbackend: splunk\nprefix: 'index=main | delete'\nevents:\n  process/create:\n    fields: {exe: Image, parent_exe: ParentImage}\n",
			`mine.yaml: prefix: "index=main | delete": a prefix is search terms name=value`},
		{"event prefix", "name: mine\nbackend: splunk\nevents:\n  process/create:\n    prefix: 'index=x [search index=y]'\n    fields: {exe: Image, parent_exe: ParentImage}\n",
			`mine.yaml: events.process/create.prefix: "index=x [search index=y]"`},
		// Only a setting a prefix names may be a list: another is
		// written into a query as one word.
		{"list setting", "name: mine\nbackend: splunk\nsettings: {idx: 'a,b', other: 'a,b'}\nprefix: index={idx}\nevents:\n  process/create:\n    fields: {exe: Image, parent_exe: ParentImage}\n",
			`mine.yaml: settings.other: "a,b": a setting is one word`},
		{"category", "name: mine\nbackend: eql\nevents:\n  process/create:\n    category: 'any where true or process'\n    fields: {exe: process_name, parent_exe: parent_process_name}\n",
			`mine.yaml: events.process/create.category: "any where true or process": a category is a name`},
		{"selector value", "name: mine\nbackend: splunk\nevents:\n  process/create:\n    selector: [{field: EventCode, values: [\"1\\e[2J\"]}]\n    fields: {exe: Image, parent_exe: ParentImage}\n",
			`mine.yaml: events.process/create.selector[1].values[1]: "1\x1b[2J": it holds the control character U+001B`},
	} {
		p := filepath.Join(dir, "mine.yaml")
		if err := os.WriteFile(p, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		out, errs, code := cli(t, "", "convert", "--profile", p, example)
		if code != 2 || out != "" || !strings.Contains(errs, p+": ") || !strings.Contains(errs, c.want) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q, want %q", c.name, code, out, errs, c.want)
		}
	}
}

// TestProfileAndSchemaBounded: a profile or schema file is read to a
// limit (1 MiB), so one that never ends, /dev/zero, is refused at once,
// naming the limit, instead of filling memory.
func TestProfileAndSchemaBounded(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero here")
	}
	_, errs, code := cli(t, "", "convert", "--profile", "/dev/zero", example)
	if code != 2 || !strings.Contains(errs, "/dev/zero: too large: a profile file is at most 1 MiB") {
		t.Errorf("convert --profile /dev/zero: exit %d, stderr %q", code, errs)
	}
	log := filepath.Join(t.TempDir(), "day.ndjson")
	if err := os.WriteFile(log, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs, code = cli(t, "", "run", example, "--events", log, "--schema", "/dev/zero")
	if code != 2 || !strings.Contains(errs, "/dev/zero: too large: a schema file is at most 1 MiB") {
		t.Errorf("run --schema /dev/zero: exit %d, stderr %q", code, errs)
	}
}
