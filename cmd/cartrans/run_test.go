package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/cartrans/cartrans/internal/testcorpus"
	"github.com/cartrans/cartrans/parser"
)

// TestRunExamples: the README's main command finds exactly the events the
// sample log was written to hold (examples/events/generate.go).
func TestRunExamples(t *testing.T) {
	out, errs, code := cli(t, "", "run", "--count", "../../examples/analytics", "--events", "../../examples/events")
	want := "CAR-2026-11-901\tshells\t1\nCAR-2026-11-902\treg_add\t1\nCAR-2026-11-902\trun_edits\t1\nCAR-2026-11-903\tconnected\t1\nCAR-2026-11-904\ttasks\t1\n"
	if code != 0 || out != want || !strings.Contains(errs, "read 403 events") {
		t.Errorf("exit %d:\n%s\n%s", code, out, errs)
	}
	out, _, code = cli(t, "", "run", "../../examples/analytics/CAR-2026-11-903.md", "--events", "../../examples/events/sample.ndjson")
	var m struct {
		Analytic string
		Pair     map[string]struct{ Fields map[string]string }
	}
	if code != 0 || json.Unmarshal([]byte(out), &m) != nil || m.Analytic != "CAR-2026-11-903" ||
		m.Pair["left"].Fields["exe"] != "powershell.exe" || m.Pair["right"].Fields["dest_port"] != "80" {
		t.Errorf("join match: exit %d\n%s", code, out)
	}
}

