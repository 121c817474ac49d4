// Package safefile is the one place cartrans reads and writes whole files:
// reads are bounded whatever the file is (a regular file, a FIFO,
// /dev/zero), writes are atomic (a temporary file in the same folder,
// synced, then renamed over the target, so a full disk or a kill leaves the
// old file whole), and a rewrite refuses when the file changed after it
// was read. Paths built from data go through Dir, which keeps them inside
// the folder the user named.
package safefile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
)

// TooLargeError is a read that passed its bound. What names the input
// ("a profile file"), Raise says how to raise the bound, if it can be.
type TooLargeError struct {
	Path  string
	Limit int64
	What  string
	Raise string
}

func (e *TooLargeError) Error() string {
	msg := fmt.Sprintf("%s: too large: %s is at most %s", e.Path, e.What, Size(e.Limit))
	if e.Raise != "" {
		msg += " (" + e.Raise + ")"
	}
	return msg
}

// Size writes a byte count the way the README states limits: 4 MiB, 16 MiB,
// 512 KiB, or bytes.
func Size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// ReadFile reads the whole of path, refusing with a *TooLargeError past
// limit bytes. It reads what the path names: a symlink is followed, a FIFO
// or character device is read as a stream (never more than limit+1 bytes
// of it).
func ReadFile(path string, limit int64, what, raise string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tooLarge := &TooLargeError{Path: path, Limit: limit, What: what, Raise: raise}
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > limit {
		return nil, tooLarge
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, tooLarge
	}
	return data, nil
}

// WriteFile replaces path with data atomically: the data goes to a
// temporary file beside it, is synced, given perm, and renamed over path.
// A symlink at path is replaced, never written through.
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	root, err := os.OpenRoot(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer root.Close()
	return writeIn(root, filepath.Base(path), data, perm)
}

// ErrChanged is returned by Replace when the file is no longer what was
// read.
var ErrChanged = errors.New("changed since it was read; not overwritten (run the command again)")

// Replace rewrites path with data, as WriteFile does, keeping its mode, but
// only if the file still holds exactly original (what the caller read): an
// edit made between the read and the write is never overwritten. A
// symlink at path is followed (path is a file the user named).
func Replace(path string, original, data []byte) error {
	// The user named path, so a symlink there is followed: the file it
	// leads to is the one rewritten, and the link stays a link.
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	root, err := os.OpenRoot(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer root.Close()
	name := filepath.Base(path)
	st, err := root.Stat(name)
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file; not overwritten", path)
	}
	now, err := readIn(root, name, int64(len(original))+1)
	if err != nil {
		return err
	}
	if !bytes.Equal(now, original) {
		return fmt.Errorf("%s: %w", path, ErrChanged)
	}
	return writeIn(root, name, data, st.Mode().Perm())
}

func readIn(root *os.Root, name string, limit int64) ([]byte, error) {
	f, err := root.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}

// writeIn writes name in root through a temporary file and a rename, both
// inside root.
func writeIn(root *os.Root, name string, data []byte, perm fs.FileMode) (err error) {
	dir := filepath.Dir(name)
	var tmp string
	var f *os.File
	for i := 0; ; i++ {
		tmp = filepath.Join(dir, ".cartrans-"+filepath.Base(name)+"."+strconv.Itoa(os.Getpid())+"."+strconv.Itoa(i)+".tmp")
		f, err = root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrExist) || i > 100 {
			return err
		}
	}
	defer func() {
		if err != nil {
			_ = root.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err = f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if err = f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return root.Rename(tmp, name)
}
