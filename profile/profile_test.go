package profile

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
)

// TestSelectorTerms checks that a profile whose selector a backend could
// not write faithfully is refused when it is read, naming the event.
func TestSelectorTerms(t *testing.T) {
	head := "name: t\nbackend: splunk\nevents:\n  process/create:\n    selector: "
	for sel, want := range map[string]string{
		`[{field: EventCode, values: ["1"]}]`:              "",
		`[{flag: subtype.create}]`:                         "",
		`[{field: EventCode}]`:                             "event process/create: selector term 1 needs a field and its values, or a flag",
		`[{values: ["1"]}]`:                                "event process/create: selector term 1 needs a field and its values, or a flag",
		`[{field: a, values: [x]}, {flag: f, field: b}]`:   "event process/create: selector term 2 has a flag and a field; give one",
		`[{field: EventCode, values: ["1"]}, {field: ""}]`: "selector term 2 needs a field",
		`[{field: EventCode, values: ["1\n| delete"]}]`:    `events.process/create.selector[1].values[1]: "1\n| delete": it holds the control character U+000A`,
		`[{field: "Event\tCode", values: ["1"]}]`:          `events.process/create.selector[1].field: "Event\tCode": it holds the control character U+0009`,
		`[{field: "a\u2028b", values: ["1"]}]`:             "control character U+2028",
		`[{field: a, values: ["\e[2J"]}]`:                  "control character U+001B",
		`[{flag: "subtype.create or true"}]`:               "a selector flag is a field path",
	} {
		_, err := Parse("t.yaml", []byte(head+sel+"\n"))
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: %v", sel, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%s: got %v, want an error containing %q", sel, err, want)
		}
	}
	if _, err := Parse("t.yaml", []byte("name: t\nbackend: splunk\nlog_selector: [{field: x}]\n")); err == nil || !strings.Contains(err.Error(), "log_selector") {
		t.Errorf("log_selector without values: %v", err)
	}
}

// TestSettings: a setting goes into queries as it is (index={index}), so
// one that could end its term and start another is refused, from a
// profile file and from --set alike.
func TestSettings(t *testing.T) {
	base := "name: t\nbackend: splunk\nprefix: index={index}\nsettings:\n  index: "
	p, err := Parse("t.yaml", []byte(base+"sysmon\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"main", "sysmon*", "win-sysmon_2"} {
		if _, err := p.With(map[string]string{"index": v}); err != nil {
			t.Errorf("%q: %v", v, err)
		}
	}
	for _, v := range []string{"x | delete", `x" OR "1`, "a b", "x\ny", "", "(x)"} {
		if _, err := p.With(map[string]string{"index": v}); err == nil || !strings.Contains(err.Error(), "one word") {
			t.Errorf("%q: %v, want refused", v, err)
		}
	}
	if _, err := Parse("t.yaml", []byte(base+"'a | b'\n")); err == nil || !strings.Contains(err.Error(), `t.yaml: settings.index: "a | b": a setting is one word`) {
		t.Errorf("profile file with a setting of two words: %v", err)
	}
}

// TestVerbatim: what a backend writes into a query as it is (a prefix, a
// category) is refused at load unless it is of its kind's closed alphabet,
// naming the place in the file and the value.
func TestVerbatim(t *testing.T) {
	head := "name: t\nbackend: splunk\n"
	for text, want := range map[string]string{
		"settings: {index: main}\nprefix: index={index}":                "",
		"settings: {index: main}\nprefix: index={index} sourcetype=x:y": "",
		"settings: {index: main}\nprefix: 'index=main | delete'":        `t.yaml: prefix: "index=main | delete": a prefix is search terms`,
		"settings: {index: main}\nprefix: 'index=main  x=y'":            "a prefix is search terms",
		"settings: {index: main}\nprefix: index={idx}":                  "{idx} is not a setting",
		"settings: {index: main}\nprefix: 'index=\"main\"'":             "a prefix is search terms",
		"events: {process/create: {prefix: '[search x]'}}":              `events.process/create.prefix: "[search x]"`,
		"events: {process/create: {category: process}}":                 "",
		"events: {process/create: {category: Endpoint.Processes}}":      "",
		"events: {process/create: {category: 'process where true'}}":    `events.process/create.category: "process where true": a category is a name`,
		"events: {process/create: {by: [a.b, 'c d']}}":                  "",
		"events: {process/create: {by: [\"a\\x01\"]}}":                  `events.process/create.by[1]: "a\x01": it holds the control character U+0001`,
		"events: {process: {}}":                                         `events key: "process": an event key is object/action`,
		"settings: {'a b': x}":                                          `settings key: "a b": a name is letters`,
		"log: {x: {field: y, transform: upper}}":                        `log.x.transform: "upper": unknown transform`,
	} {
		_, err := Parse("t.yaml", []byte(head+text+"\n"))
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: %v", text, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%s: got %v, want an error containing %q", text, err, want)
		}
	}
}

