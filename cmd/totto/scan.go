package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/logs"
	"github.com/totto-ci/totto/logs/cause"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/patterns/builtin"
	"github.com/totto-ci/totto/testlog"
)

func init() {
	register(&command{name: "scan", summary: "scan CI logs with patterns; print matches, best match and likely cause", run: runScan})
}

const scanHelp = `usage: totto scan [--patterns FILE]... [--builtin=true] [--job NAME] [--format text|json|markdown] LOG...

Scans each LOG (a path, a .gz file, or - for standard input; gzip is detected by its magic bytes
and binary input is refused) with the built-in packs and the given pattern files, and prints every match, the best match (the
pattern that explains the failure) and the likely-cause excerpt.

--passing-log LOG judges the likely cause against a passing log of the same job: lines it also
printed are not candidates, new ones are strong ones (what the App does with the job's last green
run).

--format json prints one JSON object per log, one per line:
  {"path","lines","matches":[{"pattern","tags","line","start","end","text",...}],"best":<match>|null,
   "likely_cause":{"start_line","end_line","lines":[...],"ranges":[[a,b],...]},
   "failed_tests":[{"runner","name","file","line","text"}]}
Line numbers are 1-based lines of the normalised log. --likely-cause=false leaves likely_cause out
and, unless --failed-tests is given, failed_tests too (null): matches only, the fastest bulk scan.

Exit codes: 0 every log has a best match (its failure is explained); 1 at least one log has none;
2 usage error or an invalid pattern file (every problem is printed); 3 a log could not be read.

flags:
`

type patternFiles []string

func (p *patternFiles) String() string     { return strings.Join(*p, ",") }
func (p *patternFiles) Set(v string) error { *p = append(*p, v); return nil }

func runScan(ctx context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	var files patternFiles
	fs.Var(&files, "patterns", "pattern `FILE` (YAML); repeatable")
	cf := addConfigFlags(fs)
	useBuiltin := fs.Bool("builtin", true, "include the built-in pattern packs (default scan.builtin)")
	format := fs.String("format", "text", "output `format`: text, json or markdown")
	job := fs.String("job", "", "job `NAME`, for patterns scoped to some jobs")
	keepGoing := fs.Bool("keep-going", false, "scan with the valid patterns even when a pattern file has errors")
	withCause := fs.Bool("likely-cause", true, "compute each log's likely-cause excerpt (false: matches only, for bulk scans)")
	withTests := fs.Bool("failed-tests", true, "find the failing tests the log names (default: as --likely-cause)")
	passing := fs.String("passing-log", "", "a passing `LOG` of the same job: the likely cause is judged against it, as the App judges against the job's last green run")
	fs.Usage = func() { fmt.Fprint(env.stderr, scanHelp); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return withCode(exitUsage, fmt.Errorf("%w", err))
	}
	if *format != "text" && *format != "json" && *format != "markdown" {
		return withCode(exitUsage, fmt.Errorf("unknown --format %q: want text, json or markdown", *format))
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return withCode(exitUsage, errors.New("no log given"))
	}

	cfg, err := cf.load(env)
	if err != nil {
		return err
	}
	if !cf.explicit("failed-tests") {
		*withTests = *withCause
	}
	if !cf.explicit("builtin") {
		*useBuiltin = cfg.Scan.Builtin
	}
	set, err := loadScanPatterns(env, files, *useBuiltin, *keepGoing)
	if err != nil {
		return err
	}
	m, err := patterns.Compile(set)
	if err != nil {
		return withCode(exitUsage, fmt.Errorf("compiling patterns: %w", err))
	}
	red := cliRedactor(env, cfg)
	hist, err := passingHistory(*passing)
	if err != nil {
		return withCode(exitError, err)
	}
	out := newScanPrinter(env.stdout, *format)
	unexplained, failed := 0, 0
	for _, path := range fs.Args() {
		if err := ctx.Err(); err != nil {
			return withCode(exitError, fmt.Errorf("interrupted: %w", err))
		}
		res, err := scanOne(env, m, path, *job, *withCause, *withTests, hist)
		if err != nil {
			fmt.Fprintf(env.stderr, "totto scan: %v\n", err)
			failed++
			continue
		}
		if res.Best == nil {
			unexplained++
		}
		redactResult(red, res)
		if err := out.print(res); err != nil {
			return withCode(exitError, fmt.Errorf("writing output: %w", err))
		}
	}
	switch {
	case failed > 0:
		return withCode(exitError, fmt.Errorf("%d of %d logs could not be read", failed, fs.NArg()))
	case unexplained > 0:
		return withCode(exitFindings, nil)
	}
	return nil
}

