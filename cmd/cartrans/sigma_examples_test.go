package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The README's fresh-clone commands over the shipped Sigma examples:
// convert translates both rules (exit 0, every target writing or
// refusing each with its reason), and run finds the events each must
// find in the sample log.
func TestSigmaExamples(t *testing.T) {
	out, errs, code := cli(t, "", "convert", "../../examples/analytics", "../../examples/sigma")
	if code != 0 {
		t.Fatalf("convert: exit %d\n%s", code, errs)
	}
	for _, want := range []string{
		"# 4f1c2d8e-9a3b-4c5d-8e7f-102938475601 Scheduled Task Created to Run at Logon\n# splunk (sysmon): exact\n",
		`CommandLine IN ("*-create*", "*/create*", "*–create*", "*—create*", "*―create*")`,
		"# 4f1c2d8e-9a3b-4c5d-8e7f-102938475602 Hidden PowerShell Downloading and Running Code\n# splunk (sysmon): exact\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("convert output lacks %q", want)
		}
	}
	// Each match of a Sigma rule carries its title, level and status.
	out, errs, code = cli(t, "", "run", "../../examples/sigma", "--events", "../../examples/events")
	if code != 0 || !strings.Contains(out, `"title":"Scheduled Task Created to Run at Logon","level":"medium","status":"experimental"}`) {
		t.Errorf("run: exit %d, the match lacks the rule's title, level and status:\n%s%s", code, out, errs)
	}
	_, errs, code = cli(t, "", "run", "--count", "../../examples/analytics", "../../examples/sigma", "--events", "../../examples/events")
	if code != 0 {
		t.Fatalf("run: exit %d\n%s", code, errs)
	}
	for _, want := range []string{
		"4f1c2d8e-9a3b-4c5d-8e7f-102938475601 detection: 1 match\n",
		"4f1c2d8e-9a3b-4c5d-8e7f-102938475602 detection: 2 matches\n",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("run --count lacks %q:\n%s", want, errs)
		}
	}
}

// A Sigma rule of a Windows log reads the events' own fields: flat (as
// Windows names them) and, under the winlogbeat schema, under
// winlog.event_data, fields no log map lists included.
func TestSigmaLogRuleFields(t *testing.T) {
	dir := t.TempDir()
	rule := filepath.Join(dir, "r.yml")
	os.WriteFile(rule, []byte(`title: Script block
id: 5a1f0c2e-0000-4000-8000-000000000001
logsource:
    product: windows
    category: ps_script
detection:
    sel:
        ScriptBlockText|contains: Invoke-Mimikatz
    condition: sel
`), 0o644)
	events := filepath.Join(dir, "e.ndjson")
	os.WriteFile(events, []byte(
		`{"EventID":4104,"Channel":"Microsoft-Windows-PowerShell/Operational","Computer":"a","ScriptBlockText":"IEX (Invoke-Mimikatz -DumpCreds)"}`+"\n"+
			`{"EventID":4104,"Channel":"Microsoft-Windows-PowerShell/Operational","Computer":"a","ScriptBlockText":"Get-Date"}`+"\n"+
			`{"EventID":4103,"Channel":"Microsoft-Windows-PowerShell/Operational","Computer":"a","ScriptBlockText":"Invoke-Mimikatz"}`+"\n"+
			`{"winlog":{"event_id":4104,"channel":"PowerShellCore/Operational","computer_name":"b","event_data":{"ScriptBlockText":"invoke-mimikatz"}}}`+"\n"), 0o644)
	_, errs, code := cli(t, "", "run", "--count", rule, "--events", events)
	if code != 0 || !strings.Contains(errs, "5a1f0c2e-0000-4000-8000-000000000001 detection: 2 matches") {
		t.Errorf("exit %d: want the flat 4104 and the winlogbeat one (not 4103, not Get-Date):\n%s", code, errs)
	}
}
