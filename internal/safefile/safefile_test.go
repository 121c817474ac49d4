package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
)

func TestCheckName(t *testing.T) {
	for _, ok := range []string{"CAR-2020-11-006", "splunk", "sysmon", "a.b_c+d-e", "x.txt", strings.Repeat("a", MaxNameLen)} {
		if err := CheckName("name", ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, c := range []struct{ s, want string }{
		{"", "name is empty"},
		{".", `starts with "."`},
		{"..", `starts with "."`},
		{".hidden", `starts with "."`},
		{"-rf", `starts with "-"`},
		{"a/b", `holds '/'`},
		{"../../x", `starts with "."`},
		{"CAR/../../x", `holds '/'`},
		{`a\b`, `holds '\\'`},
		{"C:x", `holds ':'`},
		{"a b", `holds ' '`},
		{"a\x00b", `holds '\x00'`},
		{"a\nb", `holds '\n'`},
		{"é", `holds 'é'`},
		{"\xff", `holds '�'`},
		{strings.Repeat("a", MaxNameLen+1), "is 201 bytes long; one used in a file name is at most 200"},
	} {
		err := CheckName("name", c.s)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.s, err, c.want)
		}
	}
	if _, err := Join([]string{"target", "analytic ID"}, "splunk", "../x"); err == nil || !strings.HasPrefix(err.Error(), `analytic ID "../x"`) {
		t.Errorf("Join: %v", err)
	}
	if p, err := Join([]string{"target", "analytic ID"}, "splunk", "CAR-1.txt"); err != nil || p != filepath.Join("splunk", "CAR-1.txt") {
		t.Errorf("Join: %q %v", p, err)
	}
}

