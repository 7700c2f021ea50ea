package cause

import (
	"bytes"
	"sort"

	"github.com/totto-ci/totto/internal/keywords"
	"github.com/totto-ci/totto/logs"
)

// Options tune a Finder. The zero value gives the defaults that the check run uses.
type Options struct {
	// Budget is the most non-blank lines an excerpt may hold (default 10).
	Budget int
	// MaxCandidates bounds how many scored lines are remembered (default 256); with Context it
	// bounds the Finder's memory whatever the log's size.
	MaxCandidates int
	// Context is how many lines are kept on each side of a candidate (default 2×Budget+4).
	Context int
	// FreeBlank lets blank lines ride along without counting against the budget. Set it only
	// when Text is the canonical text (logs.FormatPlain): the default reader strips CI markers and
	// timestamps, so a line that looks blank may not be blank in the canonical log where the
	// budget is counted (the excerpt scorer, `totto scan` consumers); by default every line counts.
	FreeBlank bool
	// MaxLineBytes caps the bytes kept of each remembered line (default 2048); longer lines are
	// scored in full but shown cut.
	MaxLineBytes int
	// Params are the weights (nil: DefaultParams).
	Params *Params
	// History is the fingerprint of the job's last passing log, when the store holds one: lines
	// without a counterpart in it are strong candidates (nil: the log is judged alone).
	History *Fingerprint
	// WithoutRules names rules to switch off, as if the table did not hold them (unknown names
	// are ignored). Only measurements set it: bench/likelycause scores each repository without
	// the rules that only that repository's logs support.
	WithoutRules []string
}

func (o Options) withDefaults() Options {
	if o.Budget <= 0 {
		o.Budget = 10
	}
	if o.MaxCandidates <= 0 {
		o.MaxCandidates = 256
	}
	if o.Context <= 0 {
		o.Context = 2*o.Budget + 4
	}
	if o.MaxLineBytes <= 0 {
		o.MaxLineBytes = 2048
	}
	if o.Params == nil {
		p := DefaultParams()
		o.Params = &p
	}
	return o
}

const (
	// minCandidateScore is the weight from which a line is worth remembering as a candidate.
	minCandidateScore = 2
	// markedFloor is the least score of a line the CI itself flagged as an error.
	markedFloor = 5
	// seriesGap is how close the next failure of one kind must be to count as a series.
	seriesGap = 300
	// strongScore is the score from which a line is a strong failure line.
	strongScore = 6
	// longLine and longLineCap limit the weight of very long lines.
	longLine    = 600
	longLineCap = 3
)

// entry is one remembered line.
type entry struct {
	num    int
	text   string
	score  float64
	kind   kind
	step   int
	blank  bool
	marked bool // the CI flagged it (##[error])
	rule   int  // index of the rule that scored it, -1 for none
	listed bool // a line of a failed-tests list (see faillist.go)
}

// candidate is a scored line with the context around it, kept so that the excerpt can be cut
// once the whole log has been seen.
type candidate struct {
	entry
	ctx       []entry // lines num-k .. num+m in order, including the candidate itself
	self      int     // index of the candidate in ctx
	needAfter int     // how many following lines are still to be appended to ctx
	seq       int     // insertion order, for stable tie-breaking
}

// Finder finds the likely cause of a failure in a streamed log. It exists because a job log can
// be far larger than memory, yet the excerpt can only be chosen once the end of the log (where
// the failing step ends) has been seen. Use one Finder per log; it is not safe for concurrent use.
type Finder struct {
	opts Options

	ring     []ringLine // the last Context+Budget lines, a circular buffer
	ringNext int
	n        int // lines seen

	step     int    // index of the current step
	stepName string // name of the current step from logs.Line.Step

	cands []*candidate
	open  []*candidate // candidates still collecting lines after them
	seq   int

	firstStrong int         // 1 + the step whose first strong line was seen
	inHeader    bool        // inside a GitHub Actions "Run …" group: the step's script and inputs
	lastOfRule  map[int]int // the last line each rule scored as a candidate

	// lastEnd is the last line where the CI said a step or command failed, with its context.
	lastEnd *candidate

	list failList // the failed-tests list the log is in, if any

	// score scores a cleaned line: scoreRule, or scoreRuleReference when checking it.
	score func(text []byte, memo *keywords.Memo) (float64, kind, int)

	hbuf []byte // masking buffer for history look-ups

	// spare is a candidate no longer referenced (dropped from the set, or a replaced lastEnd),
	// reused with its context's memory by the next newCandidate.
	spare *candidate
}

