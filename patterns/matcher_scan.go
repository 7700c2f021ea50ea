package patterns

import (
	"bytes"
	"fmt"
	"slices"
	"sync"

	"github.com/totto-ci/totto/logs"
)

// ScanOptions say which patterns apply to a log and how many matches to keep.
type ScanOptions struct {
	// Job is the job name: patterns whose Jobs globs exclude it are skipped ("" = all apply).
	Job string
	// IncludeOverwritten scans "\r" progress frames too; by default lines marked Overwritten are
	// skipped, as a terminal user never saw them.
	IncludeOverwritten bool
	// MaxMatchesPerPattern bounds the matches kept per pattern per log (0 = 1000); further ones
	// are counted in ScanStats.Dropped, not emitted.
	MaxMatchesPerPattern int
	// OnLine, when set, sees every line as it streams past, so a caller can compute something
	// else in the same single pass (the likely-cause excerpt) without reading the log twice.
	// Lines reach it in order, a block at a time once the block has been scanned, each with its
	// Keywords memo filled by the same automaton pass that finds the patterns' literals.
	OnLine func(logs.Line)
}

// ScanStats describe one scan, for throughput metrics and to tell users matches were dropped.
type ScanStats struct {
	// Lines is the number of lines in the log (the last line number).
	Lines int
	// Bytes is the size of the normalised log text scanned, one newline per line included.
	Bytes int64
	// Matches is the number of matches emitted.
	Matches int
	// Dropped is the number of matches found beyond MaxMatchesPerPattern and not emitted.
	Dropped int
}

// errorMarker is GitHub Actions' error marker as raw text (see ErrorMarkerAnchor).
var errorMarker = []byte("##[error]")

// blockSize is how many bytes of lines are gathered before the literal automaton runs over them:
// large enough to amortise per-block work, small enough to stay in cache.
const blockSize = 64 << 10

// blockLine locates one line inside the scan block.
type blockLine struct {
	num        int
	start, end int32
	step       string
	truncated  bool
	marked     bool // the CI marked the line as an error
}

// pendingMatch is a match of a last_lines pattern waiting for the log length to be known.
type pendingMatch struct {
	pi int
	m  Match
}

// scan is the per-Scan state; a Matcher itself is never written to during a scan.
type scan struct {
	m       *Matcher
	opts    ScanOptions
	emit    func(Match) error
	max     int
	active  []bool  // per pattern: admitted by the job scope
	count   []int   // per pattern: matches kept so far (whole-log patterns)
	stamp   []int32 // per pattern: 1 + block line index last made a candidate
	block   []byte
	lines   []blockLine
	hits    []acHit
	scratch [acWays - 1][]acHit // the automaton's per-walk hit buffers
	cands   []uint64            // block line index << 32 | pattern index
	pending []pendingMatch      // matches of last_lines patterns, emitted once the log length is known
	waiting [][]Match           // per multi-line pattern: first lines awaiting the second expression
	pruneAt int
	stats   ScanStats
	naive   bool   // test every applicable pattern on every line (the reference semantics)
	raw     []byte // a marked line with its marker, for raw-marker patterns
	online  onLineQueue
}

// scanPool recycles scan buffers (the block above all), so scanning many small logs does not
// allocate a block per log.
var scanPool = sync.Pool{New: func() any { return &scan{block: make([]byte, 0, 2*blockSize)} }}

// resize returns a zeroed slice of length n, reusing b's memory when it is large enough.
func resize[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	b = b[:n]
	clear(b)
	return b
}

// release returns the scan's buffers to the pool, dropping references to the caller's data.
func (s *scan) release() {
	clear(s.lines)
	s.online.release()
	*s = scan{active: s.active, count: s.count, stamp: s.stamp, block: s.block[:0], lines: s.lines[:0],
		hits: s.hits[:0], cands: s.cands[:0], scratch: s.scratch, waiting: s.waiting, raw: s.raw[:0], online: s.online}
	clear(s.waiting)
	scanPool.Put(s)
}

// Scan streams every line of r once, calling emit for each match (in line order, and in pattern
// order within a line, except that last_lines patterns are emitted at the end once the log
// length is known, and a multi-line pattern's match when its second line is read). A pattern matches a line at most once: at its first, leftmost match. A
// pattern with Steps globs matches only lines whose Step fits them; lines whose step the log
// does not name ("") are scanned by every pattern, so that step scopes never hide a failure in
// logs without step markers. An error from emit stops the scan and is returned.
func (m *Matcher) Scan(r *logs.Reader, opts ScanOptions, emit func(Match) error) (ScanStats, error) {
	return m.scan(r, opts, emit, false)
}

