package parser

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/diag"
)

func TestImplHeading(t *testing.T) {
	for _, c := range []struct {
		in, name, typ, dm string
		ok                bool
	}{
		{"Pseudocode", "", "Pseudocode", "", true},
		{"Logpoint, LogPoint native", "", "Logpoint", "LogPoint native", true},
		{"Psuedocode, CAR", "", "Psuedocode", "CAR", true},
		{"Splunk code (Splunk, Endpoint)", "Splunk code", "Splunk", "Endpoint", true},
		{"Splunk code (Splunk, )", "Splunk code", "Splunk", "", true},
		{"Windows - Splunk (Splunk)", "Windows - Splunk", "Splunk", "", true},
		{"Sigma (renamed paexec) (Sigma)", "Sigma (renamed paexec)", "Sigma", "", true},
		{"Creation of SafeDllSearchMode (Elastic, Win. Eventlog/Sysmon native)", "Creation of SafeDllSearchMode", "Elastic", "Win. Eventlog/Sysmon native", true},
		{"Modification of \"Common Startup\" (Logpoint)", "Modification of \"Common Startup\"", "Logpoint", "", true},
		{"Mordor (sysmon)", "Mordor (sysmon)", "", "", false},
		{"Something else entirely", "Something else entirely", "", "", false},
	} {
		name, typ, dm, ok := implHeading(c.in)
		if name != c.name || typ != c.typ || dm != c.dm || ok != c.ok {
			t.Errorf("implHeading(%q) = %q, %q, %q, %v; want %q, %q, %q, %v", c.in, name, typ, dm, ok, c.name, c.typ, c.dm, c.ok)
		}
	}
}

func TestNormImplType(t *testing.T) {
	for in, want := range map[string]struct {
		t            analytic.ImplType
		exact, known bool
	}{
		"Pseudocode":     {analytic.Pseudocode, true, true},
		"psuedocode":     {analytic.Pseudocode, false, true},
		"Dnif":           {analytic.DNIF, true, true},
		"EQL":            {analytic.EQL, true, true},
		"Logpoint":       {analytic.LogPoint, true, true},
		"Elastic Search": {analytic.Elastic, true, true},
		"splunk":         {analytic.Splunk, true, true},
		"Splnuk":         {analytic.Splunk, false, true},
		"KQL":            {analytic.ImplType("kql"), true, true},
		"YARA-L":         {analytic.Other, false, false},
	} {
		got, exact, known := normImplType(in)
		if got != want.t || exact != want.exact || known != want.known {
			t.Errorf("normImplType(%q) = %v, %v, %v; want %+v", in, got, exact, known, want)
		}
	}
}

const page = `---
title: "CAR-2020-01-001: Test page"
layout: analytic
submission_date: 2020/01/02
update_date: 2021/03/04
information_domain: Host, Network
subtypes: Process
analytic_type: TTP, Situational Awareness
contributors: A, B
applicable_platforms: Windows, Linux
---
<br><br>
First paragraph.

Second paragraph.

#### References
One reference.
Another [reference](https://example.org).

### Output Description

What comes out.

### ATT&CK Detectoins

|Technique|Subtechnique(s)|Tactic(s)|Level of Coverage|
|---|---|---|---|
|[Name One](https://attack.mitre.org/techniques/T1001/)|[Sub A](https://attack.mitre.org/techniques/T1001/002/), [Sub B](https://attack.mitre.org/techniques/T1001/003/)|[Tac](https://attack.mitre.org/tactics/TA0001/)|High|
|[Name Two](https://attack.mitre.org/techniques/T1002/)|N/A|[Tac](https://attack.mitre.org/tactics/TA0001/), [Tac2](https://attack.mitre.org/tactics/TA0002/)|Low|

### D3FEND Techniques

|ID|Name|
|---|---|
|D3-PSA | [Process Spawn Analysis](https://d3fend.mitre.org/technique/d3f:ProcessSpawnAnalysis)|

### Data Model References

|Object|Action|Field|
|---|---|---|
|[process](/data_model/process) | [create](/data_model/process#create) | [exe](/data_model/process#exe) |
|process | create | command_line |

### Implementations

#### Pseudocode

` + "```" + `
p = search Process:Create
  q = filter p where exe == "x.exe"
output q


` + "```" + `

#### Named one (Splunk, Sysmon native)

Describes it.

- with a list

` + "```" + `
index=x EventCode=1
` + "```" + `

#### Two blocks (EQL, EQL native)

` + "```" + `
process where true
` + "```" + `

` + "```" + `
process where false
` + "```" + `

### Unit Tests

#### Test Case 1

**Configurations:** Windows 7, Windows 10

Run it.

` + "```" + `
cmd /c one

cmd /c two
` + "```" + `

### True Positives

#### Mordor (sysmon)

From somewhere.

##### [Full Event](/true_positives/x.json)

##### Event Snippet
` + "```json" + `
{
  "a": 1,
  "b": "c:\\x",
  "n": 12345678901234567890
}
` + "```" + `

#### Broken

##### Event Snippet
` + "```json" + `
{
  "a": 1,
  "b": oops
}
` + "```" + `

### Notes nobody knows

Text.
`