// NewFinder returns a Finder for one log.
func NewFinder(opts Options) *Finder {
	opts = opts.withDefaults()
	f := &Finder{opts: opts, ring: make([]ringLine, 0, opts.Context+opts.Budget), lastOfRule: map[int]int{}, score: scoreLine}
	if len(opts.WithoutRules) > 0 {
		f.score = scorerWithout(opts.WithoutRules)
	}
	return f
}

// Add consumes the next line of the log. Lines must come in order; Num is taken as given.
func (f *Finder) Add(l logs.Line) {
	f.n++
	text, m := cleanLine(l.Text)
	if l.Step != "" && l.Step != f.stepName {
		f.stepName = l.Step
		f.step++
	} else if m.stepStart && l.Step == "" {
		f.step++
	}
	e := entry{num: l.Num, step: f.step, marked: l.ErrorMarker || m.errorMarker}
	if e.num <= 0 {
		e.num = f.n
	}
	// Blank means blank as given, before cleaning: a line holding only a timestamp or a marker
	// is still shown, so it counts against the budget.
	e.blank = f.opts.FreeBlank && len(bytes.TrimSpace(l.Text)) == 0 && l.StepIndex == 0
	e.rule = -1
	if !l.Overwritten && !f.inHeader {
		e.score, e.kind, e.rule = f.score(text, l.Keywords)
	} else {
		e.kind = kindNoise
	}
	f.list.mark(&e, text)
	if len(text) > longLine && e.score > longLineCap {
		e.score = longLineCap // a list of test names or a command line, not a message
	}
	if f.opts.History != nil && e.kind != kindNoise && e.kind != kindStepEnd {
		e.score = f.againstHistory(text, e.score)
	}
	if e.marked && e.kind != kindNoise && e.kind != kindStepEnd {
		e.score = max(e.score, markedFloor) + f.opts.Params.MarkedBonus
	}
	// A failure detail that repeats the previous candidate's kind shortly after it is one more
	// of a series (the second failed test, the next compile error): the first usually says most.
	if e.rule >= 0 && e.score >= minCandidateScore {
		if last, ok := f.lastOfRule[e.rule]; ok && e.num-last <= seriesGap {
			e.score -= f.opts.Params.SeriesPenalty
		}
		f.lastOfRule[e.rule] = e.num
	}
	// The first strong failure line of a step usually starts the cascade that follows it.
	if e.score >= strongScore && f.firstStrong != e.step+1 {
		f.firstStrong = e.step + 1
		e.score += f.opts.Params.FirstBonus
	}
	if m.stepStart && m.headerGroup {
		f.inHeader = true
	} else if m.groupEnd {
		f.inHeader = false
	}
	keep := text
	if len(keep) > f.opts.MaxLineBytes {
		keep = keep[:f.opts.MaxLineBytes]
	}
	// Most lines are never shown: their text is copied into the tail window's reused buffer and
	// made a string only if a later candidate takes it as context.
	stored := len(f.open) > 0 || e.kind == kindStepEnd || e.score >= minCandidateScore
	if stored {
		e.text = string(keep)
	}

	// Feed the candidates waiting for context after them.
	kept := f.open[:0]
	for _, c := range f.open {
		c.ctx = append(c.ctx, e)
		c.needAfter--
		if c.needAfter > 0 {
			kept = append(kept, c)
		}
	}
	for i := len(kept); i < len(f.open); i++ {
		f.open[i] = nil
	}
	f.open = kept

	switch {
	case e.kind == kindStepEnd:
		old := f.lastEnd
		f.lastEnd = f.newCandidate(e, 0)
		if old != nil {
			f.spare = old
		}
	case e.score >= minCandidateScore:
		f.addCandidate(e)
	}
	f.push(e, keep, stored)
}

// againstHistory adjusts the score of a cleaned line by whether the job's last passing log
// printed it too.
func (f *Finder) againstHistory(text []byte, score float64) float64 {
	var h uint64
	var ok bool
	f.hbuf, h, ok = lineHash(f.hbuf, text)
	switch {
	case !ok:
		return score
	case f.opts.History.has(h):
		return min(score, f.opts.Params.SeenCap)
	default:
		return score + f.opts.Params.NovelBonus
	}
}

