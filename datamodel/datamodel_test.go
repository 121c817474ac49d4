package datamodel

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"github.com/cartrans/cartrans/internal/testcorpus"
)

func TestLookup(t *testing.T) {
	for _, name := range []string{"Process", "process", "PROCESS", "User Session", "User_Session", "UserSession", "user_session"} {
		if _, ok := Lookup(name); !ok {
			t.Errorf("Lookup(%q) found nothing", name)
		}
	}
	if _, ok := Lookup("Proces"); ok {
		t.Error("Lookup(Proces) found an object")
	}
	p, _ := Lookup("process")
	has := func(action string) bool { _, ok := p.Action(action); return ok }
	if !has("Create") || !has("access") || has("load") {
		t.Errorf("Process actions: %v", p.Actions)
	}
	th, _ := Lookup("thread")
	if a, ok := th.Action("RemoteCreate"); !ok || a != "remote_create" {
		t.Errorf("Thread.Action(RemoteCreate) = %q, %v", a, ok)
	}
	if !p.HasField("exe") || !p.HasField("command_line") || !p.HasField("time") || p.HasField("command_linee") {
		t.Errorf("Process fields: %v", p.Fields)
	}
	us, _ := Lookup("user_session")
	if us.ID() != "user_session" {
		t.Errorf("ID = %q", us.ID())
	}
}

// TestEmbeddedModelMatchesCorpus regenerates car.json from the corpus and
// compares: a difference means CAR's data model changed and `go generate
// ./datamodel` must be run.
func TestEmbeddedModelMatchesCorpus(t *testing.T) {
	root := testcorpus.Dir(t)
	out := filepath.Join(t.TempDir(), "car.json")
	cmd := exec.Command("go", "run", "gen.go", "-corpus", root, "-o", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gen: %v\n%s", err, msg)
	}
	fresh, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fresh, carJSON) {
		t.Errorf("car.json is stale: run go generate ./datamodel")
	}
	if len(objects()) != 13 {
		t.Errorf("%d objects, want CAR's 13", len(objects()))
	}
}

// TestAdditions: cartrans's fields are in the objects beside CAR's, marked
// as additions, documented, and none is one of CAR's own (car.json stays
// CAR's, as TestEmbeddedModelMatchesCorpus checks).
func TestAdditions(t *testing.T) {
	var car []*Object
	if err := json.Unmarshal(carJSON, &car); err != nil {
		t.Fatal(err)
	}
	added := 0
	for _, o := range Objects() {
		i := slices.IndexFunc(car, func(c *Object) bool { return c.Name == o.Name })
		if got, want := o.Fields[:len(car[i].Fields)], car[i].Fields; !slices.Equal(got, want) {
			t.Errorf("%s: CAR's fields changed: %v, want %v", o.Name, got, want)
		}
		for _, f := range o.Fields[len(car[i].Fields):] {
			a, ok := o.Addition(f)
			if !ok || a.Doc == "" || a.Sysmon == "" {
				t.Errorf("%s.%s is neither CAR's nor a documented addition", o.Name, f)
			}
			added++
		}
		for _, f := range car[i].Fields {
			if _, ok := o.Addition(f); ok {
				t.Errorf("%s.%s is CAR's, yet marked as an addition", o.Name, f)
			}
		}
	}
	p, _ := Lookup("process")
	if !p.HasField("original_file_name") {
		t.Error("Process has no original_file_name")
	}
	if r, _ := Lookup("registry"); !r.HasField("path") {
		t.Error("Registry has no path")
	}
	if added == 0 {
		t.Error("no additions")
	}
}

// TestAdditionsRefused: an additions file that names no object, redefines
// a CAR field, misspells a name or leaves one undocumented is refused,
// naming the file (and the line, for YAML faults).
func TestAdditionsRefused(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"- object: Proces\n  fields: [{name: x, doc: d, sysmon: s}]\n", `object "Proces" is not in CAR's data model`},
		{"- object: Process\n  fields: [{name: exe, doc: d, sysmon: s}]\n", `Process already has the field "exe"`},
		{"- object: Process\n  fields: [{name: OriginalFileName, doc: d, sysmon: s}]\n", "not lower case with underscores"},
		{"- object: Process\n  fields: [{name: x, sysmon: s}]\n", "needs doc and sysmon"},
		{"- object: Process\n  fields:\n    - {name: x, doc: d, sysmon: s, typo: 1}\n", "line 3"},
	} {
		var car []*Object
		if err := json.Unmarshal(carJSON, &car); err != nil {
			t.Fatal(err)
		}
		err := addFields(car, "extra.yaml", []byte(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "extra.yaml:") {
			t.Errorf("%q: %v, want extra.yaml: …%s", tc.src, err, tc.want)
		}
	}
}
