package main

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/internal/testcorpus"
)

// snapshot is every file under dir with its content, for asserting that
// a command wrote nothing there.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		files[p] = string(b)
		return err
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return files
}

func sameFiles(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	for p, b := range before {
		if a, ok := after[p]; !ok || a != b {
			t.Errorf("%s: %s changed or removed (now %q)", what, p, a)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("%s: %s written", what, p)
		}
	}
}

// TestIDLeadingOutOfTheFolder: a YAML analytic whose ID is a path out of
// the folder is an error at its id line, and convert --out and check
// --golden, with or without --update, neither write, delete nor show a
// file outside the folder named.
func TestIDLeadingOutOfTheFolder(t *testing.T) {
	base := t.TempDir()
	src, err := os.ReadFile("../../examples/analytics/CAR-2026-11-904.yaml")
	if err != nil {
		t.Fatal(err)
	}
	yamlFile := filepath.Join(base, "in", "bad.yaml")
	os.MkdirAll(filepath.Dir(yamlFile), 0o755)
	bad := strings.Replace(string(src), "id: CAR-2026-11-904", `id: "../../../tmp/victim/x"`, 1)
	if err := os.WriteFile(yamlFile, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	idLine := strings.Count(bad[:strings.Index(bad, "id: ")], "\n") + 1
	// DIR/splunk-sysmon/../../../tmp/victim/x.txt is base/tmp/victim/x.txt.
	dir := filepath.Join(base, "a", "out")
	victim := filepath.Join(base, "tmp", "victim")
	os.MkdirAll(victim, 0o755)
	os.WriteFile(filepath.Join(victim, "x.txt"), []byte("victim's x\n"), 0o644)
	os.WriteFile(filepath.Join(victim, "other.txt"), []byte("victim's other\n"), 0o644)
	before := snapshot(t, victim)

	_, errs, code := cli(t, "", "convert", "--out", dir, yamlFile)
	wantErr := yamlFile + ":" + strconv.Itoa(idLine) + ":1: error: analytic ID \"../../../tmp/victim/x\" starts with \".\""
	if code != 1 || !strings.Contains(errs, wantErr) || !strings.Contains(errs, "nothing is written for it") {
		t.Errorf("convert --out: exit %d, want an error %q; stderr:\n%s", code, wantErr, errs)
	}
	if got := snapshot(t, dir); len(got) != 0 {
		t.Errorf("convert --out wrote %v", got)
	}
	for _, update := range []bool{false, true} {
		args := []string{"check", yamlFile, "--golden", dir}
		if update {
			args = append(args, "--update")
		}
		out, errs, code := cli(t, "", args...)
		if code != 1 || !strings.Contains(errs, wantErr) || strings.Contains(out, "victim") {
			t.Errorf("%v: exit %d; stdout:\n%s\nstderr:\n%s", args, code, out, errs)
		}
	}
	sameFiles(t, "outside the folder", before, snapshot(t, victim))
	if got := snapshot(t, dir); len(got) != 0 {
		t.Errorf("check --update wrote %v", got)
	}

	// An analytic without an ID is an error, not a file named ".txt".
	noID := strings.Replace(string(src), "id: CAR-2026-11-904\n", "", 1)
	os.WriteFile(yamlFile, []byte(noID), 0o644)
	_, errs, code = cli(t, "", "convert", "--out", dir, yamlFile)
	if code != 1 || !strings.Contains(errs, "analytic ID is empty") {
		t.Errorf("no ID: exit %d; stderr:\n%s", code, errs)
	}
	if got := snapshot(t, dir); len(got) != 0 {
		t.Errorf("no ID: convert --out wrote %v", got)
	}
}

// TestProfileNameLeadingOutOfTheFolder: a profile file whose name is a
// path out of the folder is an error naming the file, before anything
// is written.
func TestProfileNameLeadingOutOfTheFolder(t *testing.T) {
	base := t.TempDir()
	p := filepath.Join(base, "mine.yaml")
	profileText := `name: "../../../victim"
backend: splunk
prefix: index=edr
events:
  process/create:
    selector: [{field: type, values: [proc_start]}]
    fields:
      exe: {field: proc_path, transform: basename}
      parent_exe: {field: parent_path, transform: basename}
`
	os.WriteFile(p, []byte(profileText), 0o644)
	// DIR/splunk-../../../victim is base/victim.
	dir := filepath.Join(base, "out")
	victim := filepath.Join(base, "victim")
	os.MkdirAll(victim, 0o755)
	os.WriteFile(filepath.Join(victim, "CAR-2026-11-901.txt"), []byte("victim\n"), 0o644)
	before := snapshot(t, victim)
	want := p + `: profile name "../../../victim" starts with "."`
	for _, args := range [][]string{
		{"convert", "--profile", p, "--out", dir, example},
		{"check", "--profile", p, example, "--golden", dir},
		{"check", "--profile", p, example, "--golden", dir, "--update"},
	} {
		out, errs, code := cli(t, "", args...)
		if code != 1 || !strings.Contains(errs, want) || strings.Contains(out, "victim") {
			t.Errorf("%v: exit %d, want an error %q; stdout:\n%s\nstderr:\n%s", args, code, want, out, errs)
		}
	}
	sameFiles(t, "outside the folder", before, snapshot(t, victim))
	if got := snapshot(t, dir); len(got) != 0 {
		t.Errorf("wrote %v", got)
	}
}

// TestGoldenSymlinkLeadingOut: a golden file, or a golden folder, that is
// a symlink to a place outside the folder is refused: check neither
// shows what it leads to nor writes through it.
func TestGoldenSymlinkLeadingOut(t *testing.T) {
	base := t.TempDir()
	golden := filepath.Join(base, "queries")
	if out, _, code := cli(t, "", "check", example, "--golden", golden, "--update"); code != 0 {
		t.Fatalf("update: exit %d\n%s", code, out)
	}
	outside := filepath.Join(base, "outside")
	os.MkdirAll(outside, 0o755)
	os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("outside secret\n"), 0o644)
	os.WriteFile(filepath.Join(outside, "CAR-2026-11-901.txt"), []byte("outside file\n"), 0o644)
	before := snapshot(t, outside)
	file := filepath.Join(golden, "splunk-sysmon", "CAR-2026-11-901.txt")
	os.Remove(file)
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), file); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(golden, "eql-endgame")
	os.RemoveAll(folder)
	if err := os.Symlink(outside, folder); err != nil {
		t.Fatal(err)
	}
	for _, update := range []bool{false, true} {
		args := []string{"check", example, "--golden", golden}
		if update {
			args = append(args, "--update")
		}
		out, errs, code := cli(t, "", args...)
		if code != 1 || strings.Contains(out, "outside") || !strings.Contains(errs, "escapes") {
			t.Errorf("%v: exit %d; stdout:\n%s\nstderr:\n%s", args, code, out, errs)
		}
	}
	sameFiles(t, "outside the folder", before, snapshot(t, outside))
}

