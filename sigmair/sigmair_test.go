package sigmair

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/sigma"
)

// Logsources of the tables (the embedded mapping's entries).
const (
	procSource = "    product: windows\n    category: process_creation\n"
	netSource  = "    product: windows\n    category: network_connection\n"
	secSource  = "    product: windows\n    service: security\n"
)

// ruleText is a detection rule over a logsource.
func ruleText(id, source, detection string) string {
	return "title: t\nid: " + id + "\nlogsource:\n" + source + "detection:\n" + detection
}

// parse reads rules that must read without an error.
func parse(t testing.TB, text string) []*sigma.Rule {
	t.Helper()
	rules, diags := sigma.Parse("t.yml", []byte(text))
	if diags.HasErrors() {
		t.Fatalf("the rule does not read: %v\n%s", diags, text)
	}
	return rules
}

// lowered is the printed query of a rule, or the lowering's error.
func lowered(t testing.TB, text string, opt Options) (string, error) {
	t.Helper()
	rules := parse(t, text)
	qs, err := Lower(rules[0], opt)
	if err != nil {
		return "", err
	}
	if len(qs) != 1 {
		t.Fatalf("%d queries, want 1", len(qs))
	}
	return queryString(qs[0]), nil
}

type lowerCase struct {
	name      string
	source    string // procSource when empty
	detection string
	params    map[string][]string
	// want is the printed query; or, for a refusal, construct is its
	// ir.Unsupported's Construct exactly.
	want, construct string
}

