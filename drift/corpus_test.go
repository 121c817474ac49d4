package drift_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/backends/all"
	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/drift"
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"github.com/cartrans/cartrans/internal/testcorpus"
	"github.com/cartrans/cartrans/parser"
	"github.com/cartrans/cartrans/profile"
)

func corpus(t *testing.T) ([]*analytic.Analytic, []convert.Entry, map[string]*profile.Profile) {
	t.Helper()
	dir := filepath.Join(testcorpus.Dir(t), "analytics")
	var as []*analytic.Analytic
	for _, r := range parser.Load([]string{dir}, parser.Options{}) {
		if r.Analytic != nil {
			as = append(as, r.Analytic)
		}
	}
	var tgts []convert.Target
	profiles := map[string]*profile.Profile{}
	for _, b := range all.Backends() {
		for _, p := range b.Profiles() {
			tgts = append(tgts, convert.Target{Backend: b, Profile: p})
			profiles[b.Name()+"/"+p.Name] = p
		}
	}
	entries, _ := convert.Convert(as, tgts, convert.Options{})
	return as, entries, profiles
}

// TestReadersReadGenerated: every query cartrans generates for MITRE's
// corpus, in every language and profile, reads with the reader of its
// language, so that a drift report never fails on our own side.
func TestReadersReadGenerated(t *testing.T) {
	_, entries, _ := corpus(t)
	n := 0
	for _, e := range entries {
		var lang drift.Language
		for _, l := range drift.Languages {
			if l.Backend == e.Target {
				lang = l
			}
		}
		if lang.Read == nil {
			continue
		}
		for _, q := range e.Queries {
			n++
			if _, err := lang.Read(q.Query); err != nil {
				t.Errorf("%s %s (%s): %v\n%s", e.ID, e.Target, e.Profile, err, q.Query)
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d generated queries read", n)
	}
}

// TestDriftCorpus: the review of CAR's hand-written queries. The
// queries that do not read are the ones whose text is broken (an IN list
// closed with the wrong bracket, a parenthesis too many), and the clear
// cases of drift are found as what they are.
func TestDriftCorpus(t *testing.T) {
	as, entries, profiles := corpus(t)
	reports := drift.Analyze(as, entries, profiles)
	find := func(id, backend, name string) *drift.Report {
		for i := range reports {
			if reports[i].ID == id && reports[i].Backend == backend && strings.HasPrefix(reports[i].Implementation, name) {
				return &reports[i]
			}
		}
		t.Fatalf("no report for %s %s %q", id, backend, name)
		return nil
	}
	has := func(r *drift.Report, kind, field string) {
		t.Helper()
		for _, f := range r.Findings {
			if f.Kind == kind && f.Field == field {
				return
			}
		}
		t.Errorf("%s %s: no %s finding on %s in %+v", r.ID, r.Backend, kind, field, r.Findings)
	}
	for _, r := range reports {
		if r.Status == drift.Unreadable && !strings.Contains(r.Error, "IN list") && !strings.Contains(r.Error, `unbalanced ")"`) && r.Backend != "eql" && r.Backend != "dnif" {
			t.Errorf("%s %s %q does not read: %s", r.ID, r.Backend, r.Implementation, r.Error)
		}
	}
	// Splunk's cmd.exe under services.exe names C:\Windows\*\cmd.exe.
	has(find("CAR-2014-05-002", "splunk", ""), drift.KindFullPath, "Image")
	// "regsvr32.exe scrobj.dll" searched as full text, not CommandLine.
	has(find("CAR-2019-04-003", "splunk", ""), drift.KindFullText, "CommandLine")
	// Image="*tshark.exe" also matches notshark.exe.
	has(find("CAR-2020-11-002", "splunk", ""), drift.KindSuffix, "Image")
	// 4688 and 4657 beside Sysmon's 1 and 13.
	has(find("CAR-2021-11-002", "splunk", ""), drift.KindEventCode, "EventCode")
	// LogPoint's CAR-2019-07-001 looks for a Security event under Sysmon's norm_id.
	has(find("CAR-2019-07-001", "logpoint", ""), drift.KindEventCode, "norm_id")
	if r := find("CAR-2013-02-003", "logpoint", ""); r.Status != drift.Agrees {
		t.Errorf("CAR-2013-02-003 LogPoint: %s %+v", r.Status, r.Findings)
	}
}
