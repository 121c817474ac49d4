package sigma

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cartrans/cartrans/diag"
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"github.com/cartrans/cartrans/internal/testcorpus"
)

// rule wraps a detection body into a complete rule.
func rule(detection string) string {
	return "title: t\nlogsource:\n    product: windows\ndetection:\n" + detection
}

func errs(l diag.List) []diag.Diagnostic {
	var out []diag.Diagnostic
	for _, d := range l {
		if d.Severity == diag.Error {
			out = append(out, d)
		}
	}
	return out
}

// Every case of the specification's "Escape Character" section, and the
// wildcards of "String Wildcard".
func TestParseString(t *testing.T) {
	lit := func(s string) Segment { return Segment{Kind: Literal, Text: s} }
	star := Segment{Kind: AnyString}
	q := Segment{Kind: AnyChar}
	ph := func(s string) Segment { return Segment{Kind: Placeholder, Text: s} }
	tests := []struct {
		in     string
		expand bool
		want   []Segment
	}{
		{`prog?.exe`, false, []Segment{lit("prog"), q, lit(".exe")}},
		{`antivirus_V*.exe`, false, []Segment{lit("antivirus_V"), star, lit(".exe")}},
		// A plain backslash not followed by a wildcard: single or double.
		{`C:\Windows\System32`, false, []Segment{lit(`C:\Windows\System32`)}},
		{`C:\\Windows`, false, []Segment{lit(`C:\Windows`)}},
		// An escaped wildcard is a plain character.
		{`a\*b`, false, []Segment{lit("a*b")}},
		{`a\?b`, false, []Segment{lit("a?b")}},
		// A backslash before a wildcard, escaped: backslash, then wildcard.
		{`a\\*`, false, []Segment{lit(`a\`), star}},
		{`a\\?`, false, []Segment{lit(`a\`), q}},
		// Three backslashes: backslash and a plain wildcard.
		{`a\\\*`, false, []Segment{lit(`a\*`)}},
		// Three or four backslashes are a double backslash.
		{`a\\\\b`, false, []Segment{lit(`a\\b`)}},
		{`a\\\b`, false, []Segment{lit(`a\\b`)}},
		{`a\\\\*`, false, []Segment{lit(`a\\`), star}},
		// A trailing backslash stays.
		{`a\`, false, []Segment{lit(`a\`)}},
		{`*\cmd.exe`, false, []Segment{star, lit(`\cmd.exe`)}},
		// \W is kept, \* is an escaped star: no backslash before it.
		{`C:\Windows\*`, false, []Segment{lit(`C:\Windows*`)}},
		{`C:\Windows\\*`, false, []Segment{lit(`C:\Windows\`), star}},
		{`**`, false, []Segment{star, star}},
		{``, false, nil},
		// Placeholders only with expand; \% is then a plain percent.
		{`%name%`, false, []Segment{lit("%name%")}},
		{`%name%`, true, []Segment{ph("name")}},
		{`\%plain%name%`, true, []Segment{lit("%plain"), ph("name")}},
		{`x%open`, true, []Segment{lit("x%open")}},
		{`\%`, false, []Segment{lit(`\%`)}},
	}
	for _, tc := range tests {
		got := ParseString(tc.in, tc.expand)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseString(%q, %v) = %v, want %v", tc.in, tc.expand, got, tc.want)
		}
		// Writing the segments back and reading them again round-trips.
		if back := ParseString(SegmentsString(got, tc.expand), tc.expand); !reflect.DeepEqual(back, got) {
			t.Errorf("round trip of %q: %v, want %v", tc.in, back, got)
		}
	}
}

// Each modifier of the appendix, alone and in the combinations the
// specification allows or forbids.
func TestModifiers(t *testing.T) {
	tests := []struct {
		item string // a field item under selection
		code string // the error expected, "" for none
		word string // the message names this
	}{
		{"F|contains: x", "", ""},
		{"F|startswith: x", "", ""},
		{"F|endswith: x", "", ""},
		{"F|contains|all: [a, b]", "", ""},
		{"F|all: [a, b]", "", ""},
		{"F|all: a", "S106", "all"},
		{"F|contains|all: [a]", "S106", "all"},
		{"F|contains|endswith: x", "S104", "endswith"},
		{"F|contains|contains: x", "S110", "contains"},
		{"F|exists: true", "", ""},
		{"F|exists: false", "", ""},
		{"F|exists: 'yes'", "S105", "exists"},
		{"F|exists: [true, false]", "S105", "exists"},
		{"F|exists|contains: true", "S104", "contains"},
		{"F|cased: Abc", "", ""},
		{"F|cased|contains: Abc", "", ""},
		{"F|neq: x", "", ""},
		{"F|neq: 5", "", ""},
		{"F|windash|contains: ' -enc '", "", ""},
		{"F|re: '^a.*b$'", "", ""},
		{"F|re|i: '^a'", "", ""},
		{"F|re|m|s: '^a'", "", ""},
		{"F|re|contains: a", "S104", "contains"},
		{"F|contains|re: a", "S104", "contains"},
		{"F|re|cased: a", "S104", "cased"},
		{"F|re: 5", "S105", "re"},
		{"F|i: a", "S111", "re"},
		{"F|i|re: a", "S111", "re"},
		{"F|base64: abc", "", ""},
		{"F|base64offset|contains: abc", "", ""},
		{"F|base64|contains: abc", "", ""},
		{"F|contains|base64: abc", "S104", "base64"},
		{"F|base64: 'ab*'", "S105", "base64"},
		{"F|base64|base64offset: abc", "S104", "base64offset"},
		{"F|wide|base64offset|contains: cmd", "", ""},
		{"F|utf16le|base64: cmd", "", ""},
		{"F|utf16be|base64: cmd", "", ""},
		{"F|utf16|base64: cmd", "", ""},
		{"F|base64|utf16: cmd", "S104", "utf16"},
		{"F|wide|utf16be: cmd", "S104", "utf16be"},
		{"F|base64|windash: cmd", "S104", "windash"},
		{"F|cidr: 10.0.0.0/8", "", ""},
		{"F|cidr: 'fd00::/8'", "", ""},
		{"F|cidr: [10.0.0.0/8, 192.168.0.0/16]", "", ""},
		{"F|cidr: not-a-network", "S105", "cidr"},
		{"F|cidr: 10.0.0.1/33", "S105", "cidr"},
		{"F|cidr|contains: 10.0.0.0/8", "S104", "contains"},
		{"F|expand: '%Servers%'", "", ""},
		{"F|fieldref: OtherField", "", ""},
		{"F|fieldref|neq: OtherField", "", ""},
		{"F|fieldref|contains: OtherField", "S104", "contains"},
		{"F|fieldref: 5", "S105", "fieldref"},
		{"F|lt: 5", "", ""},
		{"F|lte: 5.5", "", ""},
		{"F|gt: -1", "", ""},
		{"F|gte: 0x10", "", ""},
		{"F|gt: five", "S105", "gt"},
		{"F|gt|lt: 5", "S104", "lt"},
		{"F|gt|neq: 5", "S104", "neq"},
		{"F|gt|contains: 5", "S104", "contains"},
		{"F|minute: 30", "", ""},
		{"F|hour: 23", "", ""},
		{"F|day: 31", "", ""},
		{"F|week: 52", "", ""},
		{"F|month: 12", "", ""},
		{"F|year: 2024", "", ""},
		{"F|hour|gte: 20", "", ""},
		{"F|hour: noon", "S105", "hour"},
		{"F|hour: 1.5", "S105", "hour"},
		{"F|hour|minute: 1", "S104", "minute"},
		{"F|contans: x", "S103", "contans"},
		{"F||contains: x", "S103", "empty"},
		{"F: null", "", ""},
		{"F|contains: null", "S105", "null"},
		{"F: [a, null]", "S102", "null"},
		{"F: ''", "", ""},
		{"F: {a: b}", "S101", "map"},
		{"F: [[a]]", "S101", "list"},
		{"'|all': [a, b]", "", ""},
		{"'|exists': true", "S104", "exists"},
		{"'|cidr': 10.0.0.0/8", "S104", "cidr"},
	}
	for _, tc := range tests {
		src := rule("    selection:\n        " + tc.item + "\n    condition: selection\n")
		_, diags := Parse("m.yml", []byte(src))
		es := errs(diags)
		if tc.code == "" {
			if len(es) > 0 {
				t.Errorf("%s: unexpected %v", tc.item, es)
			}
			continue
		}
		if len(es) != 1 || es[0].Code != tc.code || !strings.Contains(es[0].Message, tc.word) {
			t.Errorf("%s: got %v, want one %s naming %q", tc.item, es, tc.code, tc.word)
			continue
		}
		if es[0].Pos.Line != 6 {
			t.Errorf("%s: error at %v, want line 6", tc.item, es[0].Pos)
		}
	}
}

// The modifiers are kept in order, by canonical name and as written, with
// the position of each, and the values get their segments.
func TestModifierModel(t *testing.T) {
	src := rule("    selection:\n        CommandLine|wide|base64offset|contains:\n            - 'a\\*'\n            - 7\n    condition: selection\n")
	rules, diags := Parse("m.yml", []byte(src))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	item := rules[0].Detection.Searches[0].Groups[0].Items[0]
	if item.Field != "CommandLine" || !item.List || len(item.Values) != 2 {
		t.Fatalf("item %+v", item)
	}
	var got []string
	for _, m := range item.Modifiers {
		got = append(got, fmt.Sprintf("%s/%s@%d", m.Mod, m.Written, m.Pos.Col))
	}
	want := []string{"utf16le/wide@21", "base64offset/base64offset@26", "contains/contains@39"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("modifiers %v, want %v", got, want)
	}
	if v := item.Values[0]; v.Raw != `a\*` || !reflect.DeepEqual(v.Segments, []Segment{{Kind: Literal, Text: "a*"}}) {
		t.Errorf("value 0: %+v", v)
	}
	if v := item.Values[1]; v.Kind != Number || v.Int != 7 || !reflect.DeepEqual(v.Segments, []Segment{{Kind: Literal, Text: "7"}}) {
		t.Errorf("value 1: %+v", v)
	}
}

func TestUnknownModifierSuggestion(t *testing.T) {
	src := rule("    selection:\n        Image|endwith: x.exe\n    condition: selection\n")
	_, diags := Parse("u.yml", []byte(src))
	if len(diags) != 1 {
		t.Fatalf("got %v", diags)
	}
	if got, want := diags[0].String(), `u.yml:6:15: error[S103]: unknown modifier "endwith" (did you mean endswith?)`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// The searches: a map ANDs, a list ORs, plain values are keywords.
func TestSearchShapes(t *testing.T) {
	src := rule(`    sel_map:
        A: 1
        B: [x, y]
    sel_list:
        - A: 1
        - B: 2
    keywords:
        - evil
        - 'svchost.exe -n evil'
    mixed:
        - A: 1
        - loose
    kw_all:
        '|all':
            - one
            - two
    condition: 1 of them
`)
	rules, diags := Parse("s.yml", []byte(src))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	d := rules[0].Detection
	shape := func(s *Search) string {
		var parts []string
		for _, g := range s.Groups {
			var items []string
			for _, it := range g.Items {
				var vs []string
				for _, v := range it.Values {
					vs = append(vs, v.Raw)
				}
				mods := ""
				for _, m := range it.Modifiers {
					mods += "|" + m.Written
				}
				items = append(items, it.Field+mods+"="+strings.Join(vs, ","))
			}
			parts = append(parts, strings.Join(items, " & "))
		}
		return fmt.Sprintf("list=%v %s", s.List, strings.Join(parts, " ; "))
	}
	want := map[string]string{
		"sel_map":  "list=false A=1 & B=x,y",
		"sel_list": "list=true A=1 ; B=2",
		"keywords": "list=true =evil,svchost.exe -n evil",
		"mixed":    "list=true A=1 ; =loose",
		"kw_all":   "list=false |all=one,two",
	}
	for name, w := range want {
		if got := shape(d.Search(name)); got != w {
			t.Errorf("%s: %s, want %s", name, got, w)
		}
	}
	// Keywords are Sigma strings like any value.
	for _, name := range []string{"keywords", "mixed"} {
		s := d.Search(name)
		g := s.Groups[len(s.Groups)-1]
		if v := g.Items[0].Values[0]; len(v.Segments) != 1 || v.Segments[0].Text != v.Raw {
			t.Errorf("%s: keyword %+v has no segments", name, v)
		}
	}
}

func TestConditions(t *testing.T) {
	names := "    sel1: {A: 1}\n    sel2: {A: 2}\n    filter_a: {A: 3}\n    filter_b: {A: 4}\n    _hidden: {A: 5}\n    keywords: [x]\n"
	tests := []struct{ cond, want string }{
		{"sel1 or sel2 and not filter_a", "(sel1 or (sel2 and not filter_a))"},
		{"not sel1 and sel2", "(not sel1 and sel2)"},
		{"(sel1 or sel2) and not filter_a", "((sel1 or sel2) and not filter_a)"},
		{"sel1 and sel2 and keywords", "(sel1 and sel2 and keywords)"},
		{"not not sel1", "not not sel1"},
		{"1 of sel* and not 1 of filter_*", "(1 of sel* and not 1 of filter_*)"},
		{"all of sel* or keywords", "(all of sel* or keywords)"},
		{"1 of them", "1 of them"},
		{"all of them", "all of them"},
		{"((sel1))", "sel1"},
	}
	for _, tc := range tests {
		src := rule(names + "    condition: " + tc.cond + "\n")
		rules, diags := Parse("c.yml", []byte(src))
		if es := errs(diags); len(es) > 0 {
			t.Errorf("%s: %v", tc.cond, es)
			continue
		}
		if got := CondString(rules[0].Detection.Condition()); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.cond, got, tc.want)
		}
	}
	// The of forms' matches: them, and patterns, which the specification
	// calls the same as them but restricted, leave out identifiers
	// starting with _.
	src := rule(names + "    condition: 1 of them or all of filter_* or 1 of *e* or _hidden\n")
	rules, diags := Parse("c.yml", []byte(src))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	or := rules[0].Detection.Condition().(*Or)
	if got := or.Args[0].(*OfThem).Matches; !reflect.DeepEqual(got, []string{"sel1", "sel2", "filter_a", "filter_b", "keywords"}) {
		t.Errorf("them = %v", got)
	}
	if got := or.Args[1].(*OfPattern).Matches; !reflect.DeepEqual(got, []string{"filter_a", "filter_b"}) {
		t.Errorf("filter_* = %v", got)
	}
	if got := or.Args[2].(*OfPattern).Matches; !reflect.DeepEqual(got, []string{"sel1", "sel2", "filter_a", "filter_b", "keywords"}) {
		t.Errorf("*e* = %v", got)
	}
	_, diags = Parse("c.yml", []byte(rule(names+"    condition: 1 of _hid*\n")))
	if es := errs(diags); len(es) != 1 || es[0].Code != "S202" || !strings.Contains(es[0].Message, "left out") {
		t.Errorf("1 of _hid*: %v", es)
	}
	// The older list form: each condition, ORed.
	src = rule(names + "    condition:\n        - sel1\n        - 1 of filter* and keywords and sel2 and _hidden\n")
	rules, diags = Parse("c.yml", []byte(src))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if got := CondString(rules[0].Detection.Condition()); got != "(sel1 or (1 of filter* and keywords and sel2 and _hidden))" {
		t.Errorf("list form: %s", got)
	}
}

// Condition errors, each at the byte of the file it is about: for plain,
// single- and double-quoted scalars and for a block scalar.
func TestConditionDiagnostics(t *testing.T) {
	names := "    sel1: {A: 1}\n    filter: {A: 2}\n"
	tests := []struct{ cond, want string }{
		{"sel1 and not flter", `c.yml:7:29: error[S201]: "flter" is not a search identifier of the detection (did you mean filter?)`},
		{"'sel1 and not flter'", `c.yml:7:30: error[S201]: "flter" is not a search identifier of the detection (did you mean filter?)`},
		{`"sel1 and not flter"`, `c.yml:7:30: error[S201]: "flter" is not a search identifier of the detection (did you mean filter?)`},
		{"'sel1 and ''x'' or filter'", `c.yml:7:26: error[S200]: unexpected "'" in the condition: identifiers hold letters, digits, non-ASCII characters, '_', '-', '.' and the wildcard '*'`},
		{"|\n        sel1 and\n        not flter", `c.yml:9:13: error[S201]: "flter" is not a search identifier of the detection (did you mean filter?)`},
		{"sel1 and\n        not flter", `c.yml:8:13: error[S201]: "flter" is not a search identifier of the detection (did you mean filter?)`},
		{">-\n        sel1 and\n        not flter", `c.yml:9:13: error[S201]: "flter" is not a search identifier of the detection (did you mean filter?)`},
		{"sel1 AND filter", `c.yml:7:21: error[S200]: unexpected "AND" where and, or or the end of the condition should be`},
		{"sel1 and (filter", `c.yml:7:32: error[S200]: the condition ends where ')' should be`},
		{"sel1 and filter)", `c.yml:7:31: error[S200]: unexpected ")" where and, or or the end of the condition should be`},
		{"1 of sel_x*", `c.yml:7:16: error[S202]: the pattern "sel_x*" matches no search identifier`},
		{"2 of sel*", `c.yml:7:16: error[S205]: "2" of: the specification has only 1 of and all of`},
		{"sel1 | count() > 5", `c.yml:7:21: error[S204]: '|' starts Sigma's obsolete aggregation (count, near), not in specification v2: write a correlation rule`},
		{"sel*", `c.yml:7:16: error[S200]: the pattern "sel*" needs a quantifier: write 1 of sel* or all of sel*`},
		{"sel1 and", `c.yml:7:24: error[S200]: the condition ends where a search identifier, not, '(' or 1/all of should be`},
		{"''", `c.yml:7:16: error[S200]: the condition is empty`},
		{"Sel1 or not", `c.yml:7:27: error[S200]: the condition ends where a search identifier, not, '(' or 1/all of should be`},
	}
	for _, tc := range tests {
		src := rule(names + "    condition: " + tc.cond + "\n")
		_, diags := Parse("c.yml", []byte(src))
		es := errs(diags)
		if len(es) != 1 || es[0].String() != tc.want {
			t.Errorf("%s:\n got  %v\n want %s", tc.cond, es, tc.want)
		}
	}
}

func TestConditionDepth(t *testing.T) {
	for _, tc := range []struct {
		depth int
		ok    bool
	}{{MaxCondDepth, true}, {MaxCondDepth + 1, false}} {
		text := strings.Repeat("(", tc.depth) + "a" + strings.Repeat(")", tc.depth)
		c, diags := ParseCondition("d", text)
		if tc.ok != (c != nil) || tc.ok != (len(diags) == 0) {
			t.Errorf("depth %d: %v %v", tc.depth, c, diags)
		}
		if !tc.ok && (diags[0].Code != "S203" || diags[0].Pos.Col != MaxCondDepth+1) {
			t.Errorf("depth %d: %v", tc.depth, diags)
		}
		text = strings.Repeat("not ", tc.depth) + "a"
		if c, _ := ParseCondition("d", text); tc.ok == (c == nil) {
			t.Errorf("%d nots: %v", tc.depth, c)
		}
	}
}

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		p, n string
		ok   bool
	}{
		{"sel*", "selection", true}, {"sel*", "sel", true}, {"*", "", true}, {"*_a", "x_a", true},
		{"a*b*c", "aXbYc", true}, {"a*b*c", "aXbY", false}, {"sel", "sel1", false}, {"*x*", "abc", false},
		{"s*l*n", "selection", true},
	} {
		if got := Glob(tc.p, tc.n); got != tc.ok {
			t.Errorf("Glob(%q, %q) = %v", tc.p, tc.n, got)
		}
	}
}

// The metadata, with tags mapped to CAR's coverage.
func TestRuleMetadata(t *testing.T) {
	src := `title: Whoami
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
name: whoami_exec
status: test
description: d
license: DRL-1.1
author: A, B
references:
    - https://example.com
date: 2019-10-23
modified: 2024-01-02
related:
    - id: 08fbc97d-0a2f-491c-ae21-8ffcfd3174e9
      type: derived
logsource:
    category: process_creation
    product: windows
    service: sysmon
    definition: 'Requirements: Sysmon'
    custom_key: v
detection:
    selection:
        Image|endswith: '\whoami.exe'
    condition: selection
fields:
    - CommandLine
falsepositives:
    - Admins
level: high
tags:
    - attack.discovery
    - attack.t1033
    - attack.execution
    - attack.t1059.001
    - attack.t1059.003
    - attack.stealth
    - car.2016-03-001
scope:
    - server
`
	rules, diags := Parse("m.yml", []byte(src))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	r := rules[0]
	if r.Title != "Whoami" || r.Name != "whoami_exec" || r.Status != "test" || r.Level != "high" || r.Date != "2019-10-23" ||
		r.Modified != "2024-01-02" || r.Author != "A, B" || r.License != "DRL-1.1" || len(r.References) != 1 {
		t.Errorf("metadata %+v", r)
	}
	if len(r.Related) != 1 || r.Related[0].Type != "derived" || r.Related[0].Pos.Line != 13 {
		t.Errorf("related %+v", r.Related)
	}
	ls := r.LogSource
	if ls.Category != "process_creation" || ls.Product != "windows" || ls.Service != "sysmon" || ls.Definition == "" || ls.Custom["custom_key"] != "v" {
		t.Errorf("logsource %+v", ls)
	}
	if !reflect.DeepEqual(r.Techniques(), []string{"T1033", "T1059.001", "T1059.003"}) {
		t.Errorf("techniques %v", r.Techniques())
	}
	cov := r.Coverage()
	if len(cov) != 2 || cov[0].Technique.ID != "T1033" || cov[1].Technique.ID != "T1059" ||
		len(cov[1].Subtechniques) != 2 || cov[1].Subtechniques[1].ID != "T1059.003" {
		t.Fatalf("coverage %+v", cov)
	}
	var tac []string
	for _, x := range cov[0].Tactics {
		tac = append(tac, x.ID+"/"+x.Name)
	}
	if !reflect.DeepEqual(tac, []string{"TA0007/discovery", "TA0002/execution", "/stealth"}) {
		t.Errorf("tactics %v", tac)
	}
}

func TestMetadataDiagnostics(t *testing.T) {
	tests := []struct{ src, want string }{
		{"title: t\nlogsource: {product: x}\ndetecton:\n    sel: {A: 1}\n    condition: sel\n",
			"m.yml:1:1: error[S011]: the detection has no detection (is detecton a misspelling of detection?)"},
		{rule("    sel: {A: 1}\n    condition: sel\n") + "status: stabel\n",
			"m.yml:7:9: error[S013]: status \"stabel\" is not one the specification defines (did you mean stable?)"},
		{rule("    sel: {A: 1}\n    condition: sel\n") + "level: severe\n",
			"m.yml:7:8: error[S013]: level \"severe\" is not one the specification defines (one of informational, low, medium, high, critical)"},
		{rule("    sel: {A: 1}\n    condition: sel\n") + "date: 2024/01/02\n",
			"m.yml:7:7: error[S014]: date \"2024/01/02\" is not a date written YYYY-MM-DD"},
		{rule("    sel: {A: 1}\n    condition: sel\n") + "related:\n    - id: x\n      type: copied\n",
			"m.yml:9:13: error[S013]: related type \"copied\" is not one the specification defines (one of derived, obsolete, merged, renamed, similar)"},
		{rule("    sel: {A: 1}\n    sel: {A: 2}\n    condition: sel\n"),
			"m.yml:6:5: error[S015]: duplicate key \"sel\": YAML keys must be unique"},
		{rule("    sel: {A: 1}\n"), "m.yml:5:5: error[S011]: the detection has no condition"},
		{rule("    sel: x\n    condition: sel\n"),
			"m.yml:5:10: error[S100]: search identifier \"sel\" must be a map (fields ANDed) or a list (ORed), not a string"},
		{rule("    sel: {A: 1}\n    timeframe: 1h\n    condition: sel\n"),
			"m.yml:6:5: error[S109]: timeframe is Sigma's obsolete aggregation form, not in specification v2: write a correlation rule with a timespan"},
		{"", "m.yml: error[S010]: the file holds no Sigma document"},
		// 257 characters, 514 bytes; 256 would do (the later S010 error
		// stands for "no other error").
		{strings.Replace(rule("    sel: {A: 1}\n    condition: sel\n"), "title: t", "title: "+strings.Repeat("é", 257), 1),
			"m.yml:1:8: error[S018]: the title is 257 characters long: at most 256"},
		{strings.Replace(rule("    sel: {A: 1}\n    condition: sel\n"), "title: t", "title: "+strings.Repeat("é", 256), 1) + "---\n- x\n",
			"m.yml:8:1: error[S010]: a Sigma document must be a map of keys such as title and detection, not a list"},
		{"---\n# nothing\n", "m.yml: error[S010]: the file holds no Sigma document"},
		{"- a\n- b\n", "m.yml:1:1: error[S010]: a Sigma document must be a map of keys such as title and detection, not a list"},
		{"title: [x\n", "m.yml:1: error[S001]: YAML: did not find expected ',' or ']'"},
		{"action: global\ntitle: t\n", "m.yml:1:1: error[S017]: action: global is the obsolete multi-document collection form of Sigma, not in specification v2: write each rule as a complete document"},
	}
	for _, tc := range tests {
		_, diags := Parse("m.yml", []byte(tc.src))
		es := errs(diags)
		if len(es) != 1 || es[0].String() != tc.want {
			t.Errorf("%q:\n got  %v\n want %s", tc.src, es, tc.want)
		}
	}
}

// Columns count bytes, as diag.Pos says, where yaml.v3 counts characters.
func TestColumnsCountBytes(t *testing.T) {
	src := rule("    sél: {É|contans: x}\n    condition: sél\n")
	_, diags := Parse("b.yml", []byte(src))
	if len(diags) != 1 || diags[0].Pos.Col != 15 {
		t.Fatalf("got %v, want col 15 (bytes; yaml.v3 says 13, in characters)", diags)
	}
}

// Several documents: a correlation with the rules it correlates, as the
// correlation specification's example writes them.
func TestCorrelation(t *testing.T) {
	src := `title: Failed then success
correlation:
    type: temporal_ordered
    rules:
        - multiple_failed_login
        - successful_login
    group-by:
        - User
    timespan: 10m
generate: true
level: high
---
title: Multiple failed logons
name: multiple_failed_login
correlation:
    type: value_count
    rules:
        - failed_login
    group-by:
        - User
    timespan: 1d
    condition:
        field: TargetUserName
        gt: 100
        lte: 200
    aliases:
        user:
            failed_login: TargetUserName
---
title: Single failed login
name: failed_login
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID: [529, 4625]
    condition: selection
---
`
	rules, diags := Parse("c.yml", []byte(src))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if len(rules) != 3 || rules[0].Kind != CorrelationRule || rules[2].Kind != DetectionRule {
		t.Fatalf("rules %v", rules)
	}
	c := rules[0].Correlation
	if c.Type != "temporal_ordered" || len(c.Rules) != 2 || c.Rules[1].Ref != "successful_login" || c.Duration != 10*time.Minute || !c.Generate {
		t.Errorf("correlation %+v", c)
	}
	c = rules[1].Correlation
	if c.Type != "value_count" || c.Duration != 24*time.Hour || !reflect.DeepEqual(c.Field, []string{"TargetUserName"}) ||
		len(c.Condition) != 2 || c.Condition[0].Op != "gt" || c.Condition[0].Value.Int != 100 || c.Condition[1].Op != "lte" ||
		len(c.Aliases) != 1 || c.Aliases[0].Fields[0].Field != "TargetUserName" {
		t.Errorf("correlation %+v", c)
	}
	// generate inside correlation, where pySigma reads it: read, with a
	// warning saying where the specification puts it.
	inner := "title: x\ncorrelation:\n    type: temporal\n    rules: [a, b]\n    group-by: [u]\n    timespan: 1h\n    generate: true\n"
	rs, ds := Parse("g.yml", []byte(inner))
	if len(ds) != 1 || ds[0].Severity != diag.Warning || ds[0].Code != "S300" || ds[0].Pos.Line != 7 || !rs[0].Correlation.Generate {
		t.Errorf("generate inside correlation: %v", ds)
	}
	if rules[1].Pos.Line != 13 {
		t.Errorf("second document at %v, want line 13", rules[1].Pos)
	}

	bad := []struct{ src, want string }{
		{"title: x\ncorrelation:\n    type: event_cnt\n    rules: [a]\n    group-by: [u]\n    timespan: 1h\n    condition: {gte: 1}\n",
			`x.yml:3:11: error[S013]: correlation type "event_cnt" is not one the specification defines (did you mean event_count?)`},
		{"title: x\ncorrelation:\n    type: event_count\n    rules: [a]\n    group-by: [u]\n    timespan: 1w\n    condition: {gte: 1}\n",
			`x.yml:6:15: error[S301]: timespan "1w" is not a number and a unit s, m, h or d, such as 90m`},
		{"title: x\ncorrelation:\n    type: event_count\n    rules: [a]\n    group-by: [u]\n    timespan: 1h\n",
			`x.yml:3:5: error[S011]: a event_count correlation needs a condition`},
		{"title: x\ncorrelation:\n    type: value_count\n    rules: [a]\n    group-by: [u]\n    timespan: 1h\n    condition: {gte: 1}\n",
			`x.yml:3:5: error[S011]: a value_count correlation needs a field in its condition`},
		{"title: x\ncorrelation:\n    type: event_count\n    rules: [a]\n    group-by: [u]\n    timespan: 1h\n    condition: {more: 1}\n",
			`x.yml:7:17: error[S302]: "more" is not a correlation comparison: gt, gte, lt, lte, eq or neq`},
		{"title: x\ncorrelation:\n    type: event_count\n    rules: [a]\n    group-by: [u]\n    timespan: 1h\n    condition: {gte: many}\n",
			`x.yml:7:22: error[S302]: gte takes a number, not a string`},
		{"title: x\ncorrelation:\n    type: temporal\n    rules: [a]\n    timespan: 1h\n",
			`x.yml:3:5: error[S011]: the correlation has no group-by`},
		{"title: x\ncorrelation:\n    type: temporal\n    rules: [a]\n    group-by: [ip]\n    timespan: 1h\n    aliases:\n        ip:\n            b: src\n",
			`x.yml:9:13: error[S303]: alias ip names rule "b", which the correlation does not correlate`},
	}
	for _, tc := range bad {
		_, diags := Parse("x.yml", []byte(tc.src))
		es := errs(diags)
		if len(es) != 1 || es[0].String() != tc.want {
			t.Errorf("%q:\n got  %v\n want %s", tc.src, es, tc.want)
		}
	}
}

// The filter specification's example, and a filter without its rules.
func TestFilter(t *testing.T) {
	src := `title: Filter Administrator account
description: The valid administrator account start with adm_
logsource:
    category: process_creation
    product: windows
filter:
    rules:
        - 6f3e2987-db24-4c78-a860-b4f4095a7095 # Data Compressed - rar.exe
        - df0841c0-9846-4e9f-ad8a-7df91571771b # Login on jump host
    selection:
        User|startswith: 'adm_'
    condition: selection
`
	rules, diags := Parse("f.yml", []byte(src))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	f := rules[0].Filter
	if rules[0].Kind != FilterRule || len(f.Rules) != 2 || f.Rules[1].Pos.Line != 9 ||
		f.Detection.Search("selection") == nil || len(f.Detection.Searches) != 1 || CondString(f.Detection.Condition()) != "selection" {
		t.Errorf("filter %+v", f)
	}
	_, diags = Parse("f.yml", []byte(strings.Replace(src, "    rules:\n        - 6f3e2987-db24-4c78-a860-b4f4095a7095 # Data Compressed - rar.exe\n        - df0841c0-9846-4e9f-ad8a-7df91571771b # Login on jump host\n", "", 1)))
	if es := errs(diags); len(es) != 1 || es[0].String() != "f.yml:7:5: error[S011]: the filter has no rules" {
		t.Errorf("got %v", es)
	}
}

// An alias bomb is refused at once, not expanded.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [", i, i)
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	b.WriteString("title: t\nlogsource: {product: x}\ndetection:\n    sel:\n        A: *a9\n    condition: sel\n")
	start := time.Now()
	rules, diags := Parse("bomb.yml", []byte(b.String()))
	if len(rules) != 0 || len(diags) != 1 || diags[0].Code != "S003" {
		t.Fatalf("got %v %v", rules, diags)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d) // a guard against a hang, not a timing
	}
	// Aliases within the bound are followed, merge keys included.
	src := "x: &v [a, b]\nm: &m {A: 1}\n" + rule("    sel:\n        <<: *m\n        B: *v\n    condition: sel\n")
	rules, diags = Parse("ok.yml", []byte(src))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	items := rules[0].Detection.Searches[0].Groups[0].Items
	if len(items) != 2 || items[0].Field != "A" || items[1].Field != "B" || len(items[1].Values) != 2 {
		t.Errorf("items %+v", items)
	}
}