// TestEveryFieldHasAKind: every field of a profile's types names the kind
// its values are checked as, so a new one cannot reach a query unchecked.
func TestEveryFieldHasAKind(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var visit func(reflect.Type)
	visit = func(ty reflect.Type) {
		for ty.Kind() == reflect.Pointer || ty.Kind() == reflect.Slice || ty.Kind() == reflect.Map {
			ty = ty.Elem()
		}
		if ty.Kind() != reflect.Struct || seen[ty] {
			return
		}
		seen[ty] = true
		for i := range ty.NumField() {
			f := ty.Field(i)
			kind, ok := f.Tag.Lookup("check")
			if !ok {
				t.Errorf("%s.%s has no check tag", ty.Name(), f.Name)
			}
			if _, known := kinds[kind]; kind != "" && kind != "-" && !known {
				t.Errorf("%s.%s: unknown kind %q", ty.Name(), f.Name, kind)
			}
			if f.Type.Kind() == reflect.Map {
				if _, known := kinds[f.Tag.Get("key")]; !known {
					t.Errorf("%s.%s: map without a known key kind", ty.Name(), f.Name)
				}
			}
			visit(f.Type)
		}
	}
	visit(reflect.TypeFor[Profile]())
	if len(seen) != 4 {
		t.Errorf("walked %d types, want Profile, Event, Term and FieldMap", len(seen))
	}
}

// TestLoadBounded: a profile file is read to a limit, so a device that
// never ends (/dev/zero) is refused rather than read into memory.
func TestLoadBounded(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	_, err := Load("/dev/zero")
	if err == nil || !strings.Contains(err.Error(), "/dev/zero: too large: a profile file is at most 1 MiB") {
		t.Errorf("got %v", err)
	}
}

// BenchmarkParseEmbedded reads and checks the backends' profile files, as
// go generate does and as --profile FILE does for one: the per-kind
// checks walk every text of a profile once.
func BenchmarkParseEmbedded(b *testing.B) {
	files, _ := filepath.Glob("../backends/*/profiles/*.yaml")
	var data [][]byte
	for _, f := range files {
		d, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		data = append(data, d)
	}
	if len(data) == 0 {
		b.Fatal("no profile files")
	}
	b.ReportAllocs()
	for b.Loop() {
		for i, d := range data {
			if _, err := Parse(files[i], d); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkValidateEmbedded checks the profiles once built, as every run
// does for the embedded profiles on first use.
func BenchmarkValidateEmbedded(b *testing.B) {
	files, _ := filepath.Glob("../backends/*/profiles/*.yaml")
	var ps []*Profile
	for _, f := range files {
		p, err := Load(f)
		if err != nil {
			b.Fatal(err)
		}
		ps = append(ps, p)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range ps {
			if err := p.Validate(); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// TestPresentIsMapped: a field promised present in every event must be one
// the event maps; otherwise no engine could check the promise.
func TestPresentIsMapped(t *testing.T) {
	head := "name: t\nbackend: splunk\nevents:\n  process/create:\n    selector: [{field: EventCode, values: [\"1\"]}]\n    fields: {exe: Image}\n"
	if _, err := Parse("t.yaml", []byte(head+"    present: [exe]\n")); err != nil {
		t.Errorf("a mapped field: %v", err)
	}
	_, err := Parse("t.yaml", []byte(head+"    present: [exe, parent_exe]\n"))
	if want := "t.yaml: event process/create: present lists parent_exe, which is not one of its fields"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}
