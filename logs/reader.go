package logs

import (
	"bytes"
	"fmt"
	"io"
	"sync"
	"unicode/utf8"

	"github.com/totto-ci/totto/internal/keywords"
)

// DefaultMaxLine is the longest line kept whole; longer lines keep their first DefaultMaxLine
// bytes and are marked Truncated, so one pathological line cannot exhaust memory.
const DefaultMaxLine = 64 << 10

// minBuffer is the smallest read buffer: large reads keep the scan loop on the fast path.
const minBuffer = 512 << 10

// Format says which CI markers a Reader recognises. Marker stripping only shortens Text: line
// numbers are the same in every format.
type Format int

const (
	// FormatAuto recognises GitHub Actions and Travis markers wherever they appear; right for
	// logs of unknown origin because the markers cannot be confused with ordinary output.
	FormatAuto Format = iota
	// FormatPlain keeps the text as the terminal would print it (escape sequences removed, UTF-8
	// repaired), for logs whose lines must match the canonical text exactly.
	FormatPlain
	// FormatGitHubActions recognises only GitHub Actions markers and timestamps.
	FormatGitHubActions
	// FormatTravis recognises only Travis fold and timing markers.
	FormatTravis
)

// Options tunes a Reader for callers that know more than the defaults: a scanner with a tighter
// memory budget, a provider that knows the log's format or the step it came from.
type Options struct {
	// MaxLine bounds the bytes kept per line (default DefaultMaxLine).
	MaxLine int
	// Format selects the markers stripped from Text (default FormatAuto).
	Format Format
	// Step is the step name given to lines before the log names one (CircleCI step output).
	Step string
}

// breakKind says how a piece ended, which decides RawLine counting and Overwritten.
type breakKind uint8

const (
	breakLF  breakKind = iota // "\n" or "\r+\n"
	breakCR                   // a lone "\r"
	breakEOF                  // end of input
)

// Reader streams normalised lines from raw CI output. Its memory is one read buffer (at least
// 512 KiB, at least twice MaxLine) plus scratch space of a few times MaxLine, whatever the input,
// so a log of any size (or a binary file) can be read. Clean lines are returned without copying
// and nothing is allocated per line: Text aliases the buffer until the next call to Next.
type Reader struct {
	src     io.Reader
	buf     []byte
	pos, w  int // unread bytes are buf[pos:w]
	eof     bool
	err     error
	done    bool
	started bool

	// Lazily found positions (absolute in buf, >= pos) of the next byte of each kind, or w when
	// there is none in the buffer; a value below pos means "unknown". Reset by fill.
	nlAt, crAt, escAt, highAt int

	maxLine int
	format  Format

	num       int    // lines returned so far
	rawNL     int    // "\n" bytes consumed so far
	skipping  bool   // discarding the tail of a piece longer than the buffer
	trunc     []byte // the kept head of that piece
	truncated bool   // the kept head is shorter than the piece
	// A run of CRs longer than the buffer is counted, not buffered: crRun CRs read so far,
	// then pendingEmpty empty pieces still to return, followed by more input if pendingMore.
	crRun        int
	pendingEmpty int
	pendingMore  bool
	scratch      []byte
	line         Line
	steps        stepState
	memo         keywords.Memo
}

// NewReader returns a Reader over raw log bytes with the default options.
func NewReader(r io.Reader) *Reader {
	return NewReaderOptions(r, Options{})
}

// NewReaderOptions returns a Reader over raw log bytes; zero fields of opts take their defaults.
func NewReaderOptions(r io.Reader, opts Options) *Reader {
	maxLine := opts.MaxLine
	if maxLine <= 0 {
		maxLine = DefaultMaxLine
	}
	size := max(minBuffer, 2*maxLine+4096)
	if size == defaultBuffer {
		if b, ok := buffers.Get().(*[]byte); ok {
			return newReaderBuf(r, opts, *b)
		}
	}
	return newReaderSize(r, opts, size)
}

// defaultBuffer is the buffer size of a Reader with the default options, the size recycled.
const defaultBuffer = max(minBuffer, 2*DefaultMaxLine+4096)

// buffers recycles default-size read buffers (Release): most logs are far smaller than one, and
// a job's log used to cost a fresh half megabyte at every read.
var buffers sync.Pool

// Release hands the reader's buffer to the next Reader. Neither the reader nor any Line it
// returned may be used afterwards; a reader never released is simply collected.
func (r *Reader) Release() {
	if len(r.buf) == defaultBuffer {
		b := r.buf
		buffers.Put(&b)
	}
	r.buf, r.done, r.line = nil, true, Line{}
}