func TestReadBounds(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yml")
	if err := os.WriteFile(big, make([]byte, MaxFileSize+1), 0o644); err != nil {
		t.Fatal(err)
	}
	_, diags := Read(big)
	if len(diags) != 1 || diags[0].Code != "S002" || !strings.Contains(diags[0].Message, "4 MiB") {
		t.Errorf("got %v", diags)
	}
	_, diags = Read(filepath.Join(dir, "missing.yml"))
	if len(diags) != 1 || diags[0].Code != "S001" || diags[0].Pos.File == "" {
		t.Errorf("got %v", diags)
	}
}

// IsSigma tells Sigma rules from CAR's YAML analytics and other YAML.
func TestIsSigma(t *testing.T) {
	for src, want := range map[string]bool{
		rule("    sel: {A: 1}\n    condition: sel\n"):               true,
		"title: x\ncorrelation: {type: temporal}\n":                 true,
		"title: x\nlogsource: {product: x}\nfilter: {rules: [a]}\n": true,
		"title: x\ncoverage: []\nimplementations: []\n":             false,
		"filter: x\n":   false,
		"- detection\n": false,
		"title: [\n":    false,
	} {
		if got := IsSigma([]byte(src)); got != want {
			t.Errorf("IsSigma(%q) = %v", src, got)
		}
	}
	car, err := filepath.Glob(filepath.Join(testcorpus.Dir(t), "analytics-yaml", "*.yaml"))
	if err != nil || len(car) == 0 {
		t.Fatalf("no CAR YAML analytics: %v", err)
	}
	for _, p := range car {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if IsSigma(data) {
			t.Errorf("%s: a CAR analytic read as Sigma", p)
		}
	}
	paths, data := corpusRules(t)
	for i := range paths {
		if !IsSigma(data[i]) {
			t.Errorf("%s: not recognised as Sigma", paths[i])
		}
	}
}

