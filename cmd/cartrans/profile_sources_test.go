package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/internal/testcorpus"
)

// TestUnsourcedFieldsRefused: a profile maps only names a source gives
// (docs/design/<backend>.md, "Field names and their sources"). The
// analytics that test a field no source names for the target are refused
// with that field's name, not written with a guessed one: the log's name
// and the event's level on Splunk, Endgame's Windows event fields with no
// Endgame source, the level on DNIF, and on LogPoint the acting image of
// an image load, whose CAR and pySigma names differ.
func TestUnsourcedFieldsRefused(t *testing.T) {
	dir := filepath.Join(testcorpus.Dir(t), "analytics")
	for _, c := range []struct{ target, profile, analytic, want string }{
		{"splunk", "sysmon", "CAR-2019-07-001.md", "profile sysmon does not map field log_name of log events"},
		{"splunk", "sysmon", "CAR-2016-04-005.md", "profile sysmon does not map field Severity of log events"},
		{"eql", "endgame", "CAR-2019-07-001.md", "profile endgame does not map field log_name of log events"},
		{"eql", "endgame", "CAR-2016-04-004.md", "profile endgame does not map field authentication_package_name of log events"},
		{"dnif", "sysmon", "CAR-2016-04-005.md", "profile sysmon does not map field Severity of log events"},
		{"logpoint", "sysmon", "CAR-2019-04-002.md", "profile sysmon does not map field image_path of module/load"},
	} {
		out, _, _ := cli(t, "", "convert", "-t", c.target, "--profile", c.profile, filepath.Join(dir, c.analytic))
		if !strings.Contains(out, c.want) {
			t.Errorf("%s %s %s: no %q in\n%s", c.target, c.profile, c.analytic, c.want, out)
		}
	}
}