func (f *Finder) newCandidate(e entry, after int) *candidate {
	c, ctx := f.spare, []entry(nil)
	if c != nil {
		f.spare, ctx = nil, c.ctx[:0]
	} else {
		c = &candidate{}
	}
	*c = candidate{entry: e, needAfter: after, seq: f.seq}
	f.seq++
	before := f.opts.Context
	if e.kind == kindStepEnd {
		before = f.opts.Context + f.opts.Budget
	}
	if before > len(f.ring) {
		before = len(f.ring)
	}
	if cap(ctx) < before+1+after {
		ctx = make([]entry, 0, before+1+after)
	}
	c.ctx = ctx
	for i := before; i >= 1; i-- {
		c.ctx = append(c.ctx, f.ringAt(i))
	}
	c.self = len(c.ctx)
	c.ctx = append(c.ctx, e)
	if after > 0 {
		f.open = append(f.open, c)
	}
	return c
}

// addCandidate remembers a candidate for e, dropping the least promising candidate when the set
// is full: when that is e itself (a weak line late in a log full of stronger ones), no candidate
// is made, which spares copying its context.
func (f *Finder) addCandidate(e entry) {
	if len(f.cands) < f.opts.MaxCandidates {
		f.cands = append(f.cands, f.newCandidate(e, f.opts.Context))
		return
	}
	worst, worstScore := 0, f.cands[0].score+cheapRecency(f.n-f.cands[0].num)
	for i, k := range f.cands[1:] {
		// The recency term is positive for a line already seen: a candidate scoring at least
		// the least total so far cannot be below it, and its recency is not worth computing.
		if k.score >= worstScore && k.num <= f.n {
			continue
		}
		if s := k.score + cheapRecency(f.n-k.num); s < worstScore {
			worst, worstScore = i+1, s
		}
	}
	// The new candidate, last in the set, is the one dropped only when it scores strictly less:
	// on a tie the first of the least is.
	if e.score+cheapRecency(0) < worstScore {
		return
	}
	dropped := f.cands[worst]
	copy(f.cands[worst:], f.cands[worst+1:])
	f.cands[len(f.cands)-1] = f.newCandidate(e, f.opts.Context)
	f.spare = dropped
	if dropped.needAfter > 0 {
		for i, o := range f.open {
			if o == dropped {
				copy(f.open[i:], f.open[i+1:])
				f.open[len(f.open)-1] = nil
				f.open = f.open[:len(f.open)-1]
				break
			}
		}
	}
}

// cheapRecency approximates recency without exponentials; eviction runs once per candidate.
func cheapRecency(d int) float64 {
	x := float64(d)
	return 4/(1+x/40) + 2/(1+x/400) + 1/(1+x/4000)
}

// ringLine is a line of the tail window. Its entry's text is set only once needed (stored);
// until then the line's bytes are in buf, which the slot reuses for the lines after it.
type ringLine struct {
	entry
	buf    []byte
	stored bool
}

// push appends e to the tail window; text is its text, needed only when stored is false.
func (f *Finder) push(e entry, text []byte, stored bool) {
	var slot *ringLine
	if len(f.ring) < cap(f.ring) {
		f.ring = f.ring[:len(f.ring)+1]
		slot = &f.ring[len(f.ring)-1]
	} else {
		slot = &f.ring[f.ringNext]
		f.ringNext = (f.ringNext + 1) % len(f.ring)
	}
	slot.entry, slot.stored = e, stored
	if !stored {
		slot.buf = append(slot.buf[:0], text...)
	}
}

// ringAt returns the i-th most recent line of the tail window (1 = the last one).
func (f *Finder) ringAt(i int) entry {
	var slot *ringLine
	if len(f.ring) < cap(f.ring) {
		slot = &f.ring[len(f.ring)-i]
	} else {
		slot = &f.ring[(f.ringNext-i+len(f.ring))%len(f.ring)]
	}
	if !slot.stored {
		slot.text, slot.stored = string(slot.buf), true
	}
	return slot.entry
}

// tail returns the tail window in order.
func (f *Finder) tail() []entry {
	out := make([]entry, 0, len(f.ring))
	for i := len(f.ring); i >= 1; i-- {
		out = append(out, f.ringAt(i))
	}
	return out
}

// retained counts the lines the Finder holds; it is what keeps memory bounded.
func (f *Finder) retained() int {
	n := len(f.ring)
	for _, c := range f.cands {
		n += len(c.ctx)
	}
	if f.lastEnd != nil {
		n += len(f.lastEnd.ctx)
	}
	return n
}

// sortedCandidates returns the candidates ordered by final score, best first.
func sortedCandidates(cs []*candidate, final func(*candidate) float64) []*candidate {
	out := append([]*candidate(nil), cs...)
	sort.SliceStable(out, func(i, j int) bool {
		si, sj := final(out[i]), final(out[j])
		if si != sj {
			return si > sj
		}
		return out[i].seq > out[j].seq
	})
	return out
}
