package drift

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/backends/splunk"
	"github.com/cartrans/cartrans/profile"
)

func splunkProfile(t *testing.T, name string) *profile.Profile {
	t.Helper()
	for _, p := range (splunk.Backend{}).Profiles() {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no splunk profile %s", name)
	return nil
}

// TestCompare: each kind of difference, found where it is and named as
// such, and nothing reported where the two queries mean the same.
func TestCompare(t *testing.T) {
	p := splunkProfile(t, "sysmon")
	d := withSelectors(Languages["splunk"].Dialect, p)
	gen := `index=__your_sysmon_index__ EventCode=1 Image="*\\cmd.exe" ParentImage="*\\services.exe"`
	for _, c := range []struct {
		name, hand, gen string
		want            []string // kind: field
	}{
		{"same meaning, other spelling", `index=main  (EventCode=1) ParentImage="*\\SERVICES.EXE" AND Image="*\\cmd.exe"`, gen, nil},
		{"full path for a base name", `EventCode=1 Image="C:\\Windows\\*\\cmd.exe" ParentImage="*\\services.exe"`, gen, []string{"full-path: Image"}},
		{"substring", `EventCode=1 Image="*cmd.exe*" ParentImage="*\\services.exe"`, gen, []string{"substring: Image"}},
		{"suffix without separator", `EventCode=1 Image="*cmd.exe" ParentImage="*\\services.exe"`, gen, []string{"suffix: Image"}},
		{"event code", `EventCode=4688 Image="*\\cmd.exe" ParentImage="*\\services.exe"`, gen, []string{"event-code: EventCode"}},
		{"no event code", `Image="*\\cmd.exe" ParentImage="*\\services.exe"`, gen, []string{"event-code: EventCode"}},
		{"missing and extra", `EventCode=1 Image="*\\cmd.exe" User="SYSTEM"`, gen, []string{"missing: ParentImage", "extra: User"}},
		{"full-text term", `EventCode=1 Image="*\\cmd.exe" services.exe`, gen, []string{"full-text: ParentImage"}},
		{"negated on one side", `EventCode=1 Image="*\\cmd.exe" ParentImage!="*\\services.exe"`, gen, []string{"negation: ParentImage"}},
		{"case", `EventCode=1 Image="*\\cmd.exe" | where like(ParentImage, "%\\services.exe")`, gen, []string{"case: ParentImage"}},
		{"another field", `EventCode=1 Image="*\\cmd.exe" ParentCommandLine="*\\services.exe"`, gen, []string{"field: ParentImage"}},
		{"regex of the same meaning", `EventCode=1 | where match(Image, "(?i)^.*\\\\cmd\\.exe$") AND match(ParentImage, "(?i)\\\\services\\.exe$")`, gen, nil},
		{"never matches", `EventCode=1 Image="C:\\Windows\\System32\\hh.exe"`, `EventCode=1 Image="*\\C:\\Windows\\System32\\hh.exe"`, []string{"never-matches: Image"}},
		{"base name for a path", `EventCode=1 Image="*\\hh.exe"`, `EventCode=1 Image="C:\\Windows\\hh.exe"`, []string{"base-name: Image"}},
		{"another value", `EventCode=1 CommandLine="* /c *"`, `EventCode=1 CommandLine="* /k *"`, []string{"value: CommandLine"}},
	} {
		h, err := ReadSplunk(c.hand)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		g, err := ReadSplunk(c.gen)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var got []string
		for _, f := range Compare(h, g, d, p) {
			got = append(got, f.Kind+": "+f.Field)
			if f.Message == "" {
				t.Errorf("%s: %s without a message", c.name, f.Kind)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

// TestRegexGlob: the regular expressions cartrans and people write for a
// glob read as that glob; others stay regular expressions.
func TestRegexGlob(t *testing.T) {
	for re, want := range map[string]string{
		`^.*\\cmd\.exe$`:                   `*\cmd.exe`,
		`(?:^|[\\/])procdump[^\\/]*\.exe$`: `*\procdump*.exe`,
		`(?:^|[\\/])C:\\Windows\\hh\.exe$`: `C:\Windows\hh.exe`,
		`.*cmd\.exe.*`:                     `*cmd.exe*`,
		`sekurlsa`:                         `*sekurlsa*`,
		`^a\s+b$`:                          "",
		`arp\.exe|at\.exe`:                 "",
	} {
		got, ok := regexGlob(re)
		if !ok {
			got = ""
		}
		if got != want {
			t.Errorf("%s: got %q, want %q", re, got, want)
		}
	}
	if _, re, fold := globOf(Value{Kind: Regex, Text: `(?i)^x$`}); re || !fold {
		t.Errorf("(?i) is a case-insensitive glob")
	}
	if !strings.Contains(fmt.Sprint(literals(`c:\windows\*\cmd.exe`)), "cmd.exe") {
		t.Error("literals")
	}
}

func TestGlobMatch(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{
		{`*\cmd.exe`, `c:\windows\cmd.exe`, true},
		{`*\cmd.exe`, `c:\windows\xcmd.exe`, false},
		{`*cmd?exe*`, `c:\cmd.exe.bak`, true},
		{`c:\windows\*\at.exe`, `d:\at.exe`, false},
		{`*a*a*a*b`, strings.Repeat("a", 10000), false},
		{``, ``, true},
		{`*`, ``, true},
	} {
		if got := globMatch(c.p, c.s); got != c.want {
			t.Errorf("%q ~ %q = %v", c.p, c.s, got)
		}
	}
}
