package safefile

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Walker says what to do with what a folder holds. Files are visited in
// lexical order; hidden entries (a name starting with '.') are passed
// over, as are files want refuses.
type Walker struct {
	// Want picks the files to visit by name.
	Want func(path string) bool
	// Visit receives each regular file Want picks.
	Visit func(path string)
	// Skipped receives each entry that Want picks, or a folder, that is
	// not read, and why: a symbolic link inside the folder is not followed
	// (a link may lead out of the folder or back into it, looping), and a
	// FIFO or device inside it is not read (it may never end); either can
	// still be named on its own.
	Skipped func(path, why string)
	// Failed receives a folder that cannot be read.
	Failed func(path string, err error)
}

// Walk walks the folder root. root itself is what the user named, so it
// is followed when it is a symbolic link (os.ReadDir resolves it), unlike
// the links inside it.
func (w Walker) Walk(root string) {
	entries, err := os.ReadDir(root)
	if err != nil {
		w.Failed(root, unwrapPathError(err))
		return
	}
	for _, d := range entries {
		if strings.HasPrefix(d.Name(), ".") {
			continue
		}
		path := filepath.Join(root, d.Name())
		switch t := d.Type(); {
		case t.IsDir():
			w.Walk(path)
		case t.IsRegular():
			if w.Want(path) {
				w.Visit(path)
			}
		case t&fs.ModeSymlink != 0:
			if st, err := os.Stat(path); err == nil && st.IsDir() {
				w.Skipped(path, "a symbolic link to a folder, not followed inside a folder (name it to read it)")
			} else if w.Want(path) {
				w.Skipped(path, "a symbolic link, not followed inside a folder (name it to read it)")
			}
		default:
			if w.Want(path) {
				w.Skipped(path, kind(t)+", not read inside a folder (name it to read it)")
			}
		}
	}
}

// kind names a file type that is neither a folder, a regular file nor a
// link.
func kind(t fs.FileMode) string {
	switch {
	case t&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case t&fs.ModeSocket != 0:
		return "a socket"
	case t&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}

// unwrapPathError drops an *fs.PathError's operation and path: the caller
// names the path already.
func unwrapPathError(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}
