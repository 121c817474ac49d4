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