func (m *Matcher) scan(r *logs.Reader, opts ScanOptions, emit func(Match) error, naive bool) (ScanStats, error) {
	s := scanPool.Get().(*scan)
	defer s.release()
	n := len(m.pats)
	*s = scan{
		m: m, opts: opts, emit: emit, naive: naive,
		max:     opts.MaxMatchesPerPattern,
		active:  resize(s.active, n),
		count:   resize(s.count, n),
		stamp:   resize(s.stamp, n),
		block:   s.block[:0],
		lines:   s.lines[:0],
		hits:    s.hits[:0],
		cands:   s.cands[:0],
		scratch: s.scratch,
		raw:     s.raw[:0],
		waiting: resize(s.waiting, n),
		online:  s.online,
	}
	if s.max <= 0 {
		s.max = DefaultMaxMatchesPerPattern
	}
	for i := range m.pats {
		s.active[i] = m.pats[i].appliesToJob(opts.Job)
		if owner := m.pats[i].thenOf; owner > 0 {
			s.active[i] = s.active[owner-1]
		}
	}
	online := opts.OnLine != nil
	for r.Next() {
		ln := r.Line()
		s.stats.Lines = ln.Num
		s.stats.Bytes += int64(len(ln.Text)) + 1
		if online && s.online.full() {
			if err := s.flush(); err != nil {
				return s.stats, err
			}
		}
		if ln.Overwritten && !opts.IncludeOverwritten {
			if online {
				s.online.addAside(ln)
			}
			continue
		}
		if len(s.block)+len(ln.Text)+1 > blockSize && len(s.lines) > 0 {
			if err := s.flush(); err != nil {
				return s.stats, err
			}
		}
		start := int32(len(s.block))
		s.block = append(s.block, ln.Text...)
		s.lines = append(s.lines, blockLine{num: ln.Num, start: start, end: int32(len(s.block)), step: ln.Step, truncated: ln.Truncated, marked: ln.ErrorMarker})
		s.block = append(s.block, '\n')
		if online {
			s.online.addInBlock(ln, int32(len(s.lines)-1))
		}
	}
	if err := r.Err(); err != nil {
		return s.stats, fmt.Errorf("scan: reading log: %w", err)
	}
	if err := s.flush(); err != nil {
		return s.stats, err
	}
	err := s.emitPending() // before reading stats: it counts the matches it emits
	return s.stats, err
}

// flush finds the matches in the lines gathered in the block and empties it.
func (s *scan) flush() error {
	if len(s.lines) == 0 {
		if s.opts.OnLine != nil {
			s.online.deliver(s.block, s.lines, false, s.opts.OnLine)
		}
		return nil
	}
	var err error
	if s.naive {
		err = s.flushNaive()
	} else {
		err = s.flushPrefiltered()
	}
	s.block = s.block[:0]
	s.lines = s.lines[:0]
	clear(s.stamp)
	s.prunePending()
	return err
}

func (s *scan) flushNaive() error {
	if s.opts.OnLine != nil {
		s.online.deliver(s.block, s.lines, false, s.opts.OnLine)
	}
	for li := range s.lines {
		for pi := range s.m.pats {
			if err := s.try(li, pi); err != nil {
				return err
			}
		}
	}
	return nil
}

// flushPrefiltered runs the literal automaton once over the block, then each pattern only on the
// lines where one of its required literals occurs (and the prefilter-less patterns everywhere).
// With OnLine, the automaton finds the line classifiers' keywords in the same pass, and the
// block's lines are handed to OnLine with them before the patterns run.
func (s *scan) flushPrefiltered() error {
	s.cands = s.cands[:0]
	ac, kws := s.m.ac, []keywordLit(nil)
	online := s.opts.OnLine != nil
	if online {
		ac, kws = s.m.keywordAutomaton()
		s.online.startMemos(s.block, s.lines)
	}
	npat := len(s.m.lits)
	if ac != nil {
		s.hits = ac.scan(s.block, s.hits[:0], &s.scratch)
		li := 0
		for _, h := range s.hits {
			for int(s.lines[li].end) < int(h.pos) {
				li++
			}
			for _, id := range ac.outputs(h.state) {
				if int(id) >= npat {
					k := &kws[int(id)-npat]
					if k.req.occursAt(s.block, int(h.pos)+1) {
						s.online.memos[li].Add(&k.kw, int(h.pos)+1-int(s.lines[li].start))
					}
					continue
				}
				l := &s.m.lits[id]
				if !l.occursAt(s.block, int(h.pos)+1) {
					continue
				}
				for _, pi := range l.pats {
					if !s.active[pi] || s.stamp[pi] == int32(li+1) {
						continue
					}
					s.stamp[pi] = int32(li + 1)
					s.cands = append(s.cands, uint64(li)<<32|uint64(pi))
				}
			}
		}
		slices.Sort(s.cands)
		if len(s.m.rawMarked) > 0 {
			s.addRawMarked()
		}
	}
	if online {
		s.online.deliver(s.block, s.lines, true, s.opts.OnLine)
	}
	always := s.m.always
	if len(always) == 0 {
		for _, c := range s.cands {
			if err := s.try(int(c>>32), int(uint32(c))); err != nil {
				return err
			}
		}
		return nil
	}
	ci := 0
	for li := range s.lines {
		ai := 0
		for {
			next := -1
			if ci < len(s.cands) && int(s.cands[ci]>>32) == li {
				next = int(uint32(s.cands[ci]))
			}
			if ai < len(always) && (next < 0 || always[ai] < next) {
				next = always[ai]
				ai++
			} else if next >= 0 {
				ci++
			} else {
				break
			}
			if err := s.try(li, next); err != nil {
				return err
			}
		}
	}
	return nil
}