// loadScanPatterns gathers the built-in packs and the user's files. Ids are reassigned so that
// patterns from different files never share one.
func loadScanPatterns(env *cliEnv, files []string, useBuiltin, keepGoing bool) ([]patterns.Pattern, error) {
	var set []patterns.Pattern
	if useBuiltin {
		set = append(set, builtin.All()...)
	}
	bad := false
	for _, f := range files {
		ps, err := patterns.LoadFile(f)
		var probs patterns.Problems
		switch {
		case errors.As(err, &probs):
			for _, p := range probs {
				fmt.Fprintln(env.stderr, p.String())
			}
			if len(probs.Errors()) > 0 {
				bad = true
			}
		case err != nil:
			return nil, withCode(exitUsage, fmt.Errorf("loading patterns: %w", err))
		}
		set = append(set, ps...)
	}
	if bad && !keepGoing {
		return nil, withCode(exitUsage, errors.New("invalid pattern file (use --keep-going to scan with the valid patterns)"))
	}
	for i := range set {
		set[i].ID = int64(i + 1)
	}
	return set, nil
}

// scanResult is one log's outcome; its JSON shape is a stable interface (DESIGN.md "Interfaces").
type scanResult struct {
	Path        string           `json:"path"`
	Lines       int              `json:"lines"`
	Matches     []patterns.Match `json:"matches"`
	Best        *patterns.Match  `json:"best"`
	LikelyCause *likelyCauseJSON `json:"likely_cause,omitempty"`
	Dropped     int              `json:"dropped_matches,omitempty"`
	// FailedTests are the failing tests the log names; empty when no supported runner's
	// output is found or the runner's own count disagrees (then TestMismatches says so), null
	// when they were not looked for (--failed-tests=false).
	FailedTests    []testlog.Test     `json:"failed_tests"`
	TestMismatches []testlog.Mismatch `json:"failed_tests_mismatches,omitempty"`
}

type likelyCauseJSON struct {
	StartLine int      `json:"start_line"`
	EndLine   int      `json:"end_line"`
	Ranges    [][2]int `json:"ranges"`
	Lines     []string `json:"lines"`
	// CauseLine is the line that most likely states the failure (0 when not known).
	CauseLine int `json:"cause_line,omitempty"`
}

func scanOne(env *cliEnv, m *patterns.Matcher, path, job string, withCause, withTests bool, hist *cause.Fingerprint) (*scanResult, error) {
	var src io.Reader
	if path == "-" {
		src = env.stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("opening log: %w", err)
		}
		defer f.Close()
		src = f
	}
	plain, err := ingest.TextLog(src)
	if err != nil {
		return nil, fmt.Errorf("reading log %s: %w", path, err)
	}
	opts := patterns.ScanOptions{Job: job}
	var finder *cause.Finder
	var tests *testlog.Extractor
	switch {
	case withCause && withTests:
		finder, tests = cause.NewFinder(cause.Options{History: hist}), testlog.New()
		opts.OnLine = func(l logs.Line) { finder.Add(l); tests.Add(l) }
	case withCause:
		finder = cause.NewFinder(cause.Options{History: hist})
		opts.OnLine = finder.Add
	case withTests:
		tests = testlog.New()
		opts.OnLine = tests.Add
	}
	res := &scanResult{Path: path, Matches: []patterns.Match{}}
	stats, err := m.Scan(logs.NewReader(plain), opts, func(mt patterns.Match) error {
		res.Matches = append(res.Matches, mt)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scanning log %s: %w", path, err)
	}
	res.Lines = stats.Lines
	res.Dropped = stats.Dropped
	res.Best = patterns.Best(res.Matches)
	if tests != nil {
		tr := tests.Result()
		res.FailedTests, res.TestMismatches = tr.Tests, tr.Mismatches
	}
	if res.Lines > 0 && finder != nil {
		ex := finder.Excerpt()
		res.LikelyCause = &likelyCauseJSON{StartLine: ex.StartLine(), EndLine: ex.EndLine(), Ranges: ex.Ranges, Lines: ex.Lines, CauseLine: ex.Cause}
		if res.LikelyCause.Lines == nil {
			res.LikelyCause.Lines = []string{}
		}
	}
	return res, nil
}

type scanPrinter struct {
	w      io.Writer
	format string
	enc    *json.Encoder
}

func newScanPrinter(w io.Writer, format string) *scanPrinter {
	p := &scanPrinter{w: w, format: format}
	if format == "json" {
		p.enc = json.NewEncoder(w)
		p.enc.SetEscapeHTML(false)
	}
	return p
}

