package backends_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/profile"
)

// testProfile maps two actions of process events, with each transform,
// and a log field for bare conditions.
const testProfile = `name: plain
backend: testlang
description: the emitter's tests
events:
  process/create:
    selector: [{field: EventCode, values: ["1"]}]
    present: [pid]
    fields:
      exe: {field: Image, transform: basename}
      parent_image_path: {field: ParentDir, transform: dirname}
      hostname: {field: Computer, transform: hostname}
      extension: {field: FileName, transform: extension}
      command_line: CommandLine
      pid: ProcessId
  process/terminate:
    selector: [{field: EventCode, values: ["5"]}]
    fields:
      pid: ProcessId
log:
  event_code: EventID
log_selector: [{field: Channel, values: [Security]}]
`

func loadProfile(t *testing.T) *profile.Profile {
	t.Helper()
	p, err := profile.Parse("plain.yaml", []byte(testProfile))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func query(cond ir.Cond, sources ...ir.Source) ir.Query {
	return ir.Query{Name: "q", Sources: sources, Cond: cond, Pos: pos}
}

var create = ir.Source{Object: "process", Action: "create"}

// TestMapTransforms: each transform rewrites the value so that the
// schema's field matches exactly what the CAR field would; with approx (a
// language without regular expressions) a wildcard inside a part is a
// broader pattern, noted.
func TestMapTransforms(t *testing.T) {
	p := loadProfile(t)
	for _, c := range []struct {
		name    string
		leaf    ir.Cond
		want    ir.Cond // fields as Map names them
		approx  ir.Cond // with approx; nil: the same
		noteKey string  // the approximation's kind
	}{
		{"basename, a name: after a separator", match("exe", "cmd.exe"),
			ir.Match{Field: f("Image"), Value: str(`*\cmd.exe`)}, nil, ""},
		{"basename, *name: as it is", match("exe", "*md.exe"),
			ir.Match{Field: f("Image"), Value: str(`*md.exe`)}, nil, ""},
		{"basename, a wildcard inside: a regular expression", match("exe", "c*d.exe"),
			ir.Regexp{Field: f("Image"), Pattern: `(?i)(?:^|[\\/])c[^\\/]*d\.exe$`},
			ir.Match{Field: f("Image"), Value: str(`*\c*d.exe`)}, "a pattern inside a path without regular expressions"},
		{"dirname: the path, a separator, one part", match("parent_image_path", `C:\Windows`),
			ir.Regexp{Field: f("ParentDir"), Pattern: `(?i)^C:\\Windows\\[^\\]*$`},
			ir.Match{Field: f("ParentDir"), Value: str(`C:\Windows\*`)}, "a pattern inside a path without regular expressions"},
		{"hostname: the name, or it and a dot", match("hostname", "ws1"),
			ir.Or{Terms: []ir.Cond{ir.Match{Field: f("Computer"), Value: str("ws1")}, ir.Match{Field: f("Computer"), Value: str("ws1.*")}}}, nil, ""},
		{"hostname, a wildcard: within the first label", match("hostname", "w*1"),
			ir.Regexp{Field: f("Computer"), Pattern: `(?i)^w[^.]*1(?:\..*)?$`},
			ir.Match{Field: f("Computer"), Value: str("w*1")}, "a pattern inside a host name without regular expressions"},
		{"extension: the name ends in a dot and it", match("extension", "bat"),
			ir.Match{Field: f("FileName"), Value: str("*.bat")}, nil, ""},
		{"same: renamed", match("command_line", "*x*"),
			ir.Match{Field: f("CommandLine"), Value: str("*x*")}, nil, ""},
		{"present: marked", ir.Compare{Field: f("pid"), Op: ">", Value: ir.NewValue("4", pos)},
			ir.Compare{Field: present("ProcessId"), Op: ">", Value: ir.NewValue("4", pos)}, nil, ""},
	} {
		evs, err := backends.Map(query(c.leaf, create), p, nil, nil)
		if err != nil || len(evs) != 1 || !reflect.DeepEqual(evs[0].Cond, c.want) {
			t.Errorf("%s: %+v, %v\nwant %+v", c.name, evs, err, c.want)
			continue
		}
		var approx []backends.Note
		evs, _ = backends.Map(query(c.leaf, create), p, nil, &approx)
		want := c.approx
		if want == nil {
			want = c.want
		}
		if !reflect.DeepEqual(evs[0].Cond, want) || (c.noteKey == "") != (len(approx) == 0) || (c.noteKey != "" && approx[0].Kind != c.noteKey) {
			t.Errorf("%s, approximate: %+v, notes %+v; want %+v, %q", c.name, evs[0].Cond, approx, want, c.noteKey)
		}
	}
}

// TestMapEvents: the events a query searches, each with its selector; a
// bare condition is over the log; "every action" leaves out those whose
// events lack a field the condition needs.
func TestMapEvents(t *testing.T) {
	p := loadProfile(t)
	evs, err := backends.Map(query(ir.Match{Field: f("event_code"), Value: ir.NewValue("4624", pos)}), p, nil, nil)
	if err != nil || len(evs) != 1 || evs[0].Selector[0].Field != "Channel" || ir.Fields(evs[0].Cond)[0].Name != "EventID" {
		t.Errorf("bare condition: %+v, %v", evs, err)
	}
	var explain []backends.Note
	evs, err = backends.Map(query(match("exe", "a.exe"), ir.Source{Object: "process", Action: "*"}), p, &explain, nil)
	if err != nil || len(evs) != 1 || evs[0].Source != create {
		t.Fatalf("every action: %+v, %v", evs, err)
	}
	if len(explain) != 2 || explain[0].Text != `exe → Image (the base name of its path): matches "*\\a.exe"` ||
		explain[1].Text != "events of process/terminate are left out: they carry no exe, without which the condition cannot hold" {
		t.Errorf("explain: %+v", explain)
	}
	evs, err = backends.Map(query(ir.Compare{Field: f("pid"), Op: ">", Value: ir.NewValue("4", pos)}, ir.Source{Object: "process", Action: "*"}), p, nil, nil)
	if err != nil || len(evs) != 2 {
		t.Errorf("a field of both actions: %+v, %v", evs, err)
	}
}

// TestMapRefusals: what Map cannot map is an *Unmapped or *Unsupported
// at the position of what it names, with a category.
func TestMapRefusals(t *testing.T) {
	p := loadProfile(t)
	terminate := ir.Source{Object: "process", Action: "terminate"}
	for _, c := range []struct {
		name     string
		q        ir.Query
		category string
	}{
		{"a field the event lacks", query(match("exe", "x"), terminate), "unmapped field"},
		{"an event the profile lacks", query(match("exe", "x"), ir.Source{Object: "file", Action: "create"}), "unmapped event"},
		{"any event of an object it lacks", query(match("exe", "x"), ir.Source{Object: "flow", Action: "*"}), "unmapped event"},
		{"a keyword", query(ir.Keyword{Value: str("*mimikatz*")}), "a keyword search"},
		{"a ? pattern on a rewritten field", query(ir.Match{Field: f("exe"), Value: pattern(false, lit("a"), one)}, create), "a pattern with a ? wildcard on a rewritten field"},
		{"a regular expression on a rewritten field", query(ir.Regexp{Field: f("exe"), Pattern: "a"}, create), "a regular expression on a rewritten field"},
		{"a join", ir.Query{Join: &ir.Join{}, Pos: pos}, "join"},
		{"an aggregate", ir.Query{Aggregate: &ir.Aggregate{}, Pos: pos}, "aggregation"},
	} {
		_, err := backends.Map(c.q, p, nil, nil)
		if err == nil || backends.Category(err) != c.category || !strings.HasPrefix(err.Error(), pos.String()) {
			t.Errorf("%s: %v (category %q), want category %q at %v", c.name, err, backends.Category(err), c.category, pos)
		}
		var m *backends.Unmapped
		if errors.As(err, &m) && m.Profile != "plain" {
			t.Errorf("%s: profile %q", c.name, m.Profile)
		}
	}
}

// TestConvertEach: each query's result is named by its output, and the
// first error stops the program.
func TestConvertEach(t *testing.T) {
	qs := []ir.Query{{Name: "a"}, {Name: "b"}}
	rs, err := backends.ConvertEach(qs, func(q ir.Query) (backends.Result, error) {
		return backends.Result{Query: "Q" + q.Name, Fidelity: backends.Exact}, nil
	})
	if err != nil || len(rs) != 2 || rs[1].Output != "b" || rs[1].Query != "Qb" {
		t.Errorf("%+v, %v", rs, err)
	}
	_, err = backends.ConvertEach(qs, func(q ir.Query) (backends.Result, error) {
		if q.Name == "b" {
			return backends.Result{}, errors.New("b fails")
		}
		return backends.Result{}, nil
	})
	if err == nil || err.Error() != "b fails" {
		t.Errorf("error: %v", err)
	}
}
