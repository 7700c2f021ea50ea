// Package builtin holds the pattern packs every totto installation starts with, so that a
// repository with no patterns of its own still gets common infrastructure flakes (package
// mirrors, registry outages, network and DNS failures, runner losses) recognised on day one.
//
// Each pack is one YAML file in the ordinary pattern-file format, embedded in the binary. Patterns
// are tagged `flaky` only when the matched line cannot also be a deterministic, user-caused
// failure; lines that can (disk full, out of memory, cancellations, CI timeouts, "manifest
// unknown") are tagged `infra` only. Priorities are negative so that a team's own patterns
// (priority 0 by default) win over the generic built-ins when both match one log.
package builtin

import (
	"embed"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/totto-ci/totto/patterns"
)

//go:embed *.yml
var packFiles embed.FS

// SourcePrefix starts Pattern.Source of every built-in pattern ("builtin:<pack>"), so the store,
// the UI and scan output can tell shipped patterns from a team's own.
const SourcePrefix = "builtin:"

// Pack is one area of built-in patterns (one embedded YAML file), so that the UI and
// `totto patterns` can list, explain or switch off an area as a whole.
type Pack struct {
	// Name is the file name without ".yml"; it is part of every pattern's Source.
	Name string
	// Description says what the pack covers, for listings.
	Description string
	// Patterns are in file order, with Source "builtin:<Name>" and their registry IDs.
	Patterns []patterns.Pattern
}

// packDescriptions are the one-line summaries of the packs; a test checks that every embedded
// file has one and that every entry has a file.
var packDescriptions = map[string]string{
	"package-mirrors": "apt, yum/dnf and apk mirrors failing, mid-sync or missing packages",
	"docker":          "container registry rate limits, outages, missing images and access errors",
	"network":         "Go HTTP client TLS handshake and connection timeouts to internet hosts",
	"node":            "npm, Yarn and pnpm registry network errors",
	"python":          "pip, conda and Python HTTPS download timeouts, resets and 5xx errors",
	"jvm":             "Maven and Gradle dependency and distribution download failures",
	"go":              "Go module proxy and checksum database download failures",
	"git":             "git clone and fetch transfers interrupted, hosts unreachable",
	"github-actions":  "GitHub Actions runner losses, cancellations and Actions service errors",
	"resources":       "out of memory (OOM killer, exit code 137) and disk full",
	"dns":             "temporary and permanent name resolution failures",
	"ci-timeouts":     "the CI system stopping a job for running too long or too quietly",
}

var (
	loadOnce   sync.Once
	loadedPack []Pack
	loadErr    error
)

// Packs returns every built-in pack, sorted by name. The packs are embedded and checked by this
// package's tests, so a failure to load them is a build defect and panics rather than letting
// totto run silently without them. The returned slices are copies the caller may modify.
func Packs() []Pack {
	ps, err := load()
	if err != nil {
		panic(err)
	}
	out := make([]Pack, len(ps))
	for i, p := range ps {
		out[i] = p
		out[i].Patterns = clonePatterns(p.Patterns)
	}
	return out
}

// All returns the patterns of every pack as one set, packs in name order and patterns in file
// order. IDs come from the built-in registry (see registry.txt): unique, never reused and the
// same in every release, so an ID names the same expression forever.
func All() []patterns.Pattern {
	var out []patterns.Pattern
	for _, p := range Packs() {
		out = append(out, p.Patterns...)
	}
	return out
}

func load() ([]Pack, error) {
	loadOnce.Do(func() { loadedPack, loadErr = loadPacks() })
	return loadedPack, loadErr
}

// loadPacks parses every embedded file with the ordinary pattern-file parser (so built-ins obey
// exactly the rules users' files do) and assigns registry IDs.
func loadPacks() ([]Pack, error) {
	entries, err := packFiles.ReadDir(".")
	if err != nil {
		return nil, fmt.Errorf("listing built-in packs: %w", err)
	}
	reg, err := parseRegistry(registryText)
	if err != nil {
		return nil, err
	}
	var packs []Pack
	for _, e := range entries {
		file := e.Name()
		name := strings.TrimSuffix(file, path.Ext(file))
		data, err := packFiles.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("reading built-in pack %s: %w", file, err)
		}
		ps, err := patterns.Parse(file, data)
		if err != nil {
			// Warnings are errors here too: a shipped pattern must be beyond reproach.
			return nil, fmt.Errorf("built-in pack %s: %w", file, err)
		}
		for i := range ps {
			ps[i].Source = SourcePrefix + name
			id, err := reg.id(name, &ps[i])
			if err != nil {
				return nil, err
			}
			ps[i].ID = id
		}
		packs = append(packs, Pack{Name: name, Description: packDescriptions[name], Patterns: ps})
	}
	sort.Slice(packs, func(i, j int) bool { return packs[i].Name < packs[j].Name })
	return packs, nil
}

func clonePatterns(ps []patterns.Pattern) []patterns.Pattern {
	out := make([]patterns.Pattern, len(ps))
	for i, p := range ps {
		p.Tags = append([]string(nil), p.Tags...)
		p.Jobs = append([]string(nil), p.Jobs...)
		p.Steps = append([]string(nil), p.Steps...)
		out[i] = p
	}
	return out
}