func (p *scanPrinter) print(r *scanResult) error {
	switch p.format {
	case "json":
		return p.enc.Encode(r)
	case "markdown":
		return printScanMarkdown(p.w, r)
	default:
		return printScanText(p.w, r)
	}
}

func printScanText(w io.Writer, r *scanResult) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d lines, %s\n", r.Path, r.Lines, plural(len(r.Matches), "match", "matches"))
	if r.Best != nil {
		fmt.Fprintf(&b, "  explained by %q [%s] at line %d:\n    %s\n", r.Best.Pattern, strings.Join(r.Best.Tags, ", "), r.Best.Line, r.Best.Text)
	} else {
		fmt.Fprintf(&b, "  not explained by any pattern\n")
	}
	if len(r.Matches) > 0 {
		fmt.Fprintf(&b, "  matches:\n")
		for _, m := range r.Matches {
			fmt.Fprintf(&b, "    %6d  %s: %s\n", m.Line, m.Pattern, m.Text)
		}
	}
	if lc := r.LikelyCause; lc != nil && len(lc.Lines) > 0 {
		fmt.Fprintf(&b, "  likely cause (lines %s):\n", rangesText(lc.Ranges, "-"))
		nums := excerptLineNumbers(lc.Ranges, len(lc.Lines))
		for i, l := range lc.Lines {
			if i > 0 && nums[i] != nums[i-1]+1 {
				b.WriteString("    …\n")
			}
			mark := "|"
			if nums[i] == lc.CauseLine {
				mark = ">"
			}
			fmt.Fprintf(&b, "    %s %s\n", mark, l)
		}
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func printScanMarkdown(w io.Writer, r *scanResult) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### `%s`\n\n", r.Path)
	if r.Best != nil {
		fmt.Fprintf(&b, "**Explained** by **%s** (%s), line %d:\n\n", r.Best.Pattern, strings.Join(r.Best.Tags, ", "), r.Best.Line)
		fmt.Fprintf(&b, "%s\n\n", fence([]string{r.Best.Text}))
	} else {
		b.WriteString("**Not explained** by any pattern.\n\n")
	}
	if lc := r.LikelyCause; lc != nil && len(lc.Lines) > 0 {
		fmt.Fprintf(&b, "Likely cause, lines %s:\n\n%s\n\n", rangesText(lc.Ranges, "–"), fence(blockLines(lc)))
	}
	if len(r.Matches) > 0 {
		b.WriteString("| line | pattern | tags |\n|---:|---|---|\n")
		for _, m := range r.Matches {
			fmt.Fprintf(&b, "| %d | %s | %s |\n", m.Line, strings.ReplaceAll(m.Pattern, "|", `\|`), strings.Join(m.Tags, ", "))
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// fence wraps lines in a code fence longer than any backtick run inside them, so log text can
// never close the block early.
func fence(lines []string) string {
	longest := 0
	for _, l := range lines {
		run := 0
		for _, c := range l {
			if c == '`' {
				run++
				if run > longest {
					longest = run
				}
			} else {
				run = 0
			}
		}
	}
	f := strings.Repeat("`", max(3, longest+1))
	return f + "\n" + strings.Join(lines, "\n") + "\n" + f
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// rangesText names an excerpt's line ranges ("6–14, 21"), dash between a range's ends.
func rangesText(ranges [][2]int, dash string) string {
	parts := make([]string, len(ranges))
	for i, r := range ranges {
		parts[i] = strconv.Itoa(r[0])
		if r[1] != r[0] {
			parts[i] += dash + strconv.Itoa(r[1])
		}
	}
	return strings.Join(parts, ", ")
}

// blockLines is the excerpt's lines with "…" between its blocks, so lines far apart in the log
// are not read as one passage.
func blockLines(lc *likelyCauseJSON) []string {
	nums := excerptLineNumbers(lc.Ranges, len(lc.Lines))
	out := make([]string, 0, len(lc.Lines)+len(lc.Ranges))
	for i, l := range lc.Lines {
		if i > 0 && nums[i] != nums[i-1]+1 {
			out = append(out, "…")
		}
		out = append(out, l)
	}
	return out
}

// excerptLineNumbers lists the log line number of each excerpt line.
func excerptLineNumbers(ranges [][2]int, n int) []int {
	nums := make([]int, 0, n)
	for _, r := range ranges {
		for l := r[0]; l <= r[1] && len(nums) < n; l++ {
			nums = append(nums, l)
		}
	}
	for len(nums) < n {
		nums = append(nums, 0)
	}
	return nums
}