// Hostile inputs stay linear: each of these ran for minutes or hours
// before (a quadratic duplicate-modifier check, a character walk from the
// line start for every node of a long line, every pattern against every
// identifier), and finishes in milliseconds now.
func TestHostileInputs(t *testing.T) {
	// 100,000 modifiers on one key.
	// (YAML's implicit keys stop at 1024 characters: an explicit one.)
	src := rule("    sel:\n        ? F" + strings.Repeat("|all", 100_000) + "\n        : [a, b]\n    condition: sel\n")
	_, diags := Parse("h.yml", []byte(src))
	if n := len(diags); n != 99_999 || diags[0].Code != "S110" {
		t.Errorf("%d diagnostics, first %v", n, diags[0])
	}

	// 50,000 keys on one line with non-ASCII characters: the last
	// one's column is still counted in bytes.
	var b strings.Builder
	b.WriteString("    sel: {")
	for i := range 50_000 {
		fmt.Fprintf(&b, "é%d: 1, ", i)
	}
	col := b.Len() + 1
	b.WriteString("x|bad: 1}\n    condition: sel\n")
	_, diags = Parse("h.yml", []byte(rule(b.String())))
	if len(diags) != 1 || diags[0].Pos.Line != 5 || diags[0].Pos.Col != col+2 {
		t.Errorf("got %v, want 5:%d", diags, col+2)
	}

	// 1,500 patterns against 1,500 identifiers passes MaxGlobWork.
	b.Reset()
	var conds []string
	for i := range 1500 {
		fmt.Fprintf(&b, "    n%d: {A: 1}\n", i)
		conds = append(conds, fmt.Sprintf("1 of x%d*", i))
	}
	b.WriteString("    condition: " + strings.Join(conds, " or ") + "\n")
	_, diags = Parse("h.yml", []byte(rule(b.String())))
	var codes []string
	for _, d := range errs(diags) {
		codes = append(codes, d.Code)
	}
	if len(codes) == 0 || codes[len(codes)-1] != "S207" || strings.Count(strings.Join(codes, " "), "S207") != 1 {
		t.Errorf("codes %v, want S202s then one S207", codes[max(0, len(codes)-3):])
	}
}