// addRawMarked makes every raw-marker pattern a candidate on every marked line: what they require
// may be in the marker, which the block does not hold. Marked lines are few (a job's error
// annotations), so this costs next to nothing.
func (s *scan) addRawMarked() {
	n := len(s.cands)
	for li := range s.lines {
		if !s.lines[li].marked {
			continue
		}
		for _, pi := range s.m.rawMarked {
			if s.active[pi] {
				s.cands = append(s.cands, uint64(li)<<32|uint64(pi))
			}
		}
	}
	if len(s.cands) > n {
		slices.Sort(s.cands)
		s.cands = slices.Compact(s.cands) // a pattern the prefilter also found there is tried once
	}
}

// try applies pattern pi to block line li and records a match.
func (s *scan) try(li, pi int) error {
	if !s.active[pi] {
		return nil
	}
	c := &s.m.pats[pi]
	bl := &s.lines[li]
	if len(c.p.Steps) > 0 && !c.appliesToStep(bl.step) {
		return nil
	}
	line := s.block[bl.start:bl.end]
	// A marker-anchored pattern sees a marked line's text after the marker: the attribute when
	// the reader stripped it, the text's own prefix when it did not (logs.FormatTravis, raw input).
	off := 0
	if c.markedOnly && !bl.marked {
		if !bytes.HasPrefix(line, errorMarker) {
			return nil
		}
		off = len(errorMarker)
	}
	var start, end int
	var caps []string
	var ok bool
	if c.rawMarker && !c.markedOnly && bl.marked {
		// The line as the raw log shows it; a span inside the marker maps to the text's start.
		s.raw = append(append(s.raw[:0], errorMarker...), line...)
		start, end, caps, ok = c.matchLine(s.raw)
		start, end = max(start-len(errorMarker), 0), max(end-len(errorMarker), 0)
	} else {
		start, end, caps, ok = c.matchLine(line[off:])
		start, end = start+off, end+off
	}
	if !ok {
		return nil
	}
	if c.thenOf > 0 {
		return s.answer(c.thenOf-1, bl.num)
	}
	text, start, end := textAndSpan(line, start, end)
	m := Match{
		PatternID: c.p.ID, Pattern: c.p.Name, Tags: c.p.Tags, Priority: c.p.Priority,
		Line: bl.num, Start: start, End: end, Captures: caps, Text: text, Truncated: bl.truncated,
	}
	if c.then > 0 {
		s.await(pi, m)
		return nil
	}
	return s.settle(pi, m)
}

// keep emits m unless its pattern already reached the per-log cap.
func (s *scan) keep(pi int, m Match) error {
	if s.count[pi] >= s.max {
		s.stats.Dropped++
		return nil
	}
	s.count[pi]++
	s.stats.Matches++
	if err := s.emit(m); err != nil {
		return fmt.Errorf("scan: emitting match of pattern %q on line %d: %w", m.Pattern, m.Line, err)
	}
	return nil
}

// prunePending forgets last_lines matches that can no longer fall in their window, so memory is
// bounded by the windows, not by the log.
func (s *scan) prunePending() {
	if len(s.pending) < s.pruneAt {
		return
	}
	kept := s.pending[:0]
	for _, pm := range s.pending {
		if pm.m.Line > s.stats.Lines-s.m.pats[pm.pi].p.LastLines {
			kept = append(kept, pm)
		}
	}
	clear(s.pending[len(kept):])
	s.pending = kept
	s.pruneAt = 2*len(kept) + 256
}

func (s *scan) emitPending() error {
	s.pruneAt = 0
	s.prunePending()
	for _, pm := range s.pending {
		if err := s.keep(pm.pi, pm.m); err != nil {
			return err
		}
	}
	s.pending = nil
	return nil
}