// TestConvertOutRerun: convert --out again writes only the files whose
// content differs (each write is a synced rename, so a rerun that
// changes nothing costs reads only).
func TestConvertOutRerun(t *testing.T) {
	dir := t.TempDir()
	cli(t, "", "convert", "--out", dir, example)
	same, changed := filepath.Join(dir, "splunk-sysmon", "CAR-2026-11-901.txt"), filepath.Join(dir, "eql-endgame", "CAR-2026-11-901.txt")
	before, _ := os.Stat(same)
	want, _ := os.ReadFile(changed)
	os.WriteFile(changed, []byte("edited\n"), 0o644)
	if _, errs, code := cli(t, "", "convert", "--out", dir, example); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if after, err := os.Stat(same); err != nil || !os.SameFile(before, after) {
		t.Errorf("%s, unchanged, was rewritten", same)
	}
	if got, _ := os.ReadFile(changed); string(got) != string(want) || len(want) == 0 {
		t.Errorf("%s, edited, holds %q", changed, got)
	}
}

// BenchmarkGoldenCorpus: check --update of MITRE's corpus into a fresh
// folder (every file written, each synced and renamed), then check of it
// (every file read through the folder's root), every profile.
func BenchmarkGoldenCorpus(b *testing.B) {
	corpus := filepath.Join(testcorpus.Dir(b), "analytics")
	for _, mode := range []string{"update", "compare"} {
		b.Run(mode, func(b *testing.B) {
			golden := filepath.Join(b.TempDir(), "q")
			if code := run([]string{"check", corpus, "--profile", "all", "--golden", golden, "--update"}, strings.NewReader(""), io.Discard, io.Discard); code > 1 {
				b.Fatalf("exit %d", code)
			}
			for i := 0; b.Loop(); i++ {
				args := []string{"check", corpus, "--profile", "all", "--golden", golden}
				if mode == "update" {
					args = []string{"check", corpus, "--profile", "all", "--golden", filepath.Join(golden, strconv.Itoa(i)), "--update"}
				}
				run(args, strings.NewReader(""), io.Discard, io.Discard)
			}
		})
	}
}