// newReaderSize is NewReaderOptions with a chosen buffer size (at least MaxLine+1), so tests can
// put buffer boundaries anywhere.
func newReaderSize(r io.Reader, opts Options, size int) *Reader {
	maxLine := opts.MaxLine
	if maxLine <= 0 {
		maxLine = DefaultMaxLine
	}
	return newReaderBuf(r, opts, make([]byte, max(size, maxLine+1, 4)))
}

// newReaderBuf is a Reader reading through buf (at least MaxLine+1 bytes; its content is not read).
func newReaderBuf(r io.Reader, opts Options, buf []byte) *Reader {
	maxLine := opts.MaxLine
	if maxLine <= 0 {
		maxLine = DefaultMaxLine
	}
	rd := &Reader{
		src:     r,
		buf:     buf,
		maxLine: maxLine,
		format:  opts.Format,
		nlAt:    -1, crAt: -1, escAt: -1, highAt: -1,
	}
	rd.steps.step = opts.Step
	return rd
}

// Line returns the current line. Its Text is valid until the next call to Next.
func (r *Reader) Line() Line { return r.line }

// Err returns the first read error, if any; the end of input is not an error.
func (r *Reader) Err() error { return r.err }

// Next advances to the next line; it returns false at the end of the log or after a read error
// (lines read before the error are still returned).
func (r *Reader) Next() bool {
	if r.done {
		return false
	}
	if !r.started {
		r.start()
	}
	if r.pendingEmpty > 0 {
		r.pendingEmpty--
		r.setLine(r.scratch[:0], breakCR, false, r.pendingEmpty > 0 || r.pendingMore)
		return true
	}
	for {
		if r.crRun > 0 {
			if done, ok := r.endCRRun(); done {
				return ok
			}
			continue
		}
		nl := r.idx(&r.nlAt, '\n')
		cr := r.idx(&r.crAt, '\r')
		end := min(nl, cr)
		if end == r.w { // no break buffered
			if r.eof {
				if r.skipping {
					r.pos = r.w
					return r.emitHeld(breakEOF, false)
				}
				if r.pos == r.w {
					r.done = true
					return false
				}
				return r.emit(r.w, r.w, breakEOF)
			}
			if r.skipping {
				r.pos = r.w
			}
			if !r.fill() && !r.eof {
				r.keepHead(r.w)
				r.pos = r.w
			}
			continue
		}
		kind, next := breakLF, end+1
		if end == cr {
			j := cr + 1
			for j < r.w && r.buf[j] == '\r' {
				j++
			}
			if j == r.w && !r.eof {
				// The run of CRs may continue, or end in "\n": read on before deciding.
				if !r.skipping && r.w-r.pos == len(r.buf) && cr > r.pos {
					r.keepHead(cr) // the buffer is full: keep the piece aside to read on
				}
				if r.skipping {
					r.pos = cr
				}
				if r.w-r.pos == len(r.buf) { // the buffer is all CRs: count them instead
					if !r.skipping {
						r.keepHead(cr)
					}
					r.crRun, r.pos = r.w-cr, r.w
					continue
				}
				r.fill()
				continue
			}
			if j < r.w && r.buf[j] == '\n' {
				next = j + 1
			} else {
				kind, next = breakCR, cr+1
			}
		}
		if r.skipping {
			r.pos = next
			return r.emitHeld(kind, kind == breakCR && r.pos < r.w)
		}
		return r.emit(end, next, kind)
	}
}

// start reads the first bytes and drops a UTF-8 byte-order mark.
func (r *Reader) start() {
	r.started = true
	for r.w < 3 && r.fill() {
	}
	if r.w >= 3 && r.buf[0] == 0xEF && r.buf[1] == 0xBB && r.buf[2] == 0xBF {
		r.pos = 3
	}
}

