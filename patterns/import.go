package patterns

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// ImportResult is what an importer made of another tool's catalogue: the patterns (valid, with
// unique names, in the source's priority order) and notes for the person migrating, one line each,
// about what was skipped or approximated, so that nothing is lost silently.
type ImportResult struct {
	Patterns []Pattern
	Notes    []string
}

func (r *ImportResult) notef(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

// importers are the catalogues `totto patterns import --from` understands, by the name users type.
var importers = map[string]func(path string) (ImportResult, error){
	"pytorch":         importPyTorch,
	"drci":            importDrCI,
	"elastic-recheck": importElasticRecheck,
	"jenkins-bfa":     importBFA,
}

// ImportKinds lists the accepted --from names, sorted, for usage messages.
func ImportKinds() []string {
	kinds := make([]string, 0, len(importers))
	for k := range importers {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	return kinds
}

// Import converts the catalogue at path (a file or, for elastic-recheck, a directory of query
// files) of the given kind into patterns, so that teams can migrate without retyping. Every
// returned pattern passes Check; anything that does not is left out with a note. Source is set to
// "import:<kind>" and IDs to 1..n.
func Import(kind, path string) (ImportResult, error) {
	imp, ok := importers[kind]
	if !ok {
		return ImportResult{}, fmt.Errorf("unknown catalogue kind %q (known: %s)", kind, strings.Join(ImportKinds(), ", "))
	}
	res, err := imp(path)
	if err != nil {
		return res, fmt.Errorf("import %s catalogue %s: %w", kind, path, err)
	}
	valid := res.Patterns[:0]
	for _, p := range res.Patterns {
		p.Name = clip(p.Name, MaxNameLen)
		if errs := Check(p).Errors(); len(errs) > 0 {
			msgs := make([]string, len(errs))
			for i, e := range errs {
				msgs[i] = e.Msg
			}
			res.notef("skipped %q: %s", p.Name, strings.Join(msgs, "; "))
			continue
		}
		valid = append(valid, p)
	}
	res.Patterns = valid
	uniqueNames(res.Patterns)
	for i := range res.Patterns {
		res.Patterns[i].ID = int64(i + 1)
		res.Patterns[i].Source = "import:" + kind
	}
	return res, nil
}

// uniqueNames suffixes repeated names with " (2)", " (3)", … in order, because a pattern file
// requires unique names while source catalogues often repeat a description.
func uniqueNames(ps []Pattern) {
	taken := make(map[string]bool, len(ps))
	for _, p := range ps {
		taken[p.Name] = false
	}
	for i := range ps {
		name := ps[i].Name
		if !taken[name] {
			taken[name] = true
			continue
		}
		for n := 2; ; n++ {
			suffix := fmt.Sprintf(" (%d)", n)
			cand := clip(name, MaxNameLen-len(suffix)) + suffix
			if _, used := taken[cand]; !used {
				taken[cand] = true
				ps[i].Name = cand
				break
			}
		}
	}
}

// clip shortens s to at most max bytes without splitting a UTF-8 character, marking the cut.
func clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	const ellipsis = "…"
	cut := max - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.TrimRight(s[:cut], " ") + ellipsis
}

// escapeGlob quotes glob metacharacters so that a source tool's exact step or job name becomes a
// glob matching only that name.
func escapeGlob(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
