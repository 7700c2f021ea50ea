package patterns

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// minPhraseLen is the shortest elastic-recheck phrase imported: shorter ones ("failed", "fatal:")
// were only meaningful ANDed with the rest of their query and, alone, match most failed logs.
const minPhraseLen = 10

// phraseNameLen bounds the phrase excerpt used in an imported pattern's name.
const phraseNameLen = 60

// elasticRecheckQuery is one elastic-recheck query file, named after its Launchpad bug.
type elasticRecheckQuery struct {
	Query string `yaml:"query"`
}

// importElasticRecheck reads one OpenStack elastic-recheck query file or a directory tree of
// them (`queries/`, `queries-current/`, …; files are read in path order, so a first directory's
// copy of a phrase wins). Lucene semantics are approximated for a line-at-a-time scanner:
//   - every positive `message:` phrase (or word) becomes its own literal pattern; a query ANDing
//     several phrases therefore yields several patterns, each broader than the query, and the
//     description lists the phrases the query also required;
//   - negated clauses (NOT, '-') are dropped, so patterns may match what the query excluded;
//   - positive `build_name:` values become the job scope (upstream job names, kept as globs);
//   - `tags:`, `filename:`, `project:`, `build_queue:` and other fields are dropped: they chose
//     which log file of a job to search, which a job's single log does not need;
//   - phrases shorter than minPhraseLen bytes, and phrases already imported, are skipped.
//
// Each pattern is tagged known-problem (a tracked bug) and elastic-recheck, and its description
// links the Launchpad bug. The source has no priority order; all priorities are 0.
func importElasticRecheck(root string) (ImportResult, error) {
	files, err := queryFiles(root)
	if err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	seen := map[string]string{} // phrase → the bug that first used it
	dropped := map[string]int{}
	negated := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return res, fmt.Errorf("read query file: %w", err)
		}
		var q elasticRecheckQuery
		if err := yaml.Unmarshal(data, &q); err != nil || strings.TrimSpace(q.Query) == "" {
			res.notef("skipped %s: not an elastic-recheck query file (no `query:`)", f)
			continue
		}
		bug := strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
		var phrases, jobs []string
		for _, c := range luceneClauses(q.Query) {
			field := strings.TrimPrefix(strings.ToLower(c.Field), "@")
			switch {
			case c.Negated:
				negated++
			case field == "message":
				text := strings.TrimSpace(c.Text)
				if !c.Quoted && strings.ContainsAny(text, "*?") {
					dropped["message (wildcard term)"]++
				} else if text != "" {
					phrases = append(phrases, text)
				}
			case field == "build_name":
				if c.Quoted || checkGlob(c.Text) != "" {
					jobs = append(jobs, escapeGlob(c.Text))
				} else {
					jobs = append(jobs, c.Text)
				}
			default:
				dropped[field]++
			}
		}
		if len(phrases) == 0 {
			res.notef("skipped bug %s (%s): no positive message phrase", bug, f)
			continue
		}
		for _, ph := range phrases {
			if len(ph) < minPhraseLen {
				res.notef("skipped bug %s phrase %q: shorter than %d characters, it would match most lines on its own", bug, ph, minPhraseLen)
				continue
			}
			if first, dup := seen[ph]; dup {
				res.notef("skipped bug %s phrase %q: already imported from bug %s", bug, ph, first)
				continue
			}
			seen[ph] = bug
			res.Patterns = append(res.Patterns, Pattern{
				Name:        fmt.Sprintf("bug %s: %s", bug, clip(ph, phraseNameLen)),
				Kind:        Literal,
				Expr:        ph,
				Tags:        []string{TagKnownProblem, "elastic-recheck"},
				Description: erDescription(bug, ph, phrases),
				Jobs:        jobs,
			})
		}
	}
	if negated > 0 {
		res.notef("dropped %d negated clauses (NOT …): imported patterns may match lines those queries excluded", negated)
	}
	fields := make([]string, 0, len(dropped))
	for f, n := range dropped {
		fields = append(fields, fmt.Sprintf("%s (%d)", f, n))
	}
	sort.Strings(fields)
	if len(fields) > 0 {
		res.notef("dropped clauses on fields other than message and build_name: %s", strings.Join(fields, ", "))
	}
	return res, nil
}

func erDescription(bug, phrase string, all []string) string {
	d := "https://bugs.launchpad.net/bugs/" + bug
	var others []string
	for _, o := range all {
		if o != phrase {
			others = append(others, fmt.Sprintf("%q", o))
		}
	}
	if len(others) > 0 {
		d += " (the elastic-recheck query also looked for " + strings.Join(others, ", ") + ")"
	}
	return d
}

// queryFiles lists root if it is a file, else every *.yaml below it in lexical path order.
func queryFiles(root string) ([]string, error) {
	info, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("query files: %w", err)
	}
	if !info.IsDir() {
		return []string{root}, nil
	}
	var files []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list query files under %s: %w", root, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no *.yaml query files under %s", root)
	}
	return files, nil
}
