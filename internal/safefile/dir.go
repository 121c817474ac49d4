package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// MaxNameLen bounds one name built from data; file systems allow 255 bytes.
const MaxNameLen = 200

// CheckName reports why s cannot be one element of a path built from data
// (an analytic ID, a profile or target name, an output name): it must be
// 1 to MaxNameLen bytes of ASCII letters, digits, '.', '_', '+' and '-', and
// must not start with '.' or '-'. The alphabet is closed so that no name can
// hold a separator, "..", a drive letter, a control character or anything
// a shell or a file system reads specially. what names the value in the
// error ("analytic ID").
func CheckName(what, s string) error {
	if s == "" {
		return fmt.Errorf("%s is empty, and a file name is built from it", what)
	}
	if len(s) > MaxNameLen {
		return fmt.Errorf("%s %.40q… is %d bytes long; one used in a file name is at most %d", what, s, len(s), MaxNameLen)
	}
	if s[0] == '.' || s[0] == '-' {
		return fmt.Errorf("%s %q starts with %q, and a file name is built from it", what, s, s[:1])
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '+' || c == '-' {
			continue
		}
		r, _ := utf8.DecodeRuneInString(s[i:]) // name 'é', not its first byte
		return fmt.Errorf("%s %q holds %q, and a file name is built from it: only letters, digits, '.', '_', '+' and '-' may be used", what, s, r)
	}
	return nil
}

// Dir is a folder the user named, opened so that every path built inside
// it stays inside it: each element is checked with CheckName, and every
// operation goes through an *os.Root, which refuses a symlink or ".." that
// leads out.
type Dir struct {
	Path string
	root *os.Root
}

// OpenDir opens the folder at path, creating it first when create is set.
func OpenDir(path string, create bool) (*Dir, error) {
	if create {
		if err := os.MkdirAll(path, 0o755); err != nil {
			return nil, err
		}
	}
	root, err := os.OpenRoot(path)
	if err != nil {
		return nil, err
	}
	return &Dir{Path: path, root: root}, nil
}

// Close releases the folder.
func (d *Dir) Close() error { return d.root.Close() }

// Join builds a path relative to the folder from checked elements; what
// names each element in order, for the error ("target", "analytic ID").
// The result uses the OS separator.
func Join(what []string, elems ...string) (string, error) {
	for i, e := range elems {
		w := "name"
		if i < len(what) {
			w = what[i]
		}
		if err := CheckName(w, e); err != nil {
			return "", err
		}
	}
	return filepath.Join(elems...), nil
}

// checkRel checks a relative path made by Join.
func checkRel(rel string) error {
	if rel == "" || filepath.IsAbs(rel) {
		return fmt.Errorf("%q is not a path inside the folder", rel)
	}
	for _, e := range strings.Split(filepath.ToSlash(rel), "/") {
		if err := CheckName("path element", e); err != nil {
			return err
		}
	}
	return nil
}

// WriteFile writes rel atomically, making its folders; rel must be built of
// checked names.
func (d *Dir) WriteFile(rel string, data []byte, perm fs.FileMode) error {
	if err := checkRel(rel); err != nil {
		return err
	}
	if dir := filepath.Dir(rel); dir != "." {
		if err := d.root.MkdirAll(dir, 0o755); err != nil {
			return d.wrap(err)
		}
	}
	return d.wrap(writeIn(d.root, rel, data, perm))
}

// ReadFile reads rel, at most limit bytes.
func (d *Dir) ReadFile(rel string, limit int64, what, raise string) ([]byte, error) {
	if err := checkRel(rel); err != nil {
		return nil, err
	}
	f, err := d.root.Open(rel)
	if err != nil {
		return nil, d.wrap(err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, d.wrap(err)
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{Path: filepath.Join(d.Path, rel), Limit: limit, What: what, Raise: raise}
	}
	return data, nil
}

// Lstat reports on rel without following a final symlink.
func (d *Dir) Lstat(rel string) (fs.FileInfo, error) {
	if err := checkRel(rel); err != nil {
		return nil, err
	}
	st, err := d.root.Lstat(rel)
	return st, d.wrap(err)
}

// Remove removes the file rel (never a folder's contents).
func (d *Dir) Remove(rel string) error {
	if err := checkRel(rel); err != nil {
		return err
	}
	return d.wrap(d.root.Remove(rel))
}

// wrap names the folder in an error from the root, which names only the
// relative path.
func (d *Dir) wrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if !filepath.IsAbs(pe.Path) {
			pe.Path = filepath.Join(d.Path, pe.Path)
		}
		// The root's refusal says only "path escapes from parent"; say
		// why. Its sentinel is not exported, so its text is what
		// there is to know it by; another error is left as it is.
		if pe.Err != nil && pe.Err.Error() == "path escapes from parent" {
			pe.Err = fmt.Errorf("%w (a symlink that leads out of %s is neither read nor written through)", pe.Err, d.Path)
		}
	}
	return err
}
