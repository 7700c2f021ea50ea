package cause

import "fmt"

// The closing statement is what the tool that ran the failing step concluded before the CI
// noticed the failure: pip's "Failed building wheel for x", make's "*** [target] Error 2",
// cargo's "could not compile `crate`", pytest's "FAILED tests/…". It is a consequence, so it is
// never the cause line, but it names what failed and is where a reader's eye goes in the raw log;
// the excerpt shows it beside the cause when the cause's block does not reach it.

// closingGap is how many other non-blank lines may separate two closing statements of one
// cascade (make prints "Leaving directory" between its levels, pip "Failed to build x").
const closingGap = 2

// closingRuleNames are the rules that score a wrapper's summary as boilerplate (it is never the
// cause) although it names what failed.
var closingRuleNames = []string{"wrapper", "make-stars", "consequence"}

// closingRules holds the indices of closingRuleNames in rules.
var closingRules = func() map[int]bool {
	out := map[int]bool{}
	for _, name := range closingRuleNames {
		i := ruleIndex(name)
		if i < 0 {
			panic(fmt.Sprintf("cause: closing rule %q is not in the rule table", name))
		}
		out[i] = true
	}
	return out
}()

// closes reports whether a line states that something failed, in a way that may close a step:
// a strong failure line, a summary of failures, a wrapper's summary, or a line the CI flagged.
// The CI's own "step failed" lines (exit codes) name nothing and do not count.
func closes(e entry) bool {
	if e.blank || e.kind == kindStepEnd {
		return false
	}
	if e.marked && e.kind != kindNoise {
		return true
	}
	if e.rule < 0 {
		return false
	}
	ru := &rules[e.rule]
	switch {
	case closingRules[e.rule], ru.kind == kindSummary:
		return true
	default:
		return e.kind != kindNoise && ru.weight >= strongScore && e.score >= minCandidateScore
	}
}

// closingStatement finds the failing step's closing statement after line after. A tool that
// fails often says so in a cascade (make at each level, pip per wheel then for all, cargo's
// "aborting due to 2 previous errors" then "could not compile `crate`"); of the last cascade
// before the step's end it takes the line the table rates most telling, the first among equals
// (the innermost make level names the most specific target). It returns the window of lines
// ending at the step's end and the statement's index in it.
func (f *Finder) closingStatement(after int) ([]entry, int, bool) {
	var win []entry
	if f.lastEnd != nil {
		win = f.lastEnd.ctx[:f.lastEnd.self]
	} else {
		win = f.tail()
	}
	last := -1
	for i := len(win) - 1; i >= 0 && win[i].num > after; i-- {
		if closes(win[i]) {
			last = i
			break
		}
	}
	if last < 0 {
		return nil, 0, false
	}
	pick, gap := last, 0
	for i := last - 1; i >= 0 && win[i].num > after; i-- {
		switch {
		case win[i].blank:
		case closes(win[i]):
			gap = 0
			if closingWeight(win[i]) >= closingWeight(win[pick]) {
				pick = i
			}
		default:
			gap++
		}
		if gap > closingGap {
			break
		}
	}
	return win, pick, true
}

// closingWeight rates how much a closing statement tells: its rule's weight (a line the CI
// flagged without a rule counts as the least flagged line does).
func closingWeight(e entry) float64 {
	if e.rule < 0 {
		return markedFloor
	}
	return rules[e.rule].weight
}

// closingBlock is the block showing the failing step's closing statement next to the cause's
// block best.ctx[a..b] (cut with budget lines), or nil when that block shows it already, when
// there is none after the cause, or when the budget cannot spare the lines.
func (f *Finder) closingBlock(best *candidate, a, b, budget, end int) *block {
	n := f.opts.Params.ClosingLines
	if n <= 0 || budget-n < secondBudget || best.num > end {
		return nil
	}
	win, i, ok := f.closingStatement(best.num)
	if !ok || win[i].num >= best.ctx[a].num && win[i].num <= best.ctx[b].num {
		return nil
	}
	c, d := cut(win, i, kindHeader, n, end)
	return &block{win, c, d}
}
