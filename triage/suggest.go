package triage

import (
	"regexp"
	"sort"

	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/redact"
)

// Defaults of SuggestOptions.
const (
	// DefaultSuggestMinJobs is how many jobs must share a failure shape before it is suggested
	// as a pattern: fewer is an anecdote, not a recurring failure.
	DefaultSuggestMinJobs = 3
	// DefaultSuggestMinLiteral is the shortest constant run of a shape that is suggested as a
	// literal; shorter ones match too much, so the whole shape is suggested as a regex.
	DefaultSuggestMinLiteral = 20
)

// UnexplainedFailure is one failed job no pattern explained, with the line that most likely says
// why (CauseLine).
type UnexplainedFailure struct {
	// JobID identifies the job run (any string unique per job, e.g. the store's job id); a shape
	// counts each job once.
	JobID string
	Line  string
}

// Suggestion is a pattern proposed from a cluster of unexplained failures with one shape, so a
// curator can turn a recurring unexplained failure into an explained one in one step.
type Suggestion struct {
	// Shape is the cluster's masked line (MaskLine).
	Shape string
	// Pattern is the proposed pattern: a literal when the shape has a long constant part, else a
	// regex built from the shape. It has no tags: the curator decides what the failure is.
	Pattern patterns.Pattern
	// Example is one line of the cluster, secrets redacted.
	Example string
	// Jobs is how many distinct jobs the shape was seen in.
	Jobs int
}

// SuggestOptions tune Suggest; zero fields take the defaults.
type SuggestOptions struct {
	MinJobs    int
	MinLiteral int
	// Reject, when set, drops a proposed pattern, typically one that matches logs of successful
	// jobs (a pattern that fires on green jobs explains nothing).
	Reject func(patterns.Pattern) bool
}

// Suggest clusters unexplained failures by MaskLine of their line and proposes a pattern for
// each cluster seen in at least MinJobs jobs, biggest cluster first (then by shape). A cluster
// whose line is generic (patterns.IsGeneric), or holds a secret, or yields no valid pattern, is
// not suggested.
func Suggest(fails []UnexplainedFailure, opts SuggestOptions) []Suggestion {
	if opts.MinJobs <= 0 {
		opts.MinJobs = DefaultSuggestMinJobs
	}
	type cluster struct {
		example string
		jobs    map[string]bool
	}
	byShape := map[string]*cluster{}
	for _, f := range fails {
		shape := MaskLine(f.Line)
		if shape == "" {
			continue
		}
		c, ok := byShape[shape]
		if !ok {
			c = &cluster{example: f.Line, jobs: map[string]bool{}}
			byShape[shape] = c
		}
		c.jobs[f.JobID] = true
	}
	var out []Suggestion
	for shape, c := range byShape {
		if len(c.jobs) < opts.MinJobs {
			continue
		}
		p, ok := SuggestPattern(c.example, opts.MinLiteral)
		if !ok || opts.Reject != nil && opts.Reject(p) {
			continue
		}
		out = append(out, Suggestion{Shape: shape, Pattern: p, Example: redact.Default.Text(c.example), Jobs: len(c.jobs)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Jobs != out[j].Jobs {
			return out[i].Jobs > out[j].Jobs
		}
		return out[i].Shape < out[j].Shape
	})
	return out
}

// SuggestPattern proposes a pattern matching line and every line of its shape: the longest
// constant run as a literal when it has at least minLiteral bytes (0: the default) and is not
// generic, else the shape as a regex. It refuses generic lines, lines holding a secret (the
// pattern would store it), and anything patterns.Check rejects or that does not match line.
func SuggestPattern(line string, minLiteral int) (patterns.Pattern, bool) {
	if minLiteral <= 0 {
		minLiteral = DefaultSuggestMinLiteral
	}
	shape := MaskLine(line)
	if shape == "" || patterns.IsGeneric(line, 0, 0) || redact.Default.Text(line) != line {
		return patterns.Pattern{}, false
	}
	p := patterns.Pattern{Source: "suggested"}
	if lit := LiteralHint(line, shape); len(lit) >= minLiteral && !patterns.IsGeneric(lit, 0, 0) {
		p.Kind, p.Expr = patterns.Literal, lit
	} else {
		p.Kind, p.Expr = patterns.Regex, ShapeRegex(shape)
	}
	p.Name = clip(MaskLine(p.Expr), 60)
	if p.Kind == patterns.Regex {
		p.Name = clip(shape, 60)
	}
	if len(patterns.Check(p).Errors()) > 0 {
		return patterns.Pattern{}, false
	}
	if p.Kind == patterns.Regex {
		re, err := regexp.Compile(p.Expr)
		if err != nil || !re.MatchString(line) {
			return patterns.Pattern{}, false
		}
	}
	return p, true
}

// SuggestionsFor picks, for each new job of a report, the suggestion whose shape its headline
// line has, so the check run can offer it (RenderOptions.Suggestions).
func SuggestionsFor(r Report, sugg []Suggestion) map[JobKey]Suggestion {
	byShape := make(map[string]Suggestion, len(sugg))
	for _, s := range sugg {
		byShape[s.Shape] = s
	}
	out := map[JobKey]Suggestion{}
	for _, j := range r.Jobs {
		if j.Verdict != New {
			continue
		}
		line, _, ok := headlineLine(j)
		if !ok {
			continue
		}
		if s, ok := byShape[MaskLine(line)]; ok {
			out[j.Run.Key()] = s
		}
	}
	return out
}

// CauseLine is the line of a likely-cause excerpt that most likely says why the job failed (the
// line the check run's table shows), and its line number.
func CauseLine(e Excerpt) (string, int, bool) { return causeHeadline(e) }