func TestReadMarkdownPage(t *testing.T) {
	a, diags := ReadMarkdown("p.md", []byte(page))
	if a == nil {
		t.Fatalf("not read: %v", diags)
	}
	check := func(what string, got, want any) {
		t.Helper()
		if !equalJSON(got, want) {
			t.Errorf("%s = %#v, want %#v", what, got, want)
		}
	}
	check("id", a.ID, "CAR-2020-01-001")
	check("title", a.Title, "Test page")
	check("pos", a.Pos, diag.Pos{File: "p.md", Line: 2, Col: 8})
	check("dates", []string{a.Submitted.String(), a.Updated.String()}, []string{"2020-01-02", "2021-03-04"})
	check("domain", a.InformationDomain, []string{"Host", "Network"})
	check("types", a.AnalyticTypes, []string{"TTP", "Situational Awareness"})
	check("platforms", a.Platforms, []string{"Windows", "Linux"})
	check("description", a.Description, "First paragraph.\n\nSecond paragraph.")
	check("references", a.References, []string{"One reference.", "Another [reference](https://example.org)."})
	check("output", a.OutputDescription, "What comes out.")
	check("techniques", a.TechniqueIDs(), []string{"T1001", "T1001.002", "T1001.003", "T1002"})
	check("coverage names", []string{a.Coverage[0].Technique.Name, a.Coverage[0].Subtechniques[1].Name, a.Coverage[1].Tactics[1].ID}, []string{"Name One", "Sub B", "TA0002"})
	check("coverage pos", a.Coverage[1].Pos.Line, 30)
	check("d3fend", a.D3FEND[0], analytic.D3FENDMapping{ID: "D3-PSA", Name: "Process Spawn Analysis", IRI: "d3f:ProcessSpawnAnalysis", Pos: diag.Pos{File: "p.md", Line: 36, Col: 1}})
	check("data model", []string{a.DataModelRefs[0].String(), a.DataModelRefs[1].String()}, []string{"process/create/exe", "process/create/command_line"})

	if len(a.Implementations) != 3 {
		t.Fatalf("%d implementations", len(a.Implementations))
	}
	p := a.Implementations[0]
	check("pseudocode", []any{p.Type, p.Name, p.Code}, []any{analytic.Pseudocode, "", "p = search Process:Create\n  q = filter p where exe == \"x.exe\"\noutput q"})
	// Line N of the code is at CodePos.Line+N-1 of the file.
	lines := strings.Split(page, "\n")
	if got := lines[p.CodePos.Line-1+1]; got != "  q = filter p where exe == \"x.exe\"" {
		t.Errorf("CodePos %v points at %q", p.CodePos, got)
	}
	s := a.Implementations[1]
	check("splunk", []any{s.Type, s.TypeAsWritten, s.Name, s.DataModel, s.Description, s.Code}, []any{analytic.Splunk, "Splunk", "Named one", "Sysmon native", "Describes it.\n\n- with a list", "index=x EventCode=1"})

	u := a.UnitTests[0]
	check("unit test", []any{u.Name, u.Configurations, u.Description, u.Commands}, []any{"Test Case 1", []string{"Windows 7", "Windows 10"}, "Run it.", []string{"cmd /c one", "cmd /c two"}})

	tp := a.TruePositives[0]
	check("true positive", []any{tp.Name, tp.Description, tp.FullEvent, tp.Event}, []any{"Mordor (sysmon)", "From somewhere.", "/true_positives/x.json",
		map[string]any{"a": 1, "b": "c:\\x", "n": json.Number("12345678901234567890")}})

	want := []string{
		"p.md:25:1: warning: section heading \"ATT&CK Detectoins\" read as \"att&ck detections\"",
		"p.md:118:1: warning: unknown section \"Notes nobody knows\": its contents are not part of the model",
		"p.md:73:1: error: implementation \"Two blocks\" has a second code block; write each implementation under its own \"####\" heading",
		"p.md:114:9: error: event snippet is not a JSON object: invalid character 'o' looking for beginning of value",
	}
	var got []string
	for _, d := range diags {
		got = append(got, d.String())
	}
	check("diagnostics", got, want)
}
