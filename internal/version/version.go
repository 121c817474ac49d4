// Package version tells which cartrans this is, from the build information
// Go records in every binary: the module version (a tag when built by
// `go install …@vX`, "devel" from a clone), the commit and whether the tree
// had changes, and the Go version. The CLI's `version`, `--version` and the
// SARIF driver report the same string, so a report can be traced to the
// build that wrote it.
package version

import (
	"runtime/debug"
	"strings"
)

// override is set at link time, for a release build that wants its own
// name: -ldflags "-X github.com/cartrans/cartrans/internal/version.override=v1.2.3".
var override string

// Info is what the build recorded.
type Info struct {
	Version  string // module version, or "devel"
	Commit   string // VCS revision, shortened to 12 characters; "" when unknown
	Modified bool   // the tree had uncommitted changes
	Go       string // the Go toolchain, e.g. go1.26.8
}

// Read returns the build information of this binary.
func Read() Info {
	info := Info{Version: "devel"}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return info
	}
	info.Go = bi.GoVersion
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		info.Version = v
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Commit = s.Value[:min(12, len(s.Value))]
		case "vcs.modified":
			info.Modified = s.Value == "true"
		}
	}
	if override != "" {
		info.Version = override
	}
	return info
}

// Short is the version with its commit: "v1.2.3", "devel+3f2a9c1d0e4b",
// "devel+3f2a9c1d0e4b-dirty".
func (i Info) Short() string {
	s := i.Version
	if i.Commit != "" && !strings.Contains(s, i.Commit) {
		s += "+" + i.Commit
	}
	if i.Modified {
		s += "-dirty"
	}
	return s
}

// String is the line `cartrans version` prints: "cartrans devel+3f2a9c1d0e4b (go1.26.8)".
func (i Info) String() string {
	s := "cartrans " + i.Short()
	if i.Go != "" {
		s += " (" + i.Go + ")"
	}
	return s
}
