package render

import (
	"strings"
	"testing"

	"github.com/cartrans/cartrans/backends/all"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/parser"
)

const sigmaRule = `title: Whoami Privileges
id: 11111111-2222-3333-4444-555555555555
status: test
level: high
description: whoami /priv
author: A, B
date: 2024-01-02
tags:
    - attack.t1033
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        Image|endswith: '\whoami.exe'
        CommandLine|contains: '/priv'
    condition: selection
`

// A Sigma rule's page has its metadata, the rule as written, and each
// target's query or the reason it has none.
func TestSigmaPage(t *testing.T) {
	as, diags := parser.ReadAnalytics("r.yml", []byte(sigmaRule), "")
	if diags.HasErrors() || len(as) != 1 || as[0].Sigma == nil {
		t.Fatalf("read: %v %v", as, diags)
	}
	var targets []convert.Target
	for _, b := range all.Backends() {
		targets = append(targets, convert.Target{Backend: b, Profile: b.Profiles()[0]})
	}
	entries, _ := convert.Convert(as, targets, convert.Options{})
	page := string(SigmaPage(as[0], []byte(sigmaRule), entries))
	for _, want := range []string{
		`title: "11111111-2222-3333-4444-555555555555: Whoami Privileges"`,
		"|high|test|{product: windows, category: process_creation}|2024-01-02||",
		"[T1033](https://attack.mitre.org/techniques/T1033/)",
		"Authors: A, B",
		"CommandLine|contains: '/priv'",
		"#### Splunk (sysmon profile)",
		`Image="*\\whoami.exe" CommandLine="*/priv*"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
	if n := strings.Count(page, "#### "); n != len(targets) {
		t.Errorf("%d implementation headings, want %d (one per target)", n, len(targets))
	}
}

// A layer of Sigma rules says so, and counts the rule's technique.
func TestSigmaNavigator(t *testing.T) {
	as, _ := parser.ReadAnalytics("r.yml", []byte(sigmaRule), "")
	layer, diags := Navigator(as, nil, NavigatorOptions{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if layer.Name != "Sigma rules" || !strings.HasPrefix(layer.Description, "ATT&CK coverage of 1 Sigma rule;") {
		t.Errorf("name %q, description %q", layer.Name, layer.Description)
	}
	if len(layer.Techniques) == 0 || layer.Techniques[0].TechniqueID != "T1033" || !strings.HasPrefix(layer.Techniques[0].Comment, "1 Sigma rule: 11111111-2222-3333-4444-555555555555") {
		t.Errorf("techniques %+v", layer.Techniques)
	}
}
