package patterns

import (
	"github.com/totto-ci/totto/internal/keywords"
	"github.com/totto-ci/totto/logs"
)

// maxQueuedLines bounds the lines held for ScanOptions.OnLine between two blocks: a log of empty
// lines or progress frames fills a block slowly, and the queue must stay small all the same.
const maxQueuedLines = 8192

// onLineQueue holds the lines of the current block for ScanOptions.OnLine. They are handed over
// once the block has been scanned, with the keywords the literal automaton found in them in the
// same pass as the patterns' literals (Matcher.keywordAutomaton): the likely-cause finder and
// the failing-test extractor, which OnLine serves, then do not walk the lines again.
type onLineQueue struct {
	lines []queuedLine
	aside []byte          // the text of queued lines the block does not hold (skipped progress frames)
	memos []keywords.Memo // per block line, filled by the scan
}

// queuedLine is a line waiting for OnLine; its text is the block's line inBlock or, when inBlock
// is -1, aside[start:end].
type queuedLine struct {
	line       logs.Line
	start, end int32
	inBlock    int32
}

// addInBlock queues a line the block holds as its line li.
func (q *onLineQueue) addInBlock(l logs.Line, li int32) {
	l.Text, l.Keywords = nil, nil
	q.lines = append(q.lines, queuedLine{line: l, inBlock: li})
}

// addAside queues a line the block does not hold, keeping a copy of its text.
func (q *onLineQueue) addAside(l logs.Line) {
	start := int32(len(q.aside))
	q.aside = append(q.aside, l.Text...)
	l.Text, l.Keywords = nil, nil
	q.lines = append(q.lines, queuedLine{line: l, start: start, end: int32(len(q.aside)), inBlock: -1})
}

// full reports whether the queue must be emptied before another line is added.
func (q *onLineQueue) full() bool { return len(q.lines) >= maxQueuedLines || len(q.aside) >= blockSize }

// startMemos makes one memo per block line, each standing for its line with nothing found yet.
func (q *onLineQueue) startMemos(block []byte, lines []blockLine) {
	if cap(q.memos) < len(lines) {
		q.memos = make([]keywords.Memo, len(lines))
	}
	q.memos = q.memos[:len(lines)]
	for i := range lines {
		q.memos[i].Found(block[lines[i].start:lines[i].end:lines[i].end])
	}
}

// deliver hands every queued line to fn in order and empties the queue. block and lines are the
// scan's block, which holds every queued line not aside; filled says whether startMemos made the
// block lines' memos and the scan filled them (otherwise each line gets a memo to fill itself).
func (q *onLineQueue) deliver(block []byte, lines []blockLine, filled bool, fn func(logs.Line)) {
	if !filled {
		q.memos = q.memos[:0]
	}
	for i := range q.lines {
		ql := &q.lines[i]
		l := ql.line
		if ql.inBlock < 0 {
			l.Text = q.aside[ql.start:ql.end:ql.end]
			fn(l)
			continue
		}
		bl := &lines[ql.inBlock]
		l.Text = block[bl.start:bl.end:bl.end]
		if filled {
			l.Keywords = &q.memos[ql.inBlock]
		} else {
			if len(q.memos) == 0 {
				q.memos = append(q.memos, keywords.Memo{})
			}
			l.Keywords = &q.memos[0]
			l.Keywords.Reset(l.Text)
		}
		fn(l)
	}
	clear(q.lines)
	q.lines, q.aside = q.lines[:0], q.aside[:0]
}

// release drops the references to a finished scan's data, keeping the buffers.
func (q *onLineQueue) release() {
	clear(q.lines)
	clear(q.memos)
	q.lines, q.aside, q.memos = q.lines[:0], q.aside[:0], q.memos[:0]
}
