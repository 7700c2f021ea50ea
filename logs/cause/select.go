package cause

import (
	"math"
	"sort"
)

// secondBudget is the lines given to a second block when one is worth showing.
const secondBudget = 3

// recency is the bonus of a line d lines before the end of the failing step: the cause of a
// failure is nearly always shortly before the CI noticed it.
func recency(d int, scale float64) float64 {
	if d < 0 {
		d = 0
	}
	x := float64(d) / scale
	return 4*math.Exp(-x/40) + 2*math.Exp(-x/400) + 1*math.Exp(-x/4000)
}

// failEnd returns the line where the failing step ended and that step's index.
func (f *Finder) failEnd() (int, int) {
	if f.lastEnd != nil {
		return f.lastEnd.num, f.lastEnd.step
	}
	if len(f.ring) > 0 {
		last := f.ringAt(1)
		return last.num, last.step
	}
	return 0, 0
}

// finalScore is a candidate's score once the end of the failing step is known.
func (f *Finder) finalScore(c *candidate, end, endStep int) float64 {
	s := c.score
	if c.num > end {
		s -= f.opts.Params.AfterEndPenalty
	} else {
		s += recency(end-c.num, f.opts.Params.RecencyScale)
	}
	if c.step == endStep {
		s += f.opts.Params.SameStepBonus
	}
	return s
}

// Excerpt returns the likely-cause excerpt of the lines added so far. It may be called more than
// once; it does not change the Finder.
func (f *Finder) Excerpt() Excerpt {
	if len(f.ring) == 0 {
		return Excerpt{}
	}
	end, endStep := f.failEnd()
	links, orphans := linkedDetails(f.cands, func(c *candidate) float64 { return f.finalScore(c, end, endStep) })
	final := func(c *candidate) float64 { return f.finalScore(c, end, endStep) + links[c] }
	pool := f.cands
	if f.lastEnd != nil || len(orphans) > 0 {
		pool = make([]*candidate, 0, len(f.cands)+1)
		for _, c := range f.cands {
			if !orphans[c] {
				pool = append(pool, c)
			}
		}
		if f.lastEnd != nil {
			pool = append(pool, f.lastEnd)
		}
	}
	if len(pool) == 0 {
		tail := f.tail()
		a, b := cut(tail, len(tail)-1, kindStepEnd, f.opts.Budget, end)
		return build([]block{{tail, a, b}})
	}
	ranked := sortedCandidates(pool, final)
	best := ranked[0]
	budget := f.opts.Budget
	var second *candidate
	if budget > 2*secondBudget {
		bestScore := final(best)
		for _, c := range ranked[1:] {
			if final(c) < f.opts.Params.SecondRatio*bestScore {
				break
			}
			if abs(c.num-best.num) > f.opts.Context {
				second = c
				break
			}
		}
	}
	// A second block goes to a second candidate far from the best one or, failing that, to the
	// failing step's closing statement: an excerpt is one or two blocks.
	var blocks []block
	if second != nil {
		budget -= secondBudget
		c, d := cut(second.ctx, second.self, second.kind, secondBudget, end)
		blocks = append(blocks, block{second.ctx, c, d})
	}
	a, b := cut(best.ctx, best.self, best.kind, budget, end)
	if second == nil {
		if closing := f.closingBlock(best, a, b, budget, end); closing != nil {
			budget -= f.opts.Params.ClosingLines
			a, b = cut(best.ctx, best.self, best.kind, budget, end)
			blocks = append(blocks, *closing)
		}
	}
	ex := build(append(blocks, block{best.ctx, a, b}))
	if ex.contains(best.num) {
		ex.Cause = causeLine(best, b)
	}
	return ex
}

// causeLine is the line of the excerpt a person should read first. It is the best candidate,
// except that a header (a failed test's name, "--- FAIL: TestX", a jest "●" title) hands over to
// the first strong failure statement of its detail (the assertion message) shown after it in its
// block, best.ctx up to index b: a closing statement shown in another block is a consequence.
func causeLine(best *candidate, b int) int {
	if best.kind != kindHeader {
		return best.num
	}
	for _, e := range best.ctx[best.self+1 : b+1] {
		if e.rule >= 0 && rules[e.rule].weight >= strongScore && (e.kind == kindPoint || e.kind == kindTail) {
			return e.num
		}
	}
	return best.num
}

