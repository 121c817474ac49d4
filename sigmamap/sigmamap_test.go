package sigmamap

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/backends/native"
	"github.com/cartrans/cartrans/datamodel"
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"github.com/cartrans/cartrans/internal/testcorpus"
	"github.com/cartrans/cartrans/profile"
	"github.com/cartrans/cartrans/sigma"
)

// sysmonProfiles are the profiles over Sysmon's own field names, which
// must map every field the mapping gives a Sysmon category.
func sysmonProfiles(t testing.TB) []*profile.Profile {
	t.Helper()
	var out []*profile.Profile
	p, err := profile.Load("../backends/splunk/profiles/sysmon.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, p)
	data, err := os.ReadFile("../backends/native/schemas/sysmon.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := native.ParseSchema("sysmon.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	return append(out, &s.Profile)
}

// knowinglyUnmapped are CAR fields the mapping names that the Sysmon
// profiles do not map, with the reason; any other gap fails the test.
var knowinglyUnmapped = map[string]string{
	"process/create.md5_hash":    "Sysmon writes hashes only together, as Hashes (CAR's hashes)",
	"process/create.sha1_hash":   "Sysmon writes hashes only together, as Hashes",
	"process/create.sha256_hash": "Sysmon writes hashes only together, as Hashes",
	// Sysmon's event 14 (a rename) is not seen with User in the events
	// recorded (12 and 13 are): the profiles map it on those only.
	"registry/key_edit.user": "no recorded Sysmon event 14 with User",
}

func TestEmbedded(t *testing.T) {
	m := Default()
	if len(m.Sources) < 20 {
		t.Fatalf("%d entries", len(m.Sources))
	}
	s, err := m.Lookup(sigma.LogSource{Product: "windows", Category: "process_creation"})
	if err != nil || s.Object != "process" || !slices.Equal(s.Actions, []string{"create"}) || s.Fields["OriginalFileName"] != "original_file_name" {
		t.Errorf("process_creation: %+v, %v", s, err)
	}
	if _, err := m.Lookup(sigma.LogSource{Product: "windows", Category: "file_access"}); err == nil || !strings.Contains(err.Error(), "ETW provider") {
		t.Errorf("file_access: %v", err)
	}
	// A Sysmon event CAR has no object for is its events in Sysmon's
	// log, by their own field names.
	if s, err := m.Lookup(sigma.LogSource{Product: "windows", Category: "dns_query"}); err != nil || s.Log != "Microsoft-Windows-Sysmon/Operational" || !slices.Equal(s.EventIDs, []int{22}) {
		t.Errorf("dns_query: %+v, %v", s, err)
	} else if f, ok := s.Field("QueryName"); !ok || f != "QueryName" {
		t.Errorf("dns_query: QueryName is %q, %v", f, ok)
	}
	if s, err := m.Lookup(sigma.LogSource{Product: "windows", Category: "ps_script"}); err != nil || !slices.Equal(s.Channels(), []string{"Microsoft-Windows-PowerShell/Operational", "PowerShellCore/Operational"}) {
		t.Errorf("ps_script: %+v, %v", s, err)
	}
	if _, err := m.Lookup(sigma.LogSource{Product: "linux", Category: "process_creation"}); err == nil || !strings.Contains(err.Error(), "has no entry") {
		t.Errorf("linux: %v", err)
	}
	if s, err := m.Lookup(sigma.LogSource{Product: "windows", Service: "security"}); err != nil || s.Log != "Security" || s.Fields["EventID"] != "event_code" {
		t.Errorf("security: %+v, %v", s, err)
	}
}

// TestMappedFieldsExist: every CAR field the mapping names is in the data
// model (CAR's or an addition), and every one of a Sysmon category is
// mapped by the Sysmon profiles unless listed as knowingly unmapped; a log
// service's fields are in the profiles' log maps.
func TestMappedFieldsExist(t *testing.T) {
	for _, s := range Default().Sources {
		if s.Object != "" {
			o, _ := datamodel.Lookup(s.Object)
			for sf, cf := range s.Fields {
				if !o.HasField(cf) {
					t.Errorf("%s: %s → %s.%s, not in the data model", s, sf, o.Name, cf)
				}
			}
		}
		for _, p := range sysmonProfiles(t) {
			for _, cf := range s.Fields {
				if s.Log != "" {
					if _, ok := p.Log["log_name"]; !ok {
						// A profile that cannot tell the logs apart (splunk's
						// sysmon: no source names the add-on's field for
						// the channel) refuses every service rule, whatever
						// its fields.
						continue
					}
					if _, ok := p.Log[cf]; !ok {
						t.Errorf("%s: log field %s not mapped by %s/%s", s, cf, p.Backend, p.Name)
					}
					continue
				}
				// One of the actions' events mapping the field is enough
				// (Check's rule for registry_event).
				var keys []string
				mapped := false
				for _, a := range s.Actions {
					keys = append(keys, profile.Key(s.Object, a)+"."+cf)
					if ev, ok := p.Event(s.Object, a); ok {
						if _, ok := ev.Fields[cf]; ok {
							mapped = true
						}
					}
				}
				key := strings.Join(keys, "|")
				_, known := knowinglyUnmapped[key]
				switch {
				case !mapped && !known:
					t.Errorf("%s: %s not mapped by %s/%s", s, key, p.Backend, p.Name)
				case mapped && known:
					t.Errorf("%s: %s is mapped by %s/%s, yet listed as unmapped", s, key, p.Backend, p.Name)
				}
			}
		}
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	os.WriteFile(good, []byte("- logsource: {product: windows, category: process_creation}\n  object: Process\n  actions: [Create]\n  fields: {Image: image_path}\n"), 0o644)
	m, err := Load(good)
	if err != nil || m.Sources[0].Object != "process" || m.Sources[0].Actions[0] != "create" {
		t.Fatalf("%+v, %v", m, err)
	}
	for _, tc := range []struct{ src, want string }{
		{"- logsource: {product: windows}\n  object: Proces\n  actions: [create]\n", `bad.yaml:1: logsource {product: windows}: "Proces" is not a CAR data model object`},
		{"- logsource: {category: x}\n  refuse: r\n- logsource: {category: y}\n  object: process\n  actions: [load]\n", `bad.yaml:3: logsource {category: y}: Process has no action "load"`},
		{"- logsource: {category: x}\n  object: process\n  actions: [create]\n  fields:\n    Image: Image\n", `bad.yaml:1: logsource {category: x}: field Image maps to "Image", which Process does not have`},
		{"- logsource: {category: x}\n  log: Security\n  refuse: r\n", "bad.yaml:1: logsource {category: x}: give exactly one of"},
		{"- logsource: {category: x}\n  refuse: r\n- logsource: {category: x}\n  refuse: r\n", "bad.yaml:3: logsource {category: x} is mapped twice (first on line 1)"},
		{"- logsource: {category: x}\n  refuse: r\n  typo: 1\n", "bad.yaml:3: field typo not found"},
		{"- logsource: {}\n  refuse: r\n", "bad.yaml:1: an entry needs a logsource"},
	} {
		bad := filepath.Join(dir, "bad.yaml")
		os.WriteFile(bad, []byte(tc.src), 0o644)
		_, err := Load(bad)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q:\n got %v\nwant …%s", tc.src, err, tc.want)
		}
	}
	if _, err := Load(filepath.Join(dir, "none.yaml")); err == nil {
		t.Error("a missing file loaded")
	}
}

// TestCheck: a rule is refused per field and per profile, with the reason.
func TestCheck(t *testing.T) {
	src := "title: t\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel:\n    Image|endswith: '\\x.exe'\n    ParentUser: u\n    md5: abc\n  condition: sel\n"
	rules, diags := sigma.Parse("r.yml", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	refusals := Default().Check(rules[0], sysmonProfiles(t)[0])
	var got []string
	for _, r := range refusals {
		got = append(got, r.Error())
	}
	want := []string{
		"r.yml:6:5: Sigma field ParentUser has no CAR field under logsource {product: windows, category: process_creation}",
		"r.yml:7:5: Sigma field md5 is CAR's process.md5_hash, which profile sysmon (splunk) does not map for process/create events",
	}
	if len(got) != len(want) {
		t.Fatalf("got %q", got)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("got %q\nwant %q…", got[i], want[i])
		}
	}
}

// TestCorpusCoverage measures the mapping over SigmaHQ's rules/: how many
// rules each logsource has, which fields they test, and how many Windows
// rules of a mapped logsource have every field mapped by the Sysmon
// profiles. It fails if that count drops below what it was measured at.
func TestCorpusCoverage(t *testing.T) {
	root := filepath.Join(testcorpus.SigmaDir(t), "rules")
	var paths []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".yml") {
			paths = append(paths, p)
		}
		return nil
	})
	profiles := sysmonProfiles(t)
	m := Default()
	type stat struct {
		rules, mapped int
		covered       []int
		fields        map[string]int
	}
	stats := map[string]*stat{}
	for _, p := range paths {
		rules, _ := sigma.Read(p)
		for _, r := range rules {
			if r.Detection == nil {
				continue
			}
			ls := r.LogSource
			key := fmt.Sprintf("%s/%s/%s", ls.Product, ls.Category, ls.Service)
			st := stats[key]
			if st == nil {
				st = &stat{fields: map[string]int{}, covered: make([]int, len(profiles))}
				stats[key] = st
			}
			st.rules++
			seen := map[string]bool{}
			for _, s := range r.Detection.Searches {
				for _, g := range s.Groups {
					for _, it := range g.Items {
						if it.Field != "" && !seen[it.Field] {
							seen[it.Field] = true
							st.fields[it.Field]++
						}
					}
				}
			}
			if _, err := m.Lookup(ls); err != nil {
				continue
			}
			st.mapped++
			for i, prof := range profiles {
				if len(m.Check(r, prof)) == 0 {
					st.covered[i]++
				}
			}
		}
	}
	keys := make([]string, 0, len(stats))
	for k := range stats {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return stats[keys[i]].rules > stats[keys[j]].rules })
	total := make([]int, len(profiles))
	for _, k := range keys {
		st := stats[k]
		if st.mapped == 0 {
			continue
		}
		type fc struct {
			f string
			n int
		}
		var fs []fc
		for f, n := range st.fields {
			fs = append(fs, fc{f, n})
		}
		sort.Slice(fs, func(i, j int) bool { return fs[i].n > fs[j].n || fs[i].n == fs[j].n && fs[i].f < fs[j].f })
		t.Logf("%-35s %4d rules, all fields mapped: splunk/sysmon %d, native/sysmon %d; fields %v", k, st.rules, st.covered[0], st.covered[1], fs)
		for i := range total {
			total[i] += st.covered[i]
		}
	}
	t.Logf("%d files; rules with every field mapped: splunk/sysmon %d, native/sysmon %d", len(paths), total[0], total[1])
	// Measured when written (SigmaHQ rules as checked out); a drop means
	// a mapping or profile entry was lost.
	for i, p := range profiles {
		if total[i] < minCovered {
			t.Errorf("%s/%s: %d rules fully mapped, fewer than the %d measured", p.Backend, p.Name, total[i], minCovered)
		}
	}
}

// minCovered is TestCorpusCoverage's floor: the rules with every field
// mapped when it was measured (1763 of the Sysmon categories' rules, 16
// of the Security log's, 1 of the System log's).
const minCovered = 1780
