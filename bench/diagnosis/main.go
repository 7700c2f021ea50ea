// Command diagnosis measures how trustworthy totto's verdicts are on real CI failures: how many
// deterministic breakages (CiDiff dev, LogChunks dev) each pattern catalogue would call flaky
// without and with each safeguard, what the passing logs say about the catalogues' precision,
// and what the suggestion engine proposes from the failures left unexplained. It prints the
// Markdown tables of docs/benchmarks.md's "Diagnosis" section.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/totto-ci/totto/logs"
	"github.com/totto-ci/totto/patterns"
)

func main() {
	corpus := flag.String("corpus", "../shared/corpus", "the shared corpus root")
	flag.Parse()
	if err := run(os.Stdout, *corpus); err != nil {
		fmt.Fprintln(os.Stderr, "diagnosis:", err)
		os.Exit(1)
	}
}

// measurement is everything run prints, kept for the test to assert on.
type measurement struct {
	Corpus  []failureLog
	Results []result
	Suggest suggestionReport
}

func measure(root string) (measurement, error) {
	corpus, err := loadCorpus(root)
	if err != nil {
		return measurement{}, err
	}
	cats, err := loadCatalogues(root)
	if err != nil {
		return measurement{}, err
	}
	var all []patterns.Pattern
	for _, c := range cats {
		all = append(all, c.Patterns...)
	}
	m, err := patterns.Compile(all)
	if err != nil {
		return measurement{}, fmt.Errorf("compile catalogues: %w", err)
	}
	scans := map[string]scanned{}
	passLines := map[string][]string{}
	for _, l := range corpus {
		s, err := scanLog(m, l)
		if err != nil {
			return measurement{}, err
		}
		scans[l.ID] = s
		if l.Set == "cidiff-pass" {
			if passLines[l.ID], err = readLines(l.Path); err != nil {
				return measurement{}, err
			}
		}
	}
	var ms measurement
	ms.Corpus = corpus
	for _, c := range cats {
		ms.Results = append(ms.Results, evaluate(c, corpus, scans))
	}
	ms.Suggest = suggest(cats[0], corpus, scans, passLines)
	return ms, nil
}

func readLines(path string) ([]string, error) {
	rc, err := logs.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer rc.Close()
	var out []string
	r := logs.NewReader(rc)
	for r.Next() {
		out = append(out, string(r.Line().Text))
	}
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return out, nil
}

func run(w io.Writer, root string) error {
	ms, err := measure(root)
	if err != nil {
		return err
	}
	sizes := make([]int, len(groups))
	kinds := map[string]int{}
	for _, l := range ms.Corpus {
		for gi, g := range groups {
			if g.in(l) {
				sizes[gi]++
			}
		}
		if l.Set == "logchunks" {
			kinds[l.Kind]++
		}
	}
	fmt.Fprintf(w, "LogChunks dev failures by labelled chunk: %d test, %d compile, %d other\n\n", kinds["test"], kinds["compile"], kinds["other"])
	for _, r := range ms.Results {
		fmt.Fprintf(w, "### %s (%d patterns, %d tagged flaky)\n\n", r.Catalogue.Name, len(r.Catalogue.Patterns), r.Catalogue.Flaky)
		fmt.Fprintf(w, "| failures called flaky | %s |\n|---|%s\n", headers(sizes), strings.Repeat("---|", len(groups)))
		for si, st := range stages {
			cells := make([]string, len(groups))
			for gi := range groups {
				cells[gi] = fmt.Sprint(r.Counts[si][gi])
			}
			fmt.Fprintf(w, "| %s | %s |\n", st.Name, strings.Join(cells, " | "))
		}
		fmt.Fprintf(w, "\nflaky/infra matches on the %d CiDiff pass logs: %d\n", countSet(ms.Corpus, "cidiff-pass"), len(r.PassHits))
		for _, h := range r.PassHits {
			fmt.Fprintf(w, "- %s line %d: %s — %q\n", h.Log.ID, h.Match.Line, h.Match.Pattern, clipText(h.Match.Text))
		}
		fmt.Fprintf(w, "\ndemoted flaky patterns: %d\n", len(r.Demoted))
		sort.Strings(r.Demoted)
		for _, d := range r.Demoted {
			fmt.Fprintf(w, "- %s\n", d)
		}
		fmt.Fprintf(w, "\nstill called flaky with every safeguard: %d\n", len(r.Remaining))
		for _, c := range r.Remaining {
			fmt.Fprintf(w, "- %s (%s, %s) line %d: %s — %q\n", c.Log.ID, c.Log.Set, c.Log.Kind, c.Match.Line, c.Match.Pattern, clipText(c.Match.Text))
		}
		fmt.Fprintln(w)
	}
	s := ms.Suggest
	fmt.Fprintf(w, "### Suggested patterns (built-in packs)\n\n%d failures left new; %d suggestions (clusters of >= 3 jobs), %d generic, %d more dropped for matching a CiDiff pass log\n\n", s.Unexplained, len(s.Suggestions), s.Generic, s.RejectedOnPass)
	fmt.Fprintf(w, "| jobs | kind | expression | CiDiff pass logs matched |\n|---|---|---|---|\n")
	for i, sg := range s.Suggestions {
		fmt.Fprintf(w, "| %d | %s | `%s` | %d |\n", sg.Jobs, sg.Pattern.Kind, strings.ReplaceAll(clipText(sg.Pattern.Expr), "|", `\|`), s.PassHits[i])
	}
	return nil
}

func headers(sizes []int) string {
	hs := make([]string, len(groups))
	for i, g := range groups {
		hs[i] = fmt.Sprintf("%s (%d)", g.Name, sizes[i])
	}
	return strings.Join(hs, " | ")
}

func countSet(c []failureLog, set string) int {
	n := 0
	for _, l := range c {
		if l.Set == set {
			n++
		}
	}
	return n
}

func clipText(s string) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > 100 {
		return string(r[:100]) + "…"
	}
	return s
}
