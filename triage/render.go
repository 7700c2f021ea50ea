package triage

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/redact"
)

// MaxOutputBytes is GitHub's limit on a check run's output.summary and output.text (65,535
// characters). Render counts bytes, which is never fewer than characters, so a rendered output is
// within the limit whatever GitHub counts.
const MaxOutputBytes = 65535

// RenderOptions are the knobs of Render that are not part of the verdicts.
type RenderOptions struct {
	// DetailsURL is totto's page for the commit; linked from the summary and from the "… and N
	// more" line when the table is cut.
	DetailsURL string
	// Redact is applied to every quoted log text before it is escaped; nil means
	// redact.Default.Text (the App passes its configured redactor's).
	// Pass func(s string) string { return s } to quote logs verbatim.
	Redact func(string) string
	// MaxBytes caps summary and text; 0 means MaxOutputBytes.
	MaxBytes int
	// ContextLines is how many lines to show on each side of a matched line; 0 means 3.
	ContextLines int
	// Suggestions are patterns proposed for new jobs (SuggestionsFor), shown under each job so
	// a recurring unexplained failure is one click from being explained. A suggestion's Jobs
	// counts the job itself; SuggestionWindow says over which period ("this week").
	Suggestions      map[JobKey]Suggestion
	SuggestionWindow string
	// TestWindow names the period of each failing test's history line ("14 days").
	TestWindow string
	// Reruns says, per job, what became of totto's automatic re-runs of it.
	Reruns map[JobKey]string
	// TestURL, when set, links a failing test to its history page.
	TestURL func(TestID) string
}

// Output is a check run's output and conclusion, ready for the GitHub API.
type Output struct {
	Title      string
	Summary    string
	Text       string
	Conclusion string
}

// Limits on what one job contributes, so that one absurd log line cannot crowd out the others.
const (
	maxCellRunes    = 200
	maxContextRunes = 300
	maxCauseLines   = 20
	maxNameRunes    = 150
	// redactRunes is how much of a line is redacted before it is clipped for display: more than
	// shown, so a secret straddling the display cut is still recognised whole.
	redactRunes = maxContextRunes + 300
)

// Render turns a report into the check run a developer reads. It is deterministic, so OutputHash
// of two renders of the same report is equal. When the summary would exceed the size limit it drops
// context blocks, least important verdicts first, and then cuts the table with a pointer to
// DetailsURL.
func Render(r Report, opts RenderOptions) Output {
	if opts.Redact == nil {
		opts.Redact = redact.Default.Text
	}
	if opts.MaxBytes <= 0 || opts.MaxBytes > MaxOutputBytes {
		opts.MaxBytes = MaxOutputBytes
	}
	if opts.ContextLines <= 0 {
		opts.ContextLines = 3
	}
	out := Output{Title: Title(r), Conclusion: string(r.Conclusion)}
	out.Summary = renderSummary(r, opts)
	out.Text = clipBytes(helpText(), opts.MaxBytes)
	return out
}

// Title is the one-line check-run title: "2 of 3 failures explained — 1 flaky · 1 known problem · 1 new".
func Title(r Report) string {
	n := len(r.Jobs)
	if n == 0 {
		return "No failures"
	}
	noun := "failures"
	if n == 1 {
		noun = "failure"
	}
	var parts []string
	for _, v := range verdictOrder {
		if c := r.Count(v); c > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c, v.label()))
		}
	}
	return fmt.Sprintf("%d of %d %s explained — %s", r.Explained(), n, noun, strings.Join(parts, " · "))
}

func renderSummary(r Report, opts RenderOptions) string {
	var head strings.Builder
	head.WriteString(summaryHeadline(r))
	if len(r.Jobs) == 0 {
		head.WriteString(footer(opts))
		return clipBytes(head.String(), opts.MaxBytes)
	}
	head.WriteString("\n| Job | Verdict | Pattern | Line |\n| --- | --- | --- | --- |\n")
	rows := make([]string, len(r.Jobs))
	for i, j := range r.Jobs {
		rows[i] = tableRow(j, opts)
	}
	return fit(head.String(), rows, func(i int) string { return detailsBlock(r.Jobs[i], opts) }, footer(opts), opts)
}

// fit assembles the summary within opts.MaxBytes. Jobs are ordered most important first, so the
// summary keeps the longest prefix of context blocks that fits (dropping the least important
// first), and when not even every table row fits without blocks, the longest prefix of rows plus a
// "… and N more" row. Blocks are rendered only while they fit, so 500 failures cost little more
// than 50.
func fit(head string, rows []string, block func(int) string, foot string, opts RenderOptions) string {
	// Room for the note saying what was left out.
	const noteReserve = 256
	base := len(head) + len(foot)
	for _, row := range rows {
		base += len(row)
	}
	var b strings.Builder
	if base+noteReserve > opts.MaxBytes {
		// Not even the table fits: cut rows and show no context.
		size, keep := len(head)+len(foot)+noteReserve, 0
		for keep < len(rows) && size+len(rows[keep]) <= opts.MaxBytes {
			size += len(rows[keep])
			keep++
		}
		b.WriteString(head)
		for _, row := range rows[:keep] {
			b.WriteString(row)
		}
		b.WriteString(moreRow(len(rows)-keep, opts))
		b.WriteString("\n")
		b.WriteString(foot)
		return clipBytes(b.String(), opts.MaxBytes)
	}
	var blocks []string
	size := base
	for i := range rows {
		blk := block(i)
		limit := opts.MaxBytes
		if i < len(rows)-1 {
			limit -= noteReserve // more blocks may follow and be left out
		}
		if size+len(blk) > limit {
			break
		}
		size += len(blk)
		blocks = append(blocks, blk)
	}
	b.Grow(size + noteReserve)
	b.WriteString(head)
	for _, row := range rows {
		b.WriteString(row)
	}
	b.WriteString("\n")
	for _, blk := range blocks {
		b.WriteString(blk)
	}
	if n := len(rows) - len(blocks); n > 0 {
		fmt.Fprintf(&b, "_Context for %d more %s left out to fit GitHub's size limit%s._\n\n",
			n, plural(n, "job", "jobs"), seeDetails(opts))
	}
	b.WriteString(foot)
	return clipBytes(b.String(), opts.MaxBytes)
}

