package builtin

import (
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/totto-ci/totto/patterns"
)

func TestPacksLoadWithDescriptions(t *testing.T) {
	packs := Packs()
	entries, err := packFiles.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(packs) != len(entries) || len(packs) != len(packDescriptions) {
		t.Fatalf("%d packs loaded, %d embedded files, %d descriptions; want all equal", len(packs), len(entries), len(packDescriptions))
	}
	for i, p := range packs {
		if i > 0 && packs[i-1].Name >= p.Name {
			t.Errorf("packs not sorted by name: %q before %q", packs[i-1].Name, p.Name)
		}
		if p.Description == "" {
			t.Errorf("pack %q has no description in packDescriptions", p.Name)
		}
		if len(p.Patterns) == 0 {
			t.Errorf("pack %q is empty", p.Name)
		}
	}
	for _, e := range entries {
		if _, ok := packDescriptions[strings.TrimSuffix(e.Name(), path.Ext(e.Name()))]; !ok {
			t.Errorf("embedded pack file %s has no description", e.Name())
		}
	}
}

// TestEveryPackParsesCleanly holds shipped packs to a stricter standard than users' files:
// not even a warning from the pattern-file parser.
func TestEveryPackParsesCleanly(t *testing.T) {
	entries, err := packFiles.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := packFiles.ReadFile(e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := patterns.Parse(e.Name(), data); err != nil {
			t.Errorf("%s: %v", e.Name(), err)
		}
	}
}

// areaTags are the tags naming what failed; every built-in carries at least one, so users can
// filter by area.
var areaTags = []string{"package-mirror", "docker", "network", "npm", "python", "jvm", "go", "git", "dns",
	"github-actions", "oom", "disk", "timeout"}

func TestPatternPolicy(t *testing.T) {
	all := All()
	ids := map[int64]string{}
	names := map[string]string{}
	for _, p := range all {
		pack := strings.TrimPrefix(p.Source, SourcePrefix)
		if !strings.HasPrefix(p.Source, SourcePrefix) || packDescriptions[pack] == "" {
			t.Errorf("%q: Source %q, want %s<pack>", p.Name, p.Source, SourcePrefix)
		}
		if prev, dup := ids[p.ID]; dup || p.ID <= 0 {
			t.Errorf("%q: ID %d invalid or already used by %q", p.Name, p.ID, prev)
		}
		ids[p.ID] = p.Name
		// Names are unique across packs, not only within a file, so a match's pattern name
		// alone identifies the built-in in check runs and scan output.
		if prev, dup := names[p.Name]; dup {
			t.Errorf("%q: name used in pack %s and %s", p.Name, prev, pack)
		}
		names[p.Name] = pack
		if !p.HasTag(patterns.TagInfra) {
			t.Errorf("%q: every built-in is tagged %q", p.Name, patterns.TagInfra)
		}
		if !slices.ContainsFunc(p.Tags, func(tag string) bool { return slices.Contains(areaTags, tag) }) {
			t.Errorf("%q: tags %v name no area (one of %v)", p.Name, p.Tags, areaTags)
		}
		if p.HasTag(patterns.TagKnownProblem) {
			t.Errorf("%q: built-ins are generic, never a team's known problem", p.Name)
		}
		if len(p.Description) < 80 {
			t.Errorf("%q: description %q is too short to say what it catches and what to do", p.Name, p.Description)
		}
		if p.Priority >= 0 {
			t.Errorf("%q: priority %d, want negative so that a team's own patterns (default 0) win", p.Name, p.Priority)
		}
		if p.LastLines != 0 || len(p.Jobs) != 0 || len(p.Steps) != 0 {
			t.Errorf("%q: built-ins apply to every job, step and line", p.Name)
		}
		if w := patterns.PrefilterWarning(p); w != "" {
			t.Errorf("%q: %s", p.Name, w)
		}
		if strings.HasPrefix(p.Expr, ".*") || strings.HasPrefix(p.Expr, "^.*") {
			t.Errorf("%q: expression starts with .*, which only slows matching", p.Name)
		}
		// Case sensitivity is decided per pattern, by spelling out the variants that real tools
		// print ("[Tt]he remote end", "toomanyrequests|TOOMANYREQUESTS"), never by folding case.
		if strings.Contains(p.Expr, "(?i") {
			t.Errorf("%q: case-insensitive flag; list the real spellings instead", p.Name)
		}
	}
}

func TestPacksReturnsCopies(t *testing.T) {
	first := Packs()
	first[0].Patterns[0].Tags[0] = "changed"
	first[0].Patterns[0].Name = "changed"
	again := Packs()
	if again[0].Patterns[0].Name == "changed" || again[0].Patterns[0].Tags[0] == "changed" {
		t.Fatal("Packs returned shared slices: a caller's change leaked into the next call")
	}
}