// fill moves the unread bytes to the front of the buffer and reads more. It reports whether
// bytes were added; false without eof means the buffer is full.
func (r *Reader) fill() bool {
	if r.pos > 0 {
		r.w = copy(r.buf, r.buf[r.pos:r.w])
		r.pos = 0
	}
	r.nlAt, r.crAt, r.escAt, r.highAt = -1, -1, -1, -1
	if r.eof || r.w == len(r.buf) {
		return false
	}
	for range 100 {
		n, err := r.src.Read(r.buf[r.w:])
		r.w += n
		if err != nil {
			r.eof = true
			if err != io.EOF {
				r.err = fmt.Errorf("reading log after line %d: %w", r.num, err)
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	r.eof = true
	r.err = fmt.Errorf("reading log after line %d: %w", r.num, io.ErrNoProgress)
	return false
}

// idx returns the position of the next c at or after pos (w if none is buffered), caching it so
// that bytes that rarely occur are searched for once per buffer, not once per line.
func (r *Reader) idx(cache *int, c byte) int {
	if *cache >= r.pos {
		return *cache
	}
	k := bytes.IndexByte(r.buf[r.pos:r.w], c)
	if k < 0 {
		*cache = r.w
	} else {
		*cache = r.pos + k
	}
	return *cache
}

// idxHigh is idx for the first non-ASCII byte.
func (r *Reader) idxHigh() int {
	if r.highAt >= r.pos {
		return r.highAt
	}
	r.highAt = r.pos + indexNonASCII(r.buf[r.pos:r.w])
	return r.highAt
}

// keepHead copies aside the head of the piece buf[pos:end] that does not fit the buffer, so the
// rest can be discarded (skipping) until its break.
func (r *Reader) keepHead(end int) {
	head := r.buf[r.pos:end]
	r.truncated = len(head) > r.maxLine
	if r.truncated {
		head = head[:runeCut(head, r.maxLine)]
	}
	r.trunc = append(r.trunc[:0], head...)
	r.skipping = true
}

// emit returns the piece buf[pos:end] ended by kind, continuing at next.
func (r *Reader) emit(end, next int, kind breakKind) bool {
	s := r.pos
	text := r.buf[s:end]
	truncated := false
	if len(text) > r.maxLine {
		text = text[:runeCut(text, r.maxLine)]
		truncated = true
	}
	e := s + len(text)
	hasESC := r.idx(&r.escAt, 0x1b) < e
	if hi := r.idxHigh(); hi < e && !utf8.Valid(r.buf[hi:e]) {
		r.scratch = repairUTF8(r.scratch[:0], text)
		text = r.scratch
	}
	if hasESC {
		text = StripANSI(text)
	}
	if len(text) > r.maxLine {
		text = text[:runeCut(text, r.maxLine)]
	}
	r.pos = next
	r.setLine(text, kind, truncated, kind == breakCR && r.pos < r.w)
	return true
}

// endCRRun reads on through a run of CRs longer than the buffer, which follows the held piece.
// When the run ends it returns the held piece (done): a run ending in "\n" is one break, any
// other run is as many lone breaks, so the empty pieces between its CRs follow as lines.
func (r *Reader) endCRRun() (done, ok bool) {
	for r.pos < r.w && r.buf[r.pos] == '\r' {
		r.pos++
		r.crRun++
	}
	if r.pos == r.w && !r.eof {
		r.fill()
		return false, false
	}
	run := r.crRun
	r.crRun = 0
	if r.pos < r.w && r.buf[r.pos] == '\n' {
		r.pos++
		return true, r.emitHeld(breakLF, false)
	}
	r.pendingEmpty, r.pendingMore = run-1, r.pos < r.w
	return true, r.emitHeld(breakCR, run > 1 || r.pendingMore)
}

// emitHeld returns the kept head of a piece that did not fit the buffer; r.pos is already past
// its break.
func (r *Reader) emitHeld(kind breakKind, overwritten bool) bool {
	text := r.trunc
	if !utf8.Valid(text) {
		r.scratch = repairUTF8(r.scratch[:0], text)
		text = r.scratch
	}
	if bytes.IndexByte(text, 0x1b) >= 0 {
		text = StripANSI(text)
	}
	if len(text) > r.maxLine {
		text = text[:runeCut(text, r.maxLine)]
	}
	r.skipping = false
	r.setLine(text, kind, r.truncated, overwritten)
	return true
}

// setLine fills r.line; r.pos is already past the piece's break.
func (r *Reader) setLine(text []byte, kind breakKind, truncated, overwritten bool) {
	r.num++
	r.line = Line{
		Num:         r.num,
		RawLine:     r.rawNL + 1,
		Truncated:   truncated,
		Overwritten: overwritten,
	}
	if kind == breakLF {
		r.rawNL++
	}
	if r.format != FormatPlain && (r.steps.gha || len(text) > 0 && markerStart[text[0]]) {
		text = r.steps.apply(text, &r.line, r.format)
	}
	r.line.Text = text
	r.line.Step, r.line.Group = r.steps.step, r.steps.section
	if r.steps.ending {
		r.steps.section, r.steps.ending = "", false // the "##[endgroup]" line is the group's last
	}
	r.memo.Reset(text)
	r.line.Keywords = &r.memo
}

// runeCut returns a cut point <= n that does not split a UTF-8 sequence of b.
func runeCut(b []byte, n int) int {
	if n >= len(b) {
		return len(b)
	}
	for k := n; k >= 0 && k > n-utf8.UTFMax; k-- {
		if utf8.RuneStart(b[k]) {
			return k
		}
	}
	return n
}