func moreRow(n int, opts RenderOptions) string {
	return fmt.Sprintf("| … and %d more %s%s | | | |\n", n, plural(n, "failure", "failures"), tableCell(seeDetails(opts)))
}

func seeDetails(opts RenderOptions) string {
	if _, ok := safeURL(opts.DetailsURL); ok {
		return " — see " + link("totto", opts.DetailsURL)
	}
	return ""
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func summaryHeadline(r Report) string {
	where := ""
	if r.Commit.SHA != "" {
		where = " on " + codeSpan(short(r.Commit.SHA))
	}
	if len(r.Jobs) == 0 {
		s := "No failed jobs" + where + "."
		if n := len(r.Ignored); n > 0 {
			s += fmt.Sprintf(" %d failed %s ignored by configuration.", n, plural(n, "job", "jobs"))
		}
		return s + "\n\n"
	}
	s := fmt.Sprintf("**%d failed %s**%s: %d explained", len(r.Jobs), plural(len(r.Jobs), "job", "jobs"), where, r.Explained())
	if n := r.Count(New); n > 0 {
		s += fmt.Sprintf(", **%d new**", n)
	}
	if n := r.Count(NoLog); n > 0 {
		s += fmt.Sprintf(", %d without a readable log", n)
	}
	s += "."
	if n := len(r.Ignored); n > 0 {
		s += fmt.Sprintf(" %d more failed %s ignored by configuration.", n, plural(n, "job", "jobs"))
	}
	return s + "\n"
}

func footer(opts RenderOptions) string {
	if _, ok := safeURL(opts.DetailsURL); !ok {
		return ""
	}
	return link("Details on totto", opts.DetailsURL) + "\n"
}

func verdictCell(v Verdict) string {
	if v == New {
		return "**new**"
	}
	return text(string(v))
}

func jobName(j JobVerdict) string {
	name := clip(j.Run.Name, maxNameRunes)
	if j.Run.Attempt > 1 {
		name += " (attempt " + strconv.Itoa(j.Run.Attempt) + ")"
	}
	return name
}

func tableRow(j JobVerdict, opts RenderOptions) string {
	job := link(jobName(j), j.Run.URL)
	pat := "—"
	if p := j.Evidence.Pattern; p != nil {
		pat = text(clip(p.Name, maxNameRunes))
		if len(p.Tags) > 0 {
			tags := make([]string, len(p.Tags))
			for i, t := range p.Tags {
				tags[i] = codeSpan(clip(t, 40))
			}
			pat += " " + strings.Join(tags, " ")
		}
		if j.Evidence.Demoted != "" {
			pat += " (demoted)"
		}
	}
	line := "—"
	if l, _, ok := headlineLine(j); ok {
		line = codeSpan(clip(opts.Redact(clip(l, redactRunes)), maxCellRunes))
	} else if j.Verdict == NoLog {
		line = text(clip(j.Evidence.LogReason, maxCellRunes))
	} else if j.Run.Log.Expired != "" {
		line = text(clip(j.Run.Log.Expired, maxCellRunes))
	}
	return "| " + tableCell(job) + " | " + tableCell(verdictCell(j.Verdict)) + " | " + tableCell(pat) + " | " + tableCell(line) + " |\n"
}

// headlineLine is the one log line shown in the table, and its line number: the best match's line,
// or else the likely cause's most telling line.
func headlineLine(j JobVerdict) (string, int, bool) {
	if b := j.Evidence.Best; b != nil {
		return b.Text, b.Line, true
	}
	return causeHeadline(j.Run.Cause)
}

// causeHeadline picks the last excerpt line that says error, fail, panic or exception without
// being boilerplate (patterns.IsBoilerplate), or else the last non-blank, non-boilerplate line.
func causeHeadline(e Excerpt) (string, int, bool) {
	if l, ok := e.line(e.Cause); ok && e.Cause > 0 && strings.TrimSpace(l) != "" {
		return strings.TrimSpace(l), e.Cause, true
	}
	nums := make([]int, 0, len(e.Lines))
	for _, r := range e.Ranges {
		for n := r[0]; n <= r[1] && len(nums) < len(e.Lines); n++ {
			nums = append(nums, n)
		}
	}
	last := -1
	for i := len(nums) - 1; i >= 0; i-- {
		l := strings.TrimSpace(e.Lines[i])
		if l == "" || patterns.IsBoilerplate(l) {
			continue
		}
		if last < 0 {
			last = i
		}
		low := strings.ToLower(l)
		for _, w := range []string{"error", "fail", "panic", "exception"} {
			if strings.Contains(low, w) {
				return l, nums[i], true
			}
		}
	}
	if last < 0 {
		return "", 0, false
	}
	return strings.TrimSpace(e.Lines[last]), nums[last], true
}

// clipBytes cuts s to at most n bytes at a rune boundary: the last resort, never reached when the
// pieces are sized by fit.
func clipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	mark := "\n…\n"
	if n < len(mark) {
		mark = ""
	}
	i := n - len(mark)
	for i > 0 && !isRuneStart(s[i]) {
		i--
	}
	return s[:i] + mark
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