// contains reports whether line n lies inside the excerpt's ranges.
func (e Excerpt) contains(n int) bool {
	for _, r := range e.Ranges {
		if n >= r[0] && n <= r[1] {
			return true
		}
	}
	return false
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// block is a window [a, b] (indices into lines) of context lines.
type block struct {
	lines []entry
	a, b  int
}

// build turns blocks into an Excerpt with ascending, disjoint ranges (overlapping blocks share
// their common lines).
func build(bs []block) Excerpt {
	sort.Slice(bs, func(i, j int) bool { return bs[i].lines[bs[i].a].num < bs[j].lines[bs[j].a].num })
	var ex Excerpt
	lastNum := 0
	for _, b := range bs {
		for i := b.a; i <= b.b; i++ {
			e := b.lines[i]
			if e.num <= lastNum {
				continue
			}
			if len(ex.Ranges) == 0 || e.num != lastNum+1 {
				ex.Ranges = append(ex.Ranges, [2]int{e.num, e.num})
			} else {
				ex.Ranges[len(ex.Ranges)-1][1] = e.num
			}
			ex.Lines = append(ex.Lines, e.text)
			lastNum = e.num
		}
	}
	return ex
}

// contextValue is how much a line adds to a window around a candidate of kind k: its own score,
// and where it sits relative to the candidate (a failed test's name is followed by its detail, an
// exception line is preceded by its traceback).
func contextValue(e entry, dist int, before bool, k kind, end int) float64 {
	if e.blank {
		return 0
	}
	if e.num > end {
		return -1
	}
	var v float64
	switch k {
	case kindHeader:
		v = pick(before, 0.2, 1)
	case kindTail:
		v = pick(before, 1, 0.2)
	case kindStepEnd:
		v = pick(before, 1, 0)
	case kindSummary:
		v = pick(before, 0.5, 0.5)
	default:
		v = pick(before, 0.6, 0.8)
	}
	if e.listed && e.rule < 0 {
		// a failed-tests list line scores only to find its detail; as context it is plain text
	} else if e.score > 0 {
		v += 0.1 * e.score
	} else if e.score < 0 {
		v -= 0.5
	}
	// Nearer lines are likelier to belong to the same message.
	return v / (1 + float64(dist)/distanceScale)
}

// distanceScale is the distance (in lines) at which a context line is worth half as much.
const distanceScale = 8

func pick(before bool, b, a float64) float64 {
	if before {
		return b
	}
	return a
}

// cut chooses the window around lines[self] holding at most budget non-blank lines that adds the
// most context value; it returns indices into lines.
func cut(lines []entry, self int, k kind, budget, end int) (int, int) {
	if budget <= 0 {
		budget = 1
	}
	// Non-blank lines other than self, nearest first, on each side.
	var before, after []int
	for i := self - 1; i >= 0; i-- {
		if !lines[i].blank {
			before = append(before, i)
		}
	}
	for i := self + 1; i < len(lines); i++ {
		if !lines[i].blank {
			after = append(after, i)
		}
	}
	room := budget
	if !lines[self].blank {
		room--
	}
	// prefix sums of values
	pb := prefix(lines, before, true, k, end)
	pa := prefix(lines, after, false, k, end)
	bestN, bestV := 0, math.Inf(-1)
	for nb := 0; nb <= room && nb <= len(before); nb++ {
		na := room - nb
		if na > len(after) {
			na = len(after)
		}
		// Taking fewer after-lines can be better when they are noise.
		for m := na; m >= 0; m-- {
			v := pb[nb] + pa[m]
			if v > bestV {
				bestV, bestN = v, nb*(len(after)+1)+m
			}
		}
	}
	nb, na := bestN/(len(after)+1), bestN%(len(after)+1)
	a, b := self, self
	if nb > 0 {
		a = before[nb-1]
	}
	if na > 0 {
		b = after[na-1]
	}
	return a, b
}

func prefix(lines []entry, idx []int, before bool, k kind, end int) []float64 {
	p := make([]float64, len(idx)+1)
	for i, j := range idx {
		p[i+1] = p[i] + contextValue(lines[j], i+1, before, k, end)
	}
	return p
}