// outside makes a folder with a file beside the folder a Dir is opened
// on, for symlinks to lead to.
func outside(t *testing.T) (dir, out, file string) {
	t.Helper()
	base := t.TempDir()
	dir, out = filepath.Join(base, "dir"), filepath.Join(base, "out")
	for _, d := range []string{dir, out} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	file = filepath.Join(out, "f.txt")
	if err := os.WriteFile(file, []byte("outside\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, out, file
}

func unchanged(t *testing.T, file string) {
	t.Helper()
	if b, err := os.ReadFile(file); err != nil || string(b) != "outside\n" {
		t.Errorf("%s changed: %q %v", file, b, err)
	}
}

// TestDirRefusesSymlinkOut: a file or a folder in a Dir that is a symlink
// leading out is not read, nor written through; a write replaces a
// symlinked file rather than following it; a path not of checked names
// is refused.
func TestDirRefusesSymlinkOut(t *testing.T) {
	dir, out, file := outside(t)
	if err := os.Symlink(file, filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(out, filepath.Join(dir, "sub")); err != nil {
		t.Fatal(err)
	}
	d, err := OpenDir(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	_, err = d.ReadFile("link.txt", 100, "a file", "")
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "link.txt")) || !strings.Contains(err.Error(), "escapes") || !strings.Contains(err.Error(), "symlink") {
		t.Errorf("read through a symlink leading out: %v", err)
	}
	if _, err := d.ReadFile(filepath.Join("sub", "f.txt"), 100, "a file", ""); err == nil {
		t.Error("read through a symlinked folder leading out")
	}
	if err := d.WriteFile(filepath.Join("sub", "f.txt"), []byte("x"), 0o644); err == nil {
		t.Error("wrote through a symlinked folder leading out")
	}
	if err := d.WriteFile(filepath.Join("sub", "new.txt"), []byte("x"), 0o644); err == nil {
		t.Error("wrote into a symlinked folder leading out")
	}
	if _, err := os.Stat(filepath.Join(out, "new.txt")); err == nil {
		t.Error("a file was made outside")
	}
	if err := d.WriteFile("link.txt", []byte("inside\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	unchanged(t, file)
	if st, err := os.Lstat(filepath.Join(dir, "link.txt")); err != nil || !st.Mode().IsRegular() {
		t.Errorf("the symlink was not replaced by a file: %v %v", st.Mode(), err)
	}
	for _, rel := range []string{"../x.txt", "/etc/passwd", "", ".hidden", "a//b"} {
		if err := d.WriteFile(rel, []byte("x"), 0o644); err == nil {
			t.Errorf("WriteFile(%q) was not refused", rel)
		}
		if err := d.Remove(rel); err == nil {
			t.Errorf("Remove(%q) was not refused", rel)
		}
	}
	// Remove removes a symlink, never what it leads to.
	if err := os.Symlink(file, filepath.Join(dir, "link2.txt")); err != nil {
		t.Fatal(err)
	}
	if err := d.Remove("link2.txt"); err != nil {
		t.Fatal(err)
	}
	unchanged(t, file)
}

// TestWriteFileReplacesSymlink: WriteFile puts a file where a symlink
// was, leaving what it led to as it was, and leaves no temporary file.
func TestWriteFileReplacesSymlink(t *testing.T) {
	dir, _, file := outside(t)
	p := filepath.Join(dir, "out.json")
	if err := os.Symlink(file, p); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("new\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	unchanged(t, file)
	st, err := os.Lstat(p)
	if err != nil || !st.Mode().IsRegular() || st.Mode().Perm() != 0o640 {
		t.Errorf("%s: %v %v", p, st.Mode(), err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new\n" {
		t.Errorf("content %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files left in the folder: %v", entries)
	}
}

func TestTooLargeError(t *testing.T) {
	p := filepath.Join(t.TempDir(), "p.yaml")
	os.WriteFile(p, []byte("12345678901"), 0o644)
	_, err := ReadFile(p, 10, "a profile file", "raise it with --max-profile")
	var tl *TooLargeError
	if !errors.As(err, &tl) || err.Error() != p+": too large: a profile file is at most 10 bytes (raise it with --max-profile)" {
		t.Errorf("%v", err)
	}
	if b, err := ReadFile(p, 11, "a profile file", ""); err != nil || string(b) != "12345678901" {
		t.Errorf("at the limit: %q %v", b, err)
	}
	// A stream with no size is read only up to the limit.
	if _, err := ReadFile("/dev/zero", 4<<20, "an event log", ""); err == nil || err.Error() != "/dev/zero: too large: an event log is at most 4 MiB" {
		t.Errorf("/dev/zero: %v", err)
	}
	for n, want := range map[int64]string{512 << 10: "512 KiB", 16 << 20: "16 MiB", 1000: "1000 bytes", 1<<20 + 1: "1048577 bytes"} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestReplace: Replace goes through a rename (a hard link to the old file
// keeps the old content), keeps the mode, and refuses a file that changed
// since it was read, grown or shrunk or edited.
func TestReplace(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "page.md")
	os.WriteFile(p, []byte("old\n"), 0o600)
	link := filepath.Join(dir, "link")
	if err := os.Link(p, link); err != nil {
		t.Fatal(err)
	}
	if err := Replace(p, []byte("old\n"), []byte("new\n")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new\n" {
		t.Errorf("content %q", b)
	}
	if b, _ := os.ReadFile(link); string(b) != "old\n" {
		t.Errorf("the old file was written in place: %q", b)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}
	for _, now := range []string{"edited\n", "new\nmore\n", "ne"} {
		os.WriteFile(p, []byte(now), 0o600)
		err := Replace(p, []byte("new\n"), []byte("newer\n"))
		if !errors.Is(err, ErrChanged) || !strings.HasPrefix(err.Error(), p+": changed since it was read") {
			t.Errorf("file now %q: %v", now, err)
		}
		if b, _ := os.ReadFile(p); string(b) != now {
			t.Errorf("file now %q was overwritten: %q", now, b)
		}
	}
	// A symlink the user names is followed: the file it leads to is
	// rewritten, and the link stays a link.
	sub := t.TempDir()
	named := filepath.Join(sub, "named.md")
	if err := os.Symlink(p, named); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(p, []byte("old\n"), 0o600)
	if err := Replace(named, []byte("old\n"), []byte("through\n")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "through\n" {
		t.Errorf("the file the link leads to: %q", b)
	}
	if st, err := os.Lstat(named); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", st.Mode(), err)
	}
	if err := Replace(filepath.Join(dir, "nosuch"), nil, []byte("x")); err == nil {
		t.Error("Replace made a file")
	}
}

// BenchmarkWriteFile: what an atomic write of a golden file costs (a
// temporary file, fsync, rename) against a write in place.
func BenchmarkWriteFile(b *testing.B) {
	data := []byte(strings.Repeat("index=x EventCode=1 Image=\"*\\\\cmd.exe\"\n", 2))
	dir := b.TempDir()
	b.Run("atomic", func(b *testing.B) {
		p := filepath.Join(dir, "a.txt")
		for b.Loop() {
			if err := WriteFile(p, data, 0o644); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("in-place", func(b *testing.B) {
		p := filepath.Join(dir, "b.txt")
		for b.Loop() {
			if err := os.WriteFile(p, data, 0o644); err != nil {
				b.Fatal(err)
			}
		}
	})
}
