package profile

import (
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
		`[{field: EventCode, values: ["1\n| delete"]}]`:    "selector term 1 holds a control character",
		`[{field: "Event\tCode", values: ["1"]}]`:          "selector term 1 holds a control character",
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
	if _, err := Parse("t.yaml", []byte(base+"'a | b'\n")); err == nil || !strings.Contains(err.Error(), "setting index") {
		t.Errorf("profile file with a setting of two words: %v", err)
	}
}