func runCases(t *testing.T, cases []lowerCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := c.source
			if src == "" {
				src = procSource
			}
			text := ruleText("6f3e2987-db24-4c78-a860-b4f4095a7095", src, c.detection)
			got, err := lowered(t, text, Options{Params: c.params})
			if c.construct != "" {
				var u *ir.Unsupported
				if !errors.As(err, &u) {
					t.Fatalf("got %q, %v; want the refusal of %s", got, err, c.construct)
				}
				if u.Construct != c.construct || u.Reason == "" || u.Pos.File != "t.yml" || u.Pos.Line < 1 {
					t.Fatalf("refused %q at %v (%q), want %q with a reason and a position", u.Construct, u.Pos, u.Reason, c.construct)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v\n%s", err, text)
			}
			if got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

// TestStrings: Sigma's string values, their wildcards and escapes, and
// the matching modifiers, as IR values.
func TestStrings(t *testing.T) {
	runCases(t, []lowerCase{
		{name: "plain", detection: "    sel:\n        Image: 'C:\\Windows\\cmd.exe'\n    condition: sel\n",
			// \W and \c are no escapes: the backslashes are literal.
			want: `process/create: image_path='C:\Windows\cmd.exe'`},
		{name: "star", detection: "    sel:\n        CommandLine: '*whoami*'\n    condition: sel\n",
			want: `process/create: command_line='*whoami*'`},
		{name: "question mark is one character", detection: "    sel:\n        CommandLine: 'a?c'\n    condition: sel\n",
			want: `process/create: command_line=E'a?c'`},
		{name: "escaped star is literal", detection: "    sel:\n        CommandLine: 'a\\*b'\n    condition: sel\n",
			want: `process/create: command_line=E'a\*b'`},
		{name: "escaped question mark is literal", detection: "    sel:\n        CommandLine: 'a\\?b'\n    condition: sel\n",
			want: `process/create: command_line=E'a\?b'`},
		{name: "escaped backslash then wildcard", detection: "    sel:\n        Image: 'C:\\Temp\\\\*'\n    condition: sel\n",
			// \\* is one backslash and the wildcard: the pseudocode's
			// notation holds it as is.
			want: `process/create: image_path='C:\Temp\*'`},
		{name: "escaped backslash then literal star", detection: "    sel:\n        Image: 'a\\\\\\*'\n    condition: sel\n",
			want: `process/create: image_path=E'a\\\*'`},
		{name: "empty string", detection: "    sel:\n        CommandLine: ''\n    condition: sel\n",
			want: `process/create: command_line=''`},
		{name: "contains", detection: "    sel:\n        CommandLine|contains: whoami\n    condition: sel\n",
			want: `process/create: command_line='*whoami*'`},
		{name: "contains keeps a star there", detection: "    sel:\n        CommandLine|contains: '*whoami'\n    condition: sel\n",
			want: `process/create: command_line='*whoami*'`},
		{name: "contains of empty", detection: "    sel:\n        CommandLine|contains: ''\n    condition: sel\n",
			want: `process/create: command_line='*'`},
		{name: "startswith", detection: "    sel:\n        CommandLine|startswith: 'a?'\n    condition: sel\n",
			want: `process/create: command_line=E'a?*'`},
		{name: "endswith", detection: "    sel:\n        Image|endswith: '\\cmd.exe'\n    condition: sel\n",
			want: `process/create: image_path='*\cmd.exe'`},
		{name: "list is or", detection: "    sel:\n        Image|endswith: [a.exe, b.exe]\n    condition: sel\n",
			want: `process/create: or(image_path='*a.exe' image_path='*b.exe')`},
		{name: "all is and", detection: "    sel:\n        CommandLine|contains|all: [a, b]\n    condition: sel\n",
			want: `process/create: and(command_line='*a*' command_line='*b*')`},
		{name: "cased", detection: "    sel:\n        CommandLine|cased: Whoami\n    condition: sel\n",
			want: `process/create: command_line=C'Whoami'`},
		{name: "cased contains", detection: "    sel:\n        CommandLine|contains|cased: 'A?'\n    condition: sel\n",
			want: `process/create: command_line=EC'*A?*'`},
		{name: "number", detection: "    sel:\n        ProcessId: 4\n    condition: sel\n",
			want: `process/create: pid=#4`},
		{name: "numbers", detection: "    sel:\n        ProcessId: [4, 8]\n    condition: sel\n",
			want: `process/create: or(pid=#4 pid=#8)`},
		{name: "number contained is text", detection: "    sel:\n        ProcessId|contains: 4\n    condition: sel\n",
			want: `process/create: pid='*4*'`},
		{name: "map is and", detection: "    sel:\n        Image|endswith: '\\a.exe'\n        User: x\n    condition: sel\n",
			want: `process/create: and(image_path='*\a.exe' user='x')`},
		{name: "list of maps is or", detection: "    sel:\n        - Image: a\n        - User: x\n          ProcessId: 1\n    condition: sel\n",
			want: `process/create: or(image_path='a' and(user='x' pid=#1))`},
	})
}

// TestNegationAndPresence: neq, null and exists.
func TestNegationAndPresence(t *testing.T) {
	runCases(t, []lowerCase{
		{name: "neq", detection: "    sel:\n        User|neq: SYSTEM\n    condition: sel\n",
			want: `process/create: not(user='SYSTEM')`},
		// "The field is different from the specified values": neither.
		{name: "neq list is neither", detection: "    sel:\n        User|neq: [a, b]\n    condition: sel\n",
			want: `process/create: not(or(user='a' user='b'))`},
		{name: "neq all is not both", detection: "    sel:\n        CommandLine|contains|all|neq: [a, b]\n    condition: sel\n",
			want: `process/create: not(and(command_line='*a*' command_line='*b*'))`},
		{name: "neq re", detection: "    sel:\n        CommandLine|re|neq: '^a'\n    condition: sel\n",
			want: `process/create: not(command_line=~/^a/)`},
		{name: "null is absence", detection: "    sel:\n        User: null\n    condition: sel\n",
			want: `process/create: not(exists(user))`},
		{name: "not null is presence", detection: "    sel:\n        User: null\n    condition: not sel\n",
			want: `process/create: exists(user)`},
		{name: "exists true", detection: "    sel:\n        User|exists: true\n    condition: sel\n",
			want: `process/create: exists(user)`},
		{name: "exists false", detection: "    sel:\n        User|exists: false\n    condition: sel\n",
			want: `process/create: not(exists(user))`},
	})
}

// TestOtherTypes: regular expressions, networks and numbers.
func TestOtherTypes(t *testing.T) {
	runCases(t, []lowerCase{
		{name: "re", detection: "    sel:\n        CommandLine|re: '^a.*b$'\n    condition: sel\n",
			want: `process/create: command_line=~/^a.*b$/`},
		{name: "re i", detection: "    sel:\n        CommandLine|re|i: 'ab'\n    condition: sel\n",
			want: `process/create: command_line=~/(?i)ab/`},
		{name: "re ims", detection: "    sel:\n        CommandLine|re|i|m|s: '^a.b$'\n    condition: sel\n",
			want: `process/create: command_line=~/(?ims)^a.b$/`},
		{name: "re list", detection: "    sel:\n        CommandLine|re: ['a', 'b']\n    condition: sel\n",
			want: `process/create: or(command_line=~/a/ command_line=~/b/)`},
		{name: "re class with parentheses", detection: "    sel:\n        CommandLine|re: '[(?=]x\\(?=y'\n    condition: sel\n",
			want: `process/create: command_line=~/[(?=]x\(?=y/`},
		{name: "re lazy", detection: "    sel:\n        CommandLine|re: 'a+?b*?'\n    condition: sel\n",
			want: `process/create: command_line=~/a+?b*?/`},
		{name: "cidr", source: netSource, detection: "    sel:\n        DestinationIp|cidr: 10.0.0.0/8\n    condition: sel\n",
			want: `flow/start: cidr(dest_ip,10.0.0.0/8)`},
		{name: "cidr list", source: netSource, detection: "    sel:\n        DestinationIp|cidr: [10.0.0.0/8, 'fd00::/8']\n    condition: sel\n",
			want: `flow/start: or(cidr(dest_ip,10.0.0.0/8) cidr(dest_ip,fd00::/8))`},
		{name: "lt", source: netSource, detection: "    sel:\n        DestinationPort|lt: 1024\n    condition: sel\n",
			want: `flow/start: dest_port<#1024`},
		{name: "lte", source: netSource, detection: "    sel:\n        DestinationPort|lte: 1024\n    condition: sel\n",
			want: `flow/start: dest_port<=#1024`},
		{name: "gt", source: netSource, detection: "    sel:\n        DestinationPort|gt: 1.5\n    condition: sel\n",
			want: `flow/start: dest_port>#1.5`},
		{name: "gte", source: netSource, detection: "    sel:\n        DestinationPort|gte: 49152\n    condition: sel\n",
			want: `flow/start: dest_port>=#49152`},
	})
}

// TestRefusals: what the IR cannot hold is refused by its name.
func TestRefusals(t *testing.T) {
	re := func(name, pattern, construct string) lowerCase {
		return lowerCase{name: name, detection: "    sel:\n        CommandLine|re: '" + pattern + "'\n    condition: sel\n",
			construct: "a regular expression with " + construct}
	}
	runCases(t, []lowerCase{
		re("lookahead", "a(?=b)", "a lookahead (?=…)"),
		re("negative lookahead", "a(?!b)", "a negative lookahead (?!…)"),
		re("lookbehind", "(?<=a)b", "a lookbehind (?<=…)"),
		re("negative lookbehind", "(?<!a)b", "a negative lookbehind (?<!…)"),
		re("backreference", "(a)\\1", "a backreference (\\1)"),
		re("named backreference", "(?P<x>a)\\k<x>", "a named backreference"),
		re("atomic group", "(?>ab)c", "an atomic group (?>…)"),
		re("possessive plus", "a++b", "a possessive quantifier (++)"),
		re("possessive star after class", "[a-z]*+b", "a possessive quantifier (*+)"),
		re("possessive count", "a{2}+b", "a possessive quantifier (}+)"),
		{name: "re RE2 does not read", detection: "    sel:\n        CommandLine|re: 'a\\Z'\n    condition: sel\n",
			construct: `the regular expression "a\\Z"`},
		{name: "fieldref", detection: "    sel:\n        CommandLine|fieldref: Image\n    condition: sel\n",
			construct: "the fieldref modifier"},
		{name: "hour", detection: "    sel:\n        User|hour: 3\n    condition: sel\n",
			construct: "the hour modifier"},
		{name: "year compared", detection: "    sel:\n        User|year|gte: 2020\n    condition: sel\n",
			construct: "the year modifier"},
		{name: "keyword re", detection: "    sel:\n        '|re': 'a.b'\n    condition: sel\n",
			construct: "a keyword with the re modifier"},
		{name: "keyword null", detection: "    sel:\n        - User: x\n        - null\n    condition: sel\n",
			construct: "a keyword null"},
		{name: "placeholder without expand values", detection: "    sel:\n        CommandLine|expand: '%Servers%'\n    condition: sel\n",
			construct: "the placeholder %Servers%"},
		{name: "wide of a wildcard", detection: "    sel:\n        CommandLine|wide: 'a*b'\n    condition: sel\n",
			construct: "the wide modifier on a value with a wildcard or placeholder"},
		{name: "empty list", detection: "    sel:\n        User: []\n    condition: sel\n",
			construct: "a condition no event can meet"},
		{name: "empty search list", detection: "    sel:\n        User: a\n    empty:\n        User: []\n    condition: sel and empty\n",
			construct: "a condition no event can meet"},
		{name: "windash of too many", detection: "    sel:\n        CommandLine|windash: '-a -b -c -d -e -f'\n    condition: sel\n",
			construct: "a value of more than 4096 variants"},
	})
}

// TestParamRefusalNamesFlag: a placeholder without values says how to
// give them.
func TestParamRefusalNamesFlag(t *testing.T) {
	_, err := lowered(t, ruleText("x", procSource, "    sel:\n        CommandLine|expand: 'a%Servers%'\n    condition: sel\n"), Options{})
	if err == nil || !strings.Contains(err.Error(), "--param Servers=") {
		t.Fatalf("%v, want it to name --param Servers=", err)
	}
}

// TestExpand: a placeholder is replaced by each of its values, each a
// Sigma string, before the modifiers after expand.
func TestExpand(t *testing.T) {
	runCases(t, []lowerCase{
		{name: "one", detection: "    sel:\n        CommandLine|expand: '%Servers%'\n    condition: sel\n",
			params: map[string][]string{"Servers": {"a", "b*", `c\*`}},
			want:   `process/create: or(command_line='a' command_line='b*' command_line=E'c\*')`},
		{name: "inside text with contains", detection: "    sel:\n        CommandLine|expand|contains: 'x %p% y'\n    condition: sel\n",
			params: map[string][]string{"p": {"1", "2"}},
			want:   `process/create: or(command_line='*x 1 y*' command_line='*x 2 y*')`},
		{name: "two placeholders", detection: "    sel:\n        CommandLine|expand: '%a%-%b%'\n    condition: sel\n",
			params: map[string][]string{"a": {"1", "2"}, "b": {"x", "y"}},
			want:   `process/create: or(command_line='1-x' command_line='1-y' command_line='2-x' command_line='2-y')`},
		{name: "escaped percent", detection: "    sel:\n        CommandLine|expand: '\\%p\\%'\n    condition: sel\n",
			want: `process/create: command_line='%p%'`},
	})
}

// TestWindash: every -, /, en dash, em dash and horizontal bar becomes
// each of the five, in every combination.
func TestWindash(t *testing.T) {
	runCases(t, []lowerCase{
		{name: "one dash", detection: "    sel:\n        CommandLine|windash|contains: ' -enc '\n    condition: sel\n",
			want: "process/create: or(command_line='* -enc *' command_line='* /enc *' command_line='* \u2013enc *' command_line='* \u2014enc *' command_line='* \u2015enc *')"},
		{name: "no dash", detection: "    sel:\n        CommandLine|windash: 'abc'\n    condition: sel\n",
			want: "process/create: command_line='abc'"},
		{name: "dash kept beside a wildcard", detection: "    sel:\n        CommandLine|windash: '*-?'\n    condition: sel\n",
			want: "process/create: or(command_line=E'*-?' command_line=E'*/?' command_line=E'*\u2013?' command_line=E'*\u2014?' command_line=E'*\u2015?')"},
	})
	for _, c := range []struct {
		value string
		n     int
	}{
		{"-a", 5},
		{"/a", 5},
		{"\u2015a", 5},
		{"-a -b", 25},
		{"a-b/c", 25},
		{"--x", 25},
		{"-a -b -c", 125},
		{"-a -b -c -d -e", 3125},
	} {
		r := parse(t, ruleText("x", procSource, "    sel:\n        CommandLine|windash: '"+c.value+"'\n    condition: sel\n"))[0]
		qs, err := Lower(r, Options{})
		if err != nil {
			t.Fatalf("%q: %v", c.value, err)
		}
		variants := map[string]bool{}
		ir.Walk(qs[0].Cond, func(x ir.Cond) {
			if m, ok := x.(ir.Match); ok {
				variants[m.Value.Str] = true
			}
		})
		if len(variants) != c.n {
			t.Errorf("%q: %d distinct variants, want %d", c.value, len(variants), c.n)
		}
		if !variants[c.value] {
			t.Errorf("%q: the value as written is not among its variants", c.value)
		}
	}
}

// TestEncodings: the UTF-16 encodings and Base64, the base64offset
// variants checked against values computed from pySigma's
// SigmaBase64OffsetModifier (start offsets 0, 2, 3; end offsets none,
// -3, -2 by (bytes + shift) mod 3) with Python's base64, not with this
// package's code.
func TestEncodings(t *testing.T) {
	det := func(mods, value string) string {
		return "    sel:\n        CommandLine|" + mods + ": '" + value + "'\n    condition: sel\n"
	}
	or3 := func(a, b, c string) string {
		return fmt.Sprintf("process/create: or(command_line='%s' command_line='%s' command_line='%s')", a, b, c)
	}
	runCases(t, []lowerCase{
		{name: "wide", detection: det("wide", "cmd"), want: `process/create: command_line='c\x00m\x00d\x00'`},
		{name: "utf16le", detection: det("utf16le", "cmd"), want: `process/create: command_line='c\x00m\x00d\x00'`},
		{name: "utf16be", detection: det("utf16be", "cmd"), want: `process/create: command_line='\x00c\x00m\x00d'`},
		{name: "utf16 has a byte order mark", detection: det("utf16", "cmd"), want: `process/create: command_line='\xff\xfec\x00m\x00d\x00'`},
		{name: "base64", detection: det("base64", "whoami"), want: `process/create: command_line='d2hvYW1p'`},
		{name: "base64 padded", detection: det("base64", "ab"), want: `process/create: command_line='YWI='`},
		{name: "wide base64", detection: det("wide|base64", "cmd"), want: `process/create: command_line='YwBtAGQA'`},
		{name: "utf16 base64", detection: det("utf16|base64", "cmd"), want: `process/create: command_line='//5jAG0AZAA='`},
		{name: "base64 contains", detection: det("base64|contains", "whoami"), want: `process/create: command_line='*d2hvYW1p*'`},
		{name: "base64offset", detection: det("base64offset", "whoami"), want: or3("d2hvYW1p", "dob2Fta", "3aG9hbW")},
		{name: "base64offset contains", detection: det("base64offset|contains", "whoami"), want: or3("*d2hvYW1p*", "*dob2Fta*", "*3aG9hbW*")},
		{name: "base64offset http", detection: det("base64offset", "http"), want: or3("aHR0c", "h0dH", "odHRw")},
		{name: "base64offset IEX", detection: det("base64offset", "IEX"), want: or3("SUVY", "lFW", "JRV")},
		{name: "base64offset two bytes", detection: det("base64offset", "ab"), want: or3("YW", "Fi", "hY")},
		// One byte after one leaves no character of its own: the empty
		// variant, which contains makes "*", as pySigma's does.
		{name: "base64offset one byte", detection: det("base64offset|contains", "a"), want: or3("*Y*", "*", "*h*")},
		{name: "base64offset long", detection: det("base64offset|contains", "Invoke-Mimikatz"),
			want: or3("*SW52b2tlLU1pbWlrYXR6*", "*ludm9rZS1NaW1pa2F0e*", "*JbnZva2UtTWltaWthdH*")},
		{name: "wide base64offset", detection: det("wide|base64offset|contains", "cmd"), want: or3("*YwBtAGQA*", "*MAbQBkA*", "*jAG0AZA*")},
		{name: "utf16 base64offset", detection: det("utf16|base64offset", "cmd"), want: or3("//5jAG0AZA", "/+YwBtAGQA", "//mMAbQBkA")},
		{name: "utf16be base64offset", detection: det("utf16be|base64offset", "cmd"), want: or3("AGMAbQBk", "BjAG0AZ", "AYwBtAG")},
		{name: "windash base64offset", detection: det("windash|base64offset", "-a"),
			want: "process/create: or(command_line='LW' command_line='1h' command_line='tY' command_line='L2' command_line='9h' command_line='vY' command_line='4oCTY' command_line='KAk2' command_line='igJNh' command_line='4oCUY' command_line='KAlG' command_line='igJRh' command_line='4oCVY' command_line='KAlW' command_line='igJVh')"},
		{name: "base64offset cased", detection: det("base64offset|cased", "IEX"),
			want: "process/create: or(command_line=C'SUVY' command_line=C'lFW' command_line=C'JRV')"},
	})
}

// TestConditions: the condition's forms over search identifiers.
func TestConditions(t *testing.T) {
	sels := "    sel1:\n        User: a\n    sel2:\n        User: b\n    _x:\n        User: c\n    filter:\n        Image: d\n"
	runCases(t, []lowerCase{
		{name: "and not", detection: sels + "    condition: sel1 and not filter\n",
			want: `process/create: and(user='a' not(image_path='d'))`},
		{name: "or", detection: sels + "    condition: sel1 or sel2\n",
			want: `process/create: or(user='a' user='b')`},
		{name: "precedence", detection: sels + "    condition: sel1 or sel2 and not filter\n",
			want: `process/create: or(user='a' and(user='b' not(image_path='d')))`},
		{name: "parentheses", detection: sels + "    condition: (sel1 or sel2) and not filter\n",
			want: `process/create: and(or(user='a' user='b') not(image_path='d'))`},
		{name: "1 of pattern", detection: sels + "    condition: 1 of sel*\n",
			want: `process/create: or(user='a' user='b')`},
		{name: "all of pattern", detection: sels + "    condition: all of sel*\n",
			want: `process/create: and(user='a' user='b')`},
		{name: "1 of them leaves out _", detection: sels + "    condition: 1 of them\n",
			want: `process/create: or(user='a' user='b' image_path='d')`},
		{name: "all of them", detection: sels + "    condition: all of them\n",
			want: `process/create: and(user='a' user='b' image_path='d')`},
		{name: "underscore named", detection: sels + "    condition: _x and 1 of sel*\n",
			want: `process/create: and(user='c' or(user='a' user='b'))`},
		{name: "list form is or", detection: sels + "    condition:\n        - sel1\n        - sel2 and not filter\n",
			want: `process/create: or(user='a' and(user='b' not(image_path='d')))`},
		{name: "empty folds out of or", detection: "    sel:\n        User: a\n    empty:\n        User: []\n    condition: sel or empty\n",
			want: `process/create: user='a'`},
		{name: "not empty is every event", detection: "    empty:\n        User: []\n    condition: not empty\n",
			want: `process/create: true`},
		{name: "empty folds out of and not", detection: "    sel:\n        User: a\n    empty:\n        User: []\n    condition: sel and not empty\n",
			want: `process/create: user='a'`},
	})
}

// TestKeywords: a field-less search looks for each value anywhere in
// any field.
func TestKeywords(t *testing.T) {
	runCases(t, []lowerCase{
		{name: "list", detection: "    keywords:\n        - 'event::clear'\n        - 'a?b'\n    condition: keywords\n",
			want: `process/create: or(keyword('*event::clear*') keyword(E'*a?b*'))`},
		{name: "escaped star", detection: "    keywords:\n        - 'a\\*'\n    condition: keywords\n",
			want: `process/create: keyword(E'*a\**')`},
		{name: "already wrapped", detection: "    keywords:\n        - '*x*'\n    condition: keywords\n",
			want: `process/create: keyword('*x*')`},
		{name: "all", detection: "    keywords:\n        '|all':\n            - a\n            - b\n    condition: keywords\n",
			want: `process/create: and(keyword('*a*') keyword('*b*'))`},
		{name: "cased", detection: "    keywords:\n        '|cased': Mimikatz\n    condition: keywords\n",
			want: `process/create: keyword(C'*Mimikatz*')`},
		{name: "with a map", detection: "    sel:\n        - User: x\n        - whoami\n    condition: sel\n",
			want: `process/create: or(user='x' keyword('*whoami*'))`},
	})
}

// TestLogService: a service's events are its log's, told by log_name,
// with no data-model source.
func TestLogService(t *testing.T) {
	runCases(t, []lowerCase{
		{name: "security", source: secSource, detection: "    sel:\n        EventID: 4624\n        LogonType: 10\n    condition: sel\n",
			want: `log: and(log_name='Security' event_code=#4624 logon_type=#10)`},
		{name: "security or", source: secSource, detection: "    sel:\n        EventID: [4624, 4625]\n    condition: sel\n",
			want: `log: and(log_name='Security' or(event_code=#4624 event_code=#4625))`},
		{name: "a Sysmon event without a CAR object", source: "    product: windows\n    category: dns_query\n", detection: "    sel:\n        QueryName|endswith: .onion\n    condition: sel\n",
			want: `log: and(log_name='Microsoft-Windows-Sysmon/Operational' event_code=#22 QueryName='*.onion')`},
		{name: "a category of two channels", source: "    product: windows\n    category: ps_script\n", detection: "    sel:\n        ScriptBlockText|contains: Invoke-Mimikatz\n    condition: sel\n",
			want: `log: and(or(log_name='Microsoft-Windows-PowerShell/Operational' log_name='PowerShellCore/Operational') event_code=#4104 ScriptBlockText='*Invoke-Mimikatz*')`},
		{name: "every event of the log", source: secSource, detection: "    empty:\n        EventID: []\n    condition: not empty\n",
			want: `log: log_name='Security'`},
	})
}

// TestMappingErrors: a field or logsource the mapping lacks is an error
// naming it, with its position once.
func TestMappingErrors(t *testing.T) {
	_, err := lowered(t, ruleText("x", procSource, "    sel:\n        NoSuchField: x\n    condition: sel\n"), Options{})
	if err == nil || !strings.Contains(err.Error(), "Sigma field NoSuchField") || !strings.HasPrefix(err.Error(), "t.yml:8:") {
		t.Errorf("unknown field: %v, want an error at t.yml:8 naming Sigma field NoSuchField", err)
	}
	_, err = lowered(t, ruleText("x", "    product: windows\n    category: file_access\n", "    sel:\n        FileName: x\n    condition: sel\n"), Options{})
	if err == nil || !strings.Contains(err.Error(), "file_access") || strings.Count(err.Error(), "t.yml:") != 1 {
		t.Errorf("refused logsource: %v, want one position and the logsource named", err)
	}
	_, err = lowered(t, ruleText("x", "    product: plan9\n    category: nothing\n", "    sel:\n        A: x\n    condition: sel\n"), Options{})
	if err == nil || !strings.Contains(err.Error(), "plan9") || strings.Count(err.Error(), "t.yml:") != 1 {
		t.Errorf("unknown logsource: %v, want one position and the logsource named", err)
	}
}

// TestMetaRules: correlation and filter rules are not lowered on their
// own.
func TestMetaRules(t *testing.T) {
	for _, c := range []struct{ text, construct string }{
		{"title: c\ncorrelation:\n    type: event_count\n    rules: [a]\n    group-by: [User]\n    timespan: 5m\n    condition: {gte: 5}\n", "a Sigma correlation rule"},
		{"title: f\nlogsource:\n" + procSource + "filter:\n    rules: [a]\n    selection: {User: x}\n    condition: selection\n", "a Sigma filter rule"},
	} {
		_, err := Lower(parse(t, c.text)[0], Options{})
		var u *ir.Unsupported
		if !errors.As(err, &u) || u.Construct != c.construct {
			t.Errorf("%v, want the refusal of %s", err, c.construct)
		}
	}
}

// TestFilters: a filter removes the events its condition selects from
// the rules it names, by id or name, over the same logsource only.
func TestFilters(t *testing.T) {
	const id = "6f3e2987-db24-4c78-a860-b4f4095a7095"
	text := "title: t\nid: " + id + "\nname: the_rule\nlogsource:\n" + procSource + "detection:\n    sel:\n        Image|endswith: '\\rar.exe'\n    condition: sel\n"
	r := parse(t, text)[0]
	filter := func(ref, source string) *sigma.Rule {
		return parse(t, "title: f\nlogsource:\n"+source+"filter:\n    rules:\n        - "+ref+"\n    selection:\n        User|startswith: adm_\n    condition: selection\n")[0]
	}
	for _, c := range []struct {
		name    string
		filters []*sigma.Rule
		want    string
	}{
		{"by id", []*sigma.Rule{filter(id, procSource)}, `process/create: and(image_path='*\rar.exe' not(user='adm_*'))`},
		{"by name", []*sigma.Rule{filter("the_rule", procSource)}, `process/create: and(image_path='*\rar.exe' not(user='adm_*'))`},
		{"two", []*sigma.Rule{filter(id, procSource), filter("the_rule", procSource)},
			`process/create: and(image_path='*\rar.exe' not(user='adm_*') not(user='adm_*'))`},
		{"another rule", []*sigma.Rule{filter("00000000-0000-4000-8000-000000000000", procSource)}, `process/create: image_path='*\rar.exe'`},
		{"another logsource", []*sigma.Rule{filter(id, "    product: windows\n    category: image_load\n")}, `process/create: image_path='*\rar.exe'`},
	} {
		qs, err := Lower(r, Options{Filters: c.filters})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := queryString(qs[0]); got != c.want {
			t.Errorf("%s: got %s\nwant %s", c.name, got, c.want)
		}
	}
	// A filter whose field the logsource lacks refuses the rule rather
	// than being dropped, which would keep the events it suppresses.
	bad := parse(t, "title: f\nlogsource:\n"+procSource+"filter:\n    rules: ["+id+"]\n    selection:\n        NoSuchField: x\n    condition: selection\n")[0]
	if _, err := Lower(r, Options{Filters: []*sigma.Rule{bad}}); err == nil || !strings.Contains(err.Error(), "NoSuchField") {
		t.Errorf("filter with an unmapped field: %v", err)
	}
	// A filter that removes every event leaves a rule that never holds.
	all := parse(t, "title: f\nlogsource:\n"+procSource+"filter:\n    rules: ["+id+"]\n    selection:\n        User: []\n    condition: not selection\n")[0]
	var u *ir.Unsupported
	if _, err := Lower(r, Options{Filters: []*sigma.Rule{all}}); !errors.As(err, &u) || u.Construct != "a condition no event can meet" {
		t.Errorf("filter of every event: %v", err)
	}
}

// TestPositions: each leaf's field has the position of its item, so a
// backend's refusal points at the rule's line.
func TestPositions(t *testing.T) {
	r := parse(t, ruleText("x", procSource, "    sel:\n        User: a\n        Image|contains: b\n    condition: sel\n"))[0]
	qs, err := Lower(r, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, f := range ir.Fields(qs[0].Cond) {
		lines = append(lines, f.Pos.Line)
	}
	if fmt.Sprint(lines) != "[8 9]" {
		t.Errorf("field lines %v, want [8 9]", lines)
	}
	if qs[0].Name != "detection" || qs[0].Pos.Line != 1 {
		t.Errorf("query %q at %v", qs[0].Name, qs[0].Pos)
	}
}

// TestAnalytics: the analytics that are Sigma rules are found among
// others, filters read without errors are collected, and a rule read
// with errors is refused as a pseudocode with errors is.
func TestAnalytics(t *testing.T) {
	const id = "6f3e2987-db24-4c78-a860-b4f4095a7095"
	rules := parse(t, ruleText(id, procSource, "    sel: {User: a}\n    condition: sel\n")+
		"---\ntitle: f\nlogsource:\n"+procSource+"filter:\n    rules: ["+id+"]\n    selection: {User: b}\n    condition: selection\n")
	ok, filter, broken := rules[0].Analytic(0), rules[1].Analytic(0), rules[0].Analytic(2)
	brokenFilter := rules[1].Analytic(1)
	as := []*analytic.Analytic{{ID: "CAR-2099-01-001"}, ok, filter, broken, brokenFilter}
	if got := Rules(as); len(got) != 4 || got[0] != ok {
		t.Errorf("Rules: %d analytics, want the 4 Sigma ones", len(got))
	}
	fs := Filters(as)
	if len(fs) != 1 || fs[0] != rules[1] {
		t.Fatalf("Filters: %v, want the filter read without errors", fs)
	}
	qs, err := LowerAnalytic(ok, Options{Filters: fs})
	if err != nil || queryString(qs[0]) != "process/create: and(user='a' not(user='b'))" {
		t.Errorf("LowerAnalytic: %v %v", qs, err)
	}
	if _, err := LowerAnalytic(broken, Options{}); err == nil || !strings.Contains(err.Error(), "2 errors") {
		t.Errorf("a rule with errors: %v", err)
	}
	if _, err := LowerAnalytic(as[0], Options{}); err == nil {
		t.Errorf("a CAR analytic lowered as a Sigma rule")
	}
}

// TestMaxPatterns: many values, each within MaxVariants, are refused
// once the rule's patterns pass MaxPatterns, before they are built.
func TestMaxPatterns(t *testing.T) {
	var b strings.Builder
	b.WriteString("    sel:\n        CommandLine|windash:\n")
	for i := range MaxPatterns/3125 + 1 {
		fmt.Fprintf(&b, "            - '-a -b -c -d -e %d'\n", i)
	}
	b.WriteString("    condition: sel\n")
	_, err := lowered(t, ruleText("x", procSource, b.String()), Options{})
	var u *ir.Unsupported
	if !errors.As(err, &u) || u.Construct != "a rule of more than 100000 patterns" {
		t.Fatalf("%v, want the refusal of a rule of more than 100000 patterns", err)
	}
}
