package diag

import (
	"bytes"
	"encoding/json"
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"path/filepath"
	"testing"
)

type sarifLog struct {
	Runs []struct {
		OriginalURIBaseIDs map[string]struct{ URI string } `json:"originalUriBaseIds"`
		ColumnKind         string
		Tool               struct {
			Driver struct {
				Rules []struct {
					ID              string
					FullDescription struct{ Text string }
					HelpURI         string
				}
			}
		}
		Results []struct {
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string
						URIBaseID string `json:"uriBaseId"`
					}
					Region struct{ StartLine, StartColumn, EndLine, EndColumn int }
				}
			}
		}
	}
}

func writeSARIF(t *testing.T, diags List, tool SARIFTool) sarifLog {
	t.Helper()
	var buf bytes.Buffer
	if err := SARIF(&buf, diags, tool); err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	return log
}

// URIs are relative to %SRCROOT%, percent-encoded, and columns count UTF-16
// code units, as SARIF readers (code scanning services) place them.
func TestSARIFLocations(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join(root, "my rules", "a#1.md")
	outside := filepath.Join(filepath.Dir(root), "other file.md")
	text := "line one\nx = \"é𝄞\" and bad\n"
	col := len("x = \"é𝄞\" and ") + 1 // bytes: é is 2, 𝄞 is 4
	diags := List{
		{Pos: Pos{File: file, Line: 2, Col: col}, Severity: Error, Code: "E203", Message: "m"},
		{Pos: Pos{File: outside, Line: 1}, Severity: Warning, Message: "n"},
	}
	log := writeSARIF(t, diags, SARIFTool{
		Version: "v1",
		Rules:   map[string]Rule{"E203": {Short: "s", Full: "a field the events do not carry, at length", HelpURI: "https://example.org/spec#e203"}},
		Source:  func(f string) []byte { return map[string][]byte{file: []byte(text)}[f] },
		Root:    root,
	})
	run := log.Runs[0]
	if run.ColumnKind != "utf16CodeUnits" {
		t.Errorf("columnKind %q", run.ColumnKind)
	}
	if base := run.OriginalURIBaseIDs["%SRCROOT%"].URI; base != "file://"+filepath.ToSlash(root)+"/" {
		t.Errorf("%%SRCROOT%% is %q", base)
	}
	loc := run.Results[0].Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != "my%20rules/a%231.md" || loc.ArtifactLocation.URIBaseID != "%SRCROOT%" {
		t.Errorf("artifact %+v", loc.ArtifactLocation)
	}
	// x = "é𝄞" and : 5 ASCII, é one unit, 𝄞 two, then `" and ` 6.
	if want := 5 + 1 + 2 + 6 + 1; loc.Region.StartColumn != want || loc.Region.StartLine != 2 {
		t.Errorf("region %+v, want line 2 column %d (byte column %d)", loc.Region, want, col)
	}
	out := run.Results[1].Locations[0].PhysicalLocation.ArtifactLocation
	if out.URIBaseID != "" || out.URI != "file://"+filepath.ToSlash(filepath.Dir(root))+"/other%20file.md" {
		t.Errorf("a file outside the root: %+v", out)
	}
	rules := run.Tool.Driver.Rules
	if len(rules) != 2 || rules[0].ID != "E203" || rules[0].HelpURI != "https://example.org/spec#e203" || rules[0].FullDescription.Text == "" {
		t.Errorf("rules %+v", rules)
	}
}

// A diagnostic's span is the region's end, in UTF-16 code units and just
// past the region as SARIF counts it; without the text only the end line
// is known, and without an end there is none.
func TestSARIFRegionEnd(t *testing.T) {
	text := "x = \"é𝄞\" and y\nz = (a or\n  b)\n"
	src := func(string) []byte { return []byte(text) }
	start := len("x = ") + 1
	diags := List{
		// the string "é𝄞": 8 bytes, 5 units
		{Pos: Pos{File: "a.md", Line: 1, Col: start}, End: Pos{File: "a.md", Line: 1, Col: start + 8}, Code: "E1", Message: "m"},
		// (a or\n  b) across two lines
		{Pos: Pos{File: "a.md", Line: 2, Col: 5}, End: Pos{File: "a.md", Line: 3, Col: 5}, Code: "E1", Message: "m"},
		{Pos: Pos{File: "a.md", Line: 2, Col: 5}, Code: "E1", Message: "no end"},
	}
	type region struct{ StartLine, StartColumn, EndLine, EndColumn int }
	regions := func(log sarifLog) []region {
		var out []region
		for _, r := range log.Runs[0].Results {
			out = append(out, region(r.Locations[0].PhysicalLocation.Region))
		}
		return out
	}
	got := regions(writeSARIF(t, diags, SARIFTool{Source: src}))
	want := []region{{1, 5, 1, 10}, {2, 5, 3, 5}, {2, 5, 0, 0}}
	if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("regions %+v, want %+v", got, want)
	}
	got = regions(writeSARIF(t, diags, SARIFTool{}))
	want = []region{{1, 0, 1, 0}, {2, 0, 3, 0}, {2, 0, 0, 0}}
	if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("without the text: regions %+v, want %+v", got, want)
	}
}