// TestRunBadInput: unreadable events are reported with file and line and
// skipped, the events after them still run; usage mistakes exit 2.
func TestRunBadInput(t *testing.T) {
	dir := t.TempDir()
	hit := `{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\Windows\\System32\\cmd.exe","ParentImage":"C:\\Windows\\System32\\services.exe"}`
	log := filepath.Join(dir, "day.ndjson")
	if err := os.WriteFile(log, []byte("{oops\n"+hit+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := cli(t, "", "run", "--count", example, "--events", log)
	if code != 0 || out != "CAR-2026-11-901\tshells\t1\n" || !strings.Contains(errs, log+":1: invalid JSON") {
		t.Errorf("exit %d:\n%s\n%s", code, out, errs)
	}
	out, errs, code = cli(t, hit+"\n", "run", "--count", example, "--events", "-")
	if code != 0 || out != "CAR-2026-11-901\tshells\t1\n" {
		t.Errorf("stdin: exit %d:\n%s\n%s", code, out, errs)
	}
	for _, args := range [][]string{
		{"run", example},
		{"run", example, "--events", log, "--schema", "nosuch"},
		{"run", example, "--events", log, "--input-format", "csv"},
	} {
		if _, _, code := cli(t, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if _, errs, code := cli(t, "", "run", example, "--events", filepath.Join(dir, "missing.ndjson")); code != 1 || !strings.Contains(errs, "missing.ndjson") {
		t.Errorf("missing file: exit %d %s", code, errs)
	}
}

// TestRunParams: an analytic's input parameter takes its value from
// --param; without one, the analytic is not run and the reason says how.
func TestRunParams(t *testing.T) {
	dir := t.TempDir()
	page, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	code := "input target\nprocesses = search Process:Create\nshells = filter processes where (exe == \"cmd.exe\" and hostname == target)\noutput shells"
	p := strings.Replace(string(page), "processes = search Process:Create\nshells = filter processes where (exe == \"cmd.exe\" and parent_exe == \"services.exe\")\noutput shells", code, 1)
	if p == string(page) {
		t.Fatal("example's pseudocode not found")
	}
	a := filepath.Join(dir, "CAR-2026-11-901.md")
	os.WriteFile(a, []byte(p), 0o644)
	out, _, code2 := cli(t, "", "run", "--count", a, "--param", "target=ws01", "--events", "../../examples/events")
	if code2 != 0 || !strings.Contains(out, "shells\t1") {
		t.Errorf("with --param: exit %d\n%s", code2, out)
	}
	_, errs, code2 := cli(t, "", "run", "--count", a, "--events", "../../examples/events")
	if code2 != 1 || !strings.Contains(errs, "--param target=") {
		t.Errorf("without: exit %d\n%s", code2, errs)
	}
}

// TestRunInputs: run reads what it is named, a symbolic link followed: a
// link to a log, a link to a folder of logs, a FIFO (as <(...) and
// /dev/stdin are), analytics in a folder named by a link. What a folder
// holds that is not read (a link, a FIFO) is said, with why.
func TestRunInputs(t *testing.T) {
	dir := t.TempDir()
	sample, _ := filepath.Abs("../../examples/events/sample.ndjson")
	analytics, _ := filepath.Abs("../../examples/analytics")
	data, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	link := func(target, name string) string {
		p := filepath.Join(dir, name)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fifo := func(name string) string {
		p := filepath.Join(dir, name)
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Skip("no FIFOs here:", err)
		}
		return p
	}
	analyticsLink := link(analytics, "analytics")
	pipe := fifo("pipe")
	go func() {
		// Opening blocks until run opens the other end.
		if f, err := os.OpenFile(pipe, os.O_WRONLY, 0); err == nil {
			f.Write(data)
			f.Close()
		}
	}()
	want := "CAR-2026-11-901\tshells\t1\nCAR-2026-11-902\treg_add\t1\nCAR-2026-11-902\trun_edits\t1\nCAR-2026-11-903\tconnected\t1\nCAR-2026-11-904\ttasks\t1\n"
	for _, events := range []string{link(sample, "day.ndjson"), link(filepath.Dir(sample), "logs"), pipe} {
		out, errs, code := cli(t, "", "run", "--count", analyticsLink, "--events", events)
		if code != 0 || out != want || !strings.Contains(errs, "read 403 events (1 file,") {
			t.Errorf("%s: exit %d:\n%s\n%s", events, code, out, errs)
		}
	}

	// Inside a folder, links and FIFOs are not read, and said so.
	folder := filepath.Join(dir, "folder")
	os.Mkdir(folder, 0o755)
	link(sample, "folder/day.ndjson")
	link(filepath.Dir(sample), "folder/more")
	fifo("folder/live.json")
	link(example, "folder/CAR-2026-11-901.md")
	_, errs, code := cli(t, "", "run", "--count", analyticsLink, "--events", folder)
	for _, w := range []string{
		"read 0 events (0 files",
		folder + "/day.ndjson: skipped: a symbolic link, not followed inside a folder (name it to read it)",
		folder + "/more: skipped: a symbolic link to a folder, not followed inside a folder (name it to read it)",
		folder + "/live.json: skipped: a FIFO, not read inside a folder (name it to read it)",
		folder + ": skipped: no event log files read in the folder",
		"no event log read from " + folder,
	} {
		if code != 1 || !strings.Contains(errs, w) {
			t.Errorf("links in a folder of events: exit %d, no %q in\n%s", code, w, errs)
		}
	}
	_, errs, code = cli(t, "", "run", "--count", folder, "--events", sample)
	if code != 1 || !strings.Contains(errs, folder+"/CAR-2026-11-901.md: warning: skipped: a symbolic link, not followed inside a folder") {
		t.Errorf("links in a folder of analytics: exit %d\n%s", code, errs)
	}
}

// TestRunCutInput: a gzip file cut short is an error naming it and the
// line it stopped at (exit 1), after the events before were run, in
// NDJSON and in a JSON array; blank lines are not counted as events.
func TestRunCutInput(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile("../../examples/events/sample.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	cut := func(name, text string) string {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write([]byte(text))
		w.Flush() // not closed: the stream stops where the text does
		p := filepath.Join(dir, name)
		os.WriteFile(p, b.Bytes(), 0o644)
		return p
	}
	ndjson := cut("day.ndjson.gz", strings.Join(lines[:200], ""))
	_, errs, code := cli(t, "", "run", "--count", "../../examples/analytics", "--events", ndjson)
	if code != 1 || !strings.Contains(errs, "read 200 events") || !strings.Contains(errs, ndjson+":201: gzip stream cut short after ") {
		t.Errorf("ndjson: exit %d\n%s", code, errs)
	}
	array := cut("day.json.gz", "[\n"+strings.Join(lines[:200], ",")+",\n")
	_, errs, code = cli(t, "", "run", "--count", "../../examples/analytics", "--events", array)
	if code != 1 || !strings.Contains(errs, "read 200 events") || !strings.Contains(errs, array+":203: gzip stream cut short after ") {
		t.Errorf("array: exit %d\n%s", code, errs)
	}
	_, errs, code = cli(t, "\n\n"+lines[0]+"\n\n \n", "run", "--count", "../../examples/analytics", "--events", "-")
	if code != 0 || !strings.Contains(errs, "read 1 event (") {
		t.Errorf("blank lines: exit %d\n%s", code, errs)
	}
}

// TestRunJSONLayouts: the sample's events as a JSON array and as a search
// response find what they find as NDJSON; a broken element of an array
// is reported at its line, and the elements after it are still run.
func TestRunJSONLayouts(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile("../../examples/events/sample.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	var hits []string
	for i, l := range lines {
		hits = append(hits, fmt.Sprintf(`{"_id":"%d","_source":%s}`, i, l))
	}
	broken := append(append(append([]string{}, lines[:100]...), "{oops"), lines[100:]...)
	want := "CAR-2026-11-901\tshells\t1\nCAR-2026-11-902\treg_add\t1\nCAR-2026-11-902\trun_edits\t1\nCAR-2026-11-903\tconnected\t1\nCAR-2026-11-904\ttasks\t1\n"
	for _, c := range []struct{ name, text, errs string }{
		{"array.json", "[\n" + strings.Join(lines, ",\n") + "\n]\n", "read 403 events"},
		{"response.json", `{"took":1,"hits":{"total":403,"hits":[` + "\n" + strings.Join(hits, ",\n") + "\n]}}", "read 403 events"},
		{"broken.json", "[\n" + strings.Join(broken, ",\n") + "\n]\n", "1 event could not be read and was skipped:\n  " + filepath.Join(dir, "broken.json") + ":102: invalid JSON: unexpected 'o', expecting a key\n"},
	} {
		p := filepath.Join(dir, c.name)
		os.WriteFile(p, []byte(c.text), 0o644)
		out, errs, code := cli(t, "", "run", "--count", "../../examples/analytics", "--events", p)
		if code != 0 || out != want || !strings.Contains(errs, c.errs) {
			t.Errorf("%s: exit %d\n%s\n%s", c.name, code, out, errs)
		}
	}
}

// TestInputSizeLinks: the size progress is measured against counts what a
// named link leads to, as the run reads it.
func TestInputSizeLinks(t *testing.T) {
	dir := t.TempDir()
	logs := filepath.Join(dir, "logs")
	os.Mkdir(logs, 0o755)
	os.WriteFile(filepath.Join(logs, "a.ndjson"), make([]byte, 1000), 0o644)
	link := filepath.Join(dir, "link")
	if err := os.Symlink(logs, link); err != nil {
		t.Fatal(err)
	}
	if n := inputSize([]string{link}); n != 1000 {
		t.Errorf("input size %d, want 1000", n)
	}
}

// TestRunMordorTruePositive: a CAR true positive as CAR stores its full
// event, HELK's document inside an Elasticsearch hit, is found by run
// without --schema as test finds its snippet. HELK keeps Winlogbeat's
// winlog.event_id and winlog.channel beside its own renamed fields, so
// the winlogbeat layout is present too; the event is read with the
// schema that maps its data (mordor), not the first whose layout it has.
func TestRunMordorTruePositive(t *testing.T) {
	page := filepath.Join(testcorpus.Dir(t), "analytics", "CAR-2019-08-001.md")
	r := parser.ReadFile(page)
	if r.Analytic == nil || len(r.Analytic.TruePositives) == 0 || r.Analytic.TruePositives[0].Event == nil {
		t.Fatalf("no true positive event in %s: %v", page, r.Diags)
	}
	out, _, code := cli(t, "", "test", "-v", page)
	if code != 0 || !strings.Contains(out, `ok   CAR-2019-08-001 true positive "Mordor (sysmon)": 1 match`) {
		t.Fatalf("test: exit %d\n%s", code, out)
	}
	ev := maps.Clone(r.Analytic.TruePositives[0].Event)
	ev["winlog"] = map[string]any{"event_id": 11, "channel": "Microsoft-Windows-Sysmon/Operational", "computer_name": "it001.shire.com", "api": "wineventlog"}
	hit, _ := json.MarshalIndent(map[string]any{"_index": "logs-endpoint-winevent-sysmon", "_id": "1", "_source": ev}, "", "  ")
	full := filepath.Join(t.TempDir(), "CAR-2019-08-001-mordor-01.json")
	if err := os.WriteFile(full, hit, 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, _ := cli(t, "", "run", "--count", filepath.Dir(page), "--events", full)
	var found []string
	for _, l := range strings.Split(out, "\n") {
		if l != "" && !strings.HasSuffix(l, "\t0") {
			found = append(found, l)
		}
	}
	if !slices.Equal(found, []string{"CAR-2019-08-001\tlsass_dump\t1"}) || !strings.Contains(errs, "\n1 match\n") {
		t.Errorf("run found %q\n%s", found, errs)
	}
}

// TestRunUnfitNote: an input none of whose events is of a kind any
// analytic searches under the schema they were read with says so, naming
// the schema, how it was chosen, and the schemas that would search them.
func TestRunUnfitNote(t *testing.T) {
	dir := t.TempDir()
	car := writeFile(t, dir, "car.ndjson", `{"object":"process","action":"create","exe":"cmd.exe","parent_exe":"services.exe"}`+"\n")
	out, errs, code := cli(t, "", "run", "--count", example, "--events", car, "--schema", "sysmon")
	want := car + ": no analytic searches the kind of its 1 event read with schema sysmon (--schema sysmon); read with schema car, some are searched: --schema car forces it\n"
	if code != 0 || out != "CAR-2026-11-901\tshells\t0\n" || !strings.Contains(errs, want) {
		t.Errorf("forced: exit %d\n%s\n%s", code, out, errs)
	}
	// Detected, and found: nothing to say.
	if _, errs, _ := cli(t, "", "run", "--count", example, "--events", car); strings.Contains(errs, "no analytic searches") || !strings.Contains(errs, "\n1 match\n") {
		t.Errorf("detected:\n%s", errs)
	}
	// A network connection, which the analytic (over process creations)
	// does not search under any schema.
	net := writeFile(t, dir, "net.ndjson", `{"EventID":3,"Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\Windows\\System32\\services.exe"}`+"\n"+
		`{"EventID":3,"Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\Windows\\System32\\services.exe"}`+"\n")
	_, errs, _ = cli(t, "", "run", "--count", example, "--events", net)
	if want := net + ": no analytic searches the kinds of its 2 events read with schema sysmon (detected), nor would with any other schema\n"; !strings.Contains(errs, want) {
		t.Errorf("unsearched kind: want %q in\n%s", want, errs)
	}
}

// TestRunBrokenPromises: run's summary says, per kind of event and field,
// how many events lacked a field their schema promises in every event.
func TestRunBrokenPromises(t *testing.T) {
	dir := t.TempDir()
	ev := `{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\Windows\\System32\\cmd.exe","ParentImage":"C:\\Windows\\System32\\services.exe"}`
	withHost := `{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"ws1.corp","Image":"C:\\Windows\\System32\\cmd.exe","ParentImage":"C:\\Windows\\System32\\services.exe"}`
	for _, c := range []struct {
		lines []string
		want  string
	}{
		{[]string{ev, withHost, ev, ev}, "3 events of process/create (schema sysmon) lack fqdn and hostname (Computer), which the schema promises in every event: queries translated with that promise may miss them\n"},
		{[]string{ev, withHost}, "1 event of process/create (schema sysmon) lacks fqdn and hostname (Computer), which"},
	} {
		log := writeFile(t, dir, "day.ndjson", strings.Join(c.lines, "\n")+"\n")
		_, errs, code := cli(t, "", "run", "--count", example, "--events", log)
		if code != 0 || !strings.Contains(errs, c.want) {
			t.Errorf("exit %d, want %q in\n%s", code, c.want, errs)
		}
	}
	log := writeFile(t, dir, "day.ndjson", withHost+"\n")
	if _, errs, _ := cli(t, "", "run", "--count", example, "--events", log); strings.Contains(errs, "promises") {
		t.Errorf("a promise kept is reported:\n%s", errs)
	}
}

// TestRunSummaryNumbers: one is singular: "1 match", "1 event".
func TestRunSummaryNumbers(t *testing.T) {
	log := writeFile(t, t.TempDir(), "day.ndjson", `{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"ws1","Image":"C:\\Windows\\System32\\cmd.exe","ParentImage":"C:\\Windows\\System32\\services.exe"}`+"\n")
	_, errs, code := cli(t, "", "run", example, "--events", log)
	for _, w := range []string{"read 1 event (1 file, ", "  CAR-2026-11-901 shells: 1 match\n", "\n1 match\n"} {
		if code != 0 || !strings.Contains(errs, w) {
			t.Errorf("exit %d, no %q in\n%s", code, w, errs)
		}
	}
}

// TestRunJoinShape: a join's match names its analytic and output once;
// the pair's events carry no empty analytic and output of their own.
func TestRunJoinShape(t *testing.T) {
	out, _, code := cli(t, "", "run", "../../examples/analytics/CAR-2026-11-903.md", "--events", "../../examples/events/sample.ndjson")
	var m map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &m) != nil {
		t.Fatalf("exit %d\n%s", code, out)
	}
	pair, _ := m["pair"].(map[string]any)
	if m["analytic"] != "CAR-2026-11-903" || m["output"] != "connected" || len(pair) != 2 {
		t.Fatalf("match: %s", out)
	}
	for side, v := range pair {
		ev, _ := v.(map[string]any)
		_, a := ev["analytic"]
		_, o := ev["output"]
		if a || o || ev["fields"] == nil || ev["event"] == nil {
			t.Errorf("%s: %v", side, ev)
		}
	}
}

// TestRunTestSchemaNames: a --schema that is neither a schema nor a file
// is a usage mistake that lists the schemas and suggests the nearest;
// the shell completes --schema with the schemas' names.
func TestRunTestSchemaNames(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"run", example, "--events", "../../examples/events", "--schema", "mordr"},
		{"test", example, "--schema", "mordr"},
	} {
		_, errs, code := cli(t, "", args...)
		if code != 2 || !strings.Contains(errs, `no schema "mordr": it is none of the schemas (winlogbeat, mordor, sysmon, car), and no schema file of that name exists; did you mean mordor?`) {
			t.Errorf("%v: exit %d\n%s", args, code, errs)
		}
	}
	if _, errs, code := cli(t, "", "run", example, "--events", "../../examples/events", "--schema", "qqqqqqq"); code != 2 || strings.Contains(errs, "did you mean") {
		t.Errorf("far from every name: exit %d\n%s", code, errs)
	}
	// A file that is no schema says why, with its name.
	bad := writeFile(t, dir, "schema.yaml", "name: x\nbackend: native\n")
	if _, errs, code := cli(t, "", "run", example, "--events", "../../examples/events", "--schema", bad); code != 2 || !strings.Contains(errs, bad+": a schema needs detect") {
		t.Errorf("a bad schema file: exit %d\n%s", code, errs)
	}
	for _, cmd := range []string{"run", "test"} {
		out, _, _ := cli(t, "", "__complete", cmd, "--schema", "")
		if !strings.HasPrefix(out, "winlogbeat\nmordor\nsysmon\ncar\n") {
			t.Errorf("%s --schema completion:\n%s", cmd, out)
		}
	}
}

// TestRunNoEvents: --events naming no event log (an empty folder) fails,
// saying so: a run over nothing is not a run that found nothing; so does
// a run over no analytic.
func TestRunNoEvents(t *testing.T) {
	empty := t.TempDir()
	_, errs, code := cli(t, "", "run", example, "--events", empty)
	if code != 1 || !strings.Contains(errs, "no event log read from "+empty+"\n") {
		t.Errorf("exit %d\n%s", code, errs)
	}
	notLog := writeFile(t, t.TempDir(), "notes.json", "hello\nworld\n")
	_, errs, code = cli(t, "", "run", example, "--events", notLog)
	if code != 1 || !strings.Contains(errs, notLog+":1: invalid JSON") || !strings.Contains(errs, "no event could be read from "+notLog+"\n") {
		t.Errorf("no event readable: exit %d\n%s", code, errs)
	}
	out, errs, code := cli(t, "", "run", empty, "--events", "../../examples/events")
	if code != 1 || out != "" || !strings.Contains(errs, "no analytics found in "+empty) {
		t.Errorf("no analytics: exit %d\n%s%s", code, out, errs)
	}
}

// sigmaRule is a Sigma rule on process creations whose image ends with
// one given by --param (expand).
const sigmaRule = `title: Shell From Services
id: 0d3c1a2b-4e5f-4a6b-8c7d-9e0f1a2b3c4d
level: high
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        Image|endswith|expand: '%shell%'
        ParentImage|endswith: '\services.exe'
    condition: selection
`

// TestRunSigma: run runs Sigma rules beside CAR analytics, each match a
// line with the rule's id; an expand placeholder takes its values from
// --param, and without one the rule is "not run" with the reason; a
// --sigma-map file replaces the embedded mapping.
func TestRunSigma(t *testing.T) {
	dir := t.TempDir()
	rule := writeFile(t, dir, "shell.yml", sigmaRule)
	out, errs, code := cli(t, "", "run", rule, example, "--param", `shell=\cmd.exe`, "--param", `shell=\pwsh.exe`, "--events", "../../examples/events")
	var m struct{ Analytic, Output string }
	lines := strings.Split(strings.TrimSpace(out), "\n")
	ids := map[string]int{}
	for _, l := range lines {
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		ids[m.Analytic+" "+m.Output]++
	}
	if code != 0 || ids["0d3c1a2b-4e5f-4a6b-8c7d-9e0f1a2b3c4d detection"] != 1 || ids["CAR-2026-11-901 shells"] != 1 {
		t.Errorf("exit %d %v\n%s", code, ids, errs)
	}
	out, errs, code = cli(t, "", "run", "--count", rule, example, "--events", "../../examples/events")
	if code != 1 || !strings.Contains(errs, rule+":1:1: 0d3c1a2b-4e5f-4a6b-8c7d-9e0f1a2b3c4d: not run: ") || !strings.Contains(errs, "--param shell=VALUE") ||
		!strings.Contains(out, "CAR-2026-11-901\tshells\t1") {
		t.Errorf("no --param: exit %d\n%s\n%s", code, out, errs)
	}
	// A mapping naming Image otherwise: the rule's field is then unknown.
	m2 := writeFile(t, dir, "map.yaml", "- logsource: {product: windows, category: process_creation}\n  object: process\n  actions: [create]\n  fields:\n    ParentImage: parent_image_path\n")
	_, errs, code = cli(t, "", "run", "--count", rule, "--sigma-map", m2, "--param", `shell=\cmd.exe`, "--events", "../../examples/events")
	if code != 1 || !strings.Contains(errs, "Sigma field Image has no CAR field") || !strings.Contains(errs, m2) {
		t.Errorf("--sigma-map: exit %d\n%s", code, errs)
	}
	for _, args := range [][]string{
		{"run", rule, "--events", "../../examples/events", "--sigma-map", filepath.Join(dir, "none.yaml")},
		{"run", rule, "--events", "../../examples/events", "--param", "shell"},
		{"test", rule, "--sigma-map", rule},
		{"convert", rule, "--param", "=x"},
	} {
		if _, errs, code := cli(t, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", args, code, errs)
		}
	}
}

// TestConvertSigmaFlags: convert takes --param and --sigma-map as run
// does: the placeholder's values are in the query.
func TestConvertSigmaFlags(t *testing.T) {
	rule := writeFile(t, t.TempDir(), "shell.yml", sigmaRule)
	out, _, code := cli(t, "", "convert", "-t", "splunk", rule, "--param", `shell=\cmd.exe`, "--param", `shell=\pwsh.exe`)
	if code != 0 || !strings.Contains(out, `cmd.exe`) || !strings.Contains(out, `pwsh.exe`) {
		t.Errorf("exit %d\n%s", code, out)
	}
	out, _, _ = cli(t, "", "convert", "-t", "splunk", rule)
	if !strings.Contains(out, "unsupported") || !strings.Contains(out, "--param shell=VALUE") {
		t.Errorf("without --param:\n%s", out)
	}
}

// TestRunSigmaFilterOnly: a filter rule is applied to the rules it
// names, not run: given alone, there is nothing to run, and run says so.
func TestRunSigmaFilterOnly(t *testing.T) {
	f := writeFile(t, t.TempDir(), "filter.yml", `title: Not From Admin Hosts
logsource:
    product: windows
    category: process_creation
filter:
    rules:
        - 0d3c1a2b-4e5f-4a6b-8c7d-9e0f1a2b3c4d
    selection:
        ComputerName: admin01
    condition: not selection
`)
	_, errs, code := cli(t, "", "run", f, "--events", "../../examples/events")
	if code != 1 || !strings.Contains(errs, "nothing to run in "+f) {
		t.Errorf("exit %d\n%s", code, errs)
	}
}
