package triage

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/totto-ci/totto/ident"
)

// detailsBlock renders one failed job's collapsible section: why it got its verdict, a few lines
// of log and a link to the exact line.
func detailsBlock(j JobVerdict, opts RenderOptions) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<details><summary><b>%s</b> — %s</summary>\n\n", html(jobName(j)), html(j.Verdict.label()))
	b.WriteString(evidenceText(j))
	b.WriteString("\n\n")
	for _, n := range j.Evidence.Notes {
		b.WriteString("- " + text(n) + "\n")
	}
	if n, ok := opts.Reruns[j.Run.Key()]; ok {
		b.WriteString("- " + text(n) + "\n")
	}
	if _, rerun := opts.Reruns[j.Run.Key()]; len(j.Evidence.Notes) > 0 || rerun {
		b.WriteString("\n")
	}
	b.WriteString(testsList(j, opts))
	if sg, ok := opts.Suggestions[j.Run.Key()]; ok && j.Verdict == New {
		b.WriteString(suggestionText(sg, opts))
	}
	lines, at := contextLines(j, opts)
	if len(lines) > 0 {
		b.WriteString(codeBlock(lines))
		b.WriteString("\n")
	}
	if l := lineLink(j.Run, at); l != "" {
		b.WriteString(link("Line "+strconv.Itoa(at)+" in the log", l) + "\n\n")
	} else if _, ok := safeURL(j.Run.URL); ok {
		b.WriteString(link("Job log", j.Run.URL) + "\n\n")
	}
	b.WriteString("</details>\n\n")
	return b.String()
}

// evidenceText says in one paragraph why the job got its verdict.
func evidenceText(j JobVerdict) string {
	ev := j.Evidence
	var s string
	switch j.Verdict {
	case KnownBroken:
		a := ev.Annotation
		s = "Known broken"
		if a.FromCommit != "" {
			s += " since " + codeSpan(short(a.FromCommit))
		}
		if a.ToCommit != "" {
			s += " until " + codeSpan(short(a.ToCommit))
		}
		if a.Who != "" {
			s += ", marked by " + text("@"+a.Who)
		}
		if !a.When.IsZero() {
			s += " on " + a.When.UTC().Format("2006-01-02")
		}
		if a.Reason != "" {
			s += ": " + textWithLinks(clip(a.Reason, 500))
		}
		s += "."
	case BrokenUpstream:
		switch {
		case ev.ByTests && ev.Base != nil:
			s = "Every failing test is flaky or also fails in this job at the merge base " + shaLink(ev.Base.SHA, ev.Base.URL) + "."
		case ev.ByTests:
			s = "Every failing test is flaky or also fails in this job at the merge base."
		default:
			s = "Fails the same way at the merge base " + shaLink(ev.Base.SHA, ev.Base.URL) + "."
		}
	case Flaky:
		if ev.ByTests {
			s = "Every failing test is flaky: see each test's evidence below."
		} else if ev.Rerun != nil {
			s = "Passed on " + link("attempt "+strconv.Itoa(ev.Rerun.Attempt), ev.Rerun.URL) + " of the same commit."
		} else {
			s = "Matched " + patternText(ev) + ", a flaky failure."
		}
	case KnownProblem:
		s = "Matched " + patternText(ev) + ", a known problem."
	case NoLog:
		s = "The log could not be read: " + text(ev.LogReason) + "."
	default:
		s = "Nothing explains this failure: no known-broken annotation, no rerun that passed, no flaky or known-problem pattern."
		if !ev.BaseKnown {
			s += " Whether it fails on the base branch is not known."
		}
	}
	if ev.Pattern != nil && j.Verdict != Flaky && j.Verdict != KnownProblem {
		s += " Best match: " + patternText(ev) + "."
	} else if ev.Pattern != nil && ev.Rerun != nil && j.Verdict == Flaky {
		s += " Best match: " + patternText(ev) + "."
	}
	if ev.Pattern != nil && ev.Pattern.Description != "" {
		s += "\n\n> " + textWithLinks(clip(ev.Pattern.Description, 500))
	}
	if ev.Precision != nil {
		s += "\n\nPattern record: " + text(ev.Precision.String()) + "."
	}
	return s
}

func patternText(ev Evidence) string {
	s := "**" + text(clip(ev.Pattern.Name, maxNameRunes)) + "**"
	if ev.Best != nil && ev.Best.Line > 0 {
		s += " on line " + strconv.Itoa(ev.Best.Line)
	}
	return s
}

