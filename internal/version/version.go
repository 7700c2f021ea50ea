// Package version says which build of totto is running: the release version and commit stamped in
// by the build (-ldflags -X), and the Go version, for `totto version` and the build_info metric.
package version

import (
	"runtime"
	"runtime/debug"
)

// Version and Commit are set at build time:
//
//	go build -ldflags "-X github.com/totto-ci/totto/internal/version.Version=v1.2.0 -X github.com/totto-ci/totto/internal/version.Commit=$(git rev-parse HEAD)"
//
// Unset, Commit falls back to the VCS revision Go records in the binary (when built from a
// checkout with VCS stamping on).
var (
	Version = "dev"
	Commit  = ""
)

// Info is the running build.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	GoVersion string `json:"go_version"`
}

// Get returns the running build's version, commit ("unknown" when neither stamped nor recorded)
// and Go version.
func Get() Info {
	commit := Commit
	if commit == "" {
		commit = "unknown"
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, s := range bi.Settings {
				if s.Key == "vcs.revision" && s.Value != "" {
					commit = s.Value
				}
			}
		}
	}
	return Info{Version: Version, Commit: commit, GoVersion: runtime.Version()}
}