// Lines end as yaml.v3 ends them: LF, CR LF, a lone CR, NEL, LS, PS.
func TestLineBreaks(t *testing.T) {
	src := rule("    sel:\n        A|contans: x\n    condition: sel\n")
	for _, br := range []string{"\r\n", "\r", "\u0085", "\u2028"} {
		_, diags := Parse("l.yml", []byte(strings.ReplaceAll(src, "\n", br)))
		if len(diags) != 1 || diags[0].Pos.Line != 6 || diags[0].Pos.Col != 11 {
			t.Errorf("%q: %v, want l.yml:6:11", br, diags)
		}
	}
}

func TestCaseSensitive(t *testing.T) {
	for item, want := range map[string]bool{
		"F: x": false, "F|contains: x": false, "F|cased: x": true, "F|contains|cased: x": true,
		"F|re: x": true, "F|re|i: x": false, "F|re|m: x": true,
	} {
		rules, diags := Parse("c.yml", []byte(rule("    sel:\n        "+item+"\n    condition: sel\n")))
		if len(diags) > 0 {
			t.Fatal(diags)
		}
		if got := rules[0].Detection.Searches[0].Groups[0].Items[0].CaseSensitive(); got != want {
			t.Errorf("%s: CaseSensitive() = %v", item, got)
		}
	}
}