func shaLink(sha, u string) string {
	if _, ok := safeURL(u); ok {
		return "[" + codeSpan(short(sha)) + "](" + mustSafe(u) + ")"
	}
	return codeSpan(short(sha))
}

func mustSafe(u string) string {
	s, _ := safeURL(u)
	return s
}

// contextLines returns the numbered, redacted lines shown for a job and the log line they centre
// on (0 when none): around the best match when there is one, else the likely-cause excerpt.
func contextLines(j JobVerdict, opts RenderOptions) ([]string, int) {
	type numbered struct {
		n    int
		text string
	}
	var picked []numbered
	at := 0
	if b := j.Evidence.Best; b != nil {
		at = b.Line
		for n := b.Line - opts.ContextLines; n <= b.Line+opts.ContextLines; n++ {
			if n < 1 {
				continue
			}
			if l, ok := j.Run.Context.line(n); ok {
				picked = append(picked, numbered{n, l})
			} else if l, ok := j.Run.Cause.line(n); ok {
				picked = append(picked, numbered{n, l})
			} else if n == b.Line {
				picked = append(picked, numbered{n, b.Text})
			}
		}
	} else {
		i := 0
		for _, r := range j.Run.Cause.Ranges {
			for n := r[0]; n <= r[1] && i < len(j.Run.Cause.Lines) && len(picked) < maxCauseLines; n++ {
				picked = append(picked, numbered{n, j.Run.Cause.Lines[i]})
				i++
			}
		}
		if _, n, ok := causeHeadline(j.Run.Cause); ok {
			at = n
		}
	}
	if len(picked) == 0 {
		return nil, at
	}
	texts := make([]string, len(picked))
	for i, p := range picked {
		texts[i] = oneLine(clip(p.text, redactRunes))
	}
	// Redact the block whole, so secrets spanning lines (PEM keys) are recognised.
	red := strings.Split(opts.Redact(strings.Join(texts, "\n")), "\n")
	if len(red) != len(texts) {
		// A redactor that changed the number of lines: redact line by line instead.
		red = make([]string, len(texts))
		for i := range texts {
			red[i] = oneLine(opts.Redact(texts[i]))
		}
	}
	width := len(strconv.Itoa(picked[len(picked)-1].n))
	out := make([]string, 0, len(picked)+2)
	for i, p := range picked {
		if i > 0 && p.n != picked[i-1].n+1 {
			out = append(out, strings.Repeat(" ", width+4)+"…")
		}
		mark := "  "
		if p.n == at {
			mark = "> "
		}
		out = append(out, fmt.Sprintf("%s%*d | %s", mark, width, p.n, clip(red[i], maxContextRunes)))
	}
	return out, at
}

// lineLink links to one log line where the provider supports it: GitHub Actions anchors lines as
// <job url>#step:N:L, L counted within step N. Empty when it cannot.
func lineLink(r Run, line int) string {
	if r.Provider != ident.ProviderGitHubActions || line < 1 || len(r.Steps) == 0 || strings.Contains(r.URL, "#") {
		return ""
	}
	if _, ok := safeURL(r.URL); !ok {
		return ""
	}
	var step *StepSpan
	for i := range r.Steps {
		if r.Steps[i].FirstLine <= line {
			step = &r.Steps[i]
		}
	}
	if step == nil || step.Number < 1 {
		return ""
	}
	return fmt.Sprintf("%s#step:%d:%d", r.URL, step.Number, line-step.FirstLine+1)
}

// helpText is the check run's output.text: what the verdicts mean and how to talk to totto.
func helpText() string {
	return `### Verdicts
- **new**: nothing explains the failure; look at it.
- **flaky**: the job passed on a rerun of this commit, its failure matched a pattern tagged ` + "`flaky`" + `, or every failing test is flaky (it passed on a retry, or failed then passed on the same commit on other commits).
- **known problem**: the failure matched a pattern tagged ` + "`known-problem`" + `, a tracked problem.
- **known broken**: a maintainer marked the job known broken for this commit.
- **broken upstream**: the job fails the same way at the merge base, or its failing tests fail there too.
- **no log**: the log could not be read.

### Commands
Comment on a pull request or commit:
- ` + "`/totto known-broken JOB [reason…]`" + `: mark a job broken from this commit on (quote a JOB with spaces).
- ` + "`/totto fixed JOB`" + `: end the known-broken range.
- ` + "`/totto rescan`" + `: classify this commit's failures again.
- ` + "`/totto help`" + `: list the commands.
`
}
