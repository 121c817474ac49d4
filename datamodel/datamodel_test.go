package datamodel

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
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
