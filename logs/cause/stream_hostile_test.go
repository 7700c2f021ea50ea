package cause_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"unicode/utf8"

	"github.com/totto-ci/totto/internal/testcorpus"
	"github.com/totto-ci/totto/logs"
	"github.com/totto-ci/totto/logs/cause"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/patterns/builtin"
)

// repeatLog yields n bytes, a 3 MB line without a newline first and then chunk over and over,
// never holding more than chunk: a log of any size without a file on disk.
type repeatLog struct {
	chunk []byte
	n     int64
	off   int
	head  int // bytes of the long first line still to yield
}

func (r *repeatLog) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	if r.head > 0 {
		k := min(len(p), r.head, int(r.n))
		for i := range p[:k] {
			p[i] = "x\xff"[i%2]
		}
		if r.head -= k; r.head == 0 {
			p[k-1] = '\n'
		}
		r.n -= int64(k)
		return k, nil
	}
	if r.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.n {
		p = p[:r.n]
	}
	k := copy(p, r.chunk[r.off:])
	r.off = (r.off + k) % len(r.chunk)
	r.n -= int64(k)
	return k, nil
}

// hostileChunk is real CI output interleaved with what hostile or broken logs contain: NULs and
// random bytes, invalid UTF-8, ANSI and carriage-return storms.
func hostileChunk(t testing.TB) []byte {
	var b bytes.Buffer
	files, _ := filepath.Glob(filepath.Join(testcorpus.Path(t, "logs", "pytorch-dev", "clean"), "*.log"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
		b.WriteString("\x00\x00\x01binary\xff\xfe\xc0\xafnot utf-8\x00\n")
		b.WriteString("\x1b[31;1merror:\x1b[0m <script>alert(1)</script>\r\rprogress 10%\rprogress 20%\r\n")
	}
	return b.Bytes()
}

// streamSize is how much log TestHugeLogStreamsInBoundedMemory pushes through the pipeline:
// 256 MB by default (1 GB with TOTTO_HOSTILE_LOG_MB=1024), 32 MB under the race detector.
func streamSize(t *testing.T) int64 {
	mb := int64(256)
	if raceEnabled {
		mb = 32
	}
	if testing.Short() {
		mb = 16
	}
	if v := os.Getenv("TOTTO_HOSTILE_LOG_MB"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			t.Fatalf("TOTTO_HOSTILE_LOG_MB=%q: want a positive number of megabytes", v)
		}
		mb = n
	}
	return mb << 20
}

// A huge hostile log streams through the normaliser, the built-in patterns' matcher and the
// likely-cause finder in one pass while the heap stays under 64 MB, whatever the log's size.
func TestHugeLogStreamsInBoundedMemory(t *testing.T) {
	chunk := hostileChunk(t)
	m, err := patterns.Compile(builtin.All())
	if err != nil {
		t.Fatalf("compile built-in patterns: %v", err)
	}
	size := streamSize(t)
	src := &repeatLog{chunk: chunk, n: size, head: 3 << 20}

	var peak uint64
	var ms runtime.MemStats
	sample := func() {
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapAlloc)
	}
	runtime.GC()
	sample()
	base := peak

	finder := cause.NewFinder(cause.Options{})
	lines, matches := 0, 0
	r := logs.NewReader(src)
	stats, err := m.Scan(r, patterns.ScanOptions{OnLine: func(l logs.Line) {
		finder.Add(l)
		lines++
		if lines%200_000 == 0 {
			sample()
		}
	}}, func(patterns.Match) error { matches++; return nil })
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	if err := r.Err(); err != nil {
		t.Fatalf("read: %v", err)
	}
	ex := finder.Excerpt()
	sample()
	if src.n != 0 {
		t.Fatalf("%d bytes left unread", src.n)
	}
	if ex.Empty() || matches == 0 {
		t.Fatalf("no likely cause (%v) or no matches (%d) in %d lines", ex, matches, lines)
	}
	t.Logf("%d MB, %d lines, %d matches (%d dropped), peak heap %.1f MB (base %.1f MB)",
		size>>20, lines, matches, stats.Dropped, float64(peak)/(1<<20), float64(base)/(1<<20))
	if peak > 64<<20 {
		t.Fatalf("peak heap %.1f MB streaming a %d MB log, want under 64 MB", float64(peak)/(1<<20), size>>20)
	}
}

// Pure binary input (random bytes, NUL runs, no newline for megabytes) is read as lines of
// bounded length with valid UTF-8 text, and the finder and matcher still finish.
func TestBinaryLogIsSane(t *testing.T) {
	data := make([]byte, 8<<20)
	x := uint32(2463534242)
	for i := range data {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		data[i] = byte(x)
		if i%100_000 < 4096 {
			data[i] = 0
		}
	}
	m, err := patterns.Compile(builtin.All())
	if err != nil {
		t.Fatal(err)
	}
	finder := cause.NewFinder(cause.Options{})
	r := logs.NewReader(bytes.NewReader(data))
	lines := 0
	_, err = m.Scan(r, patterns.ScanOptions{OnLine: func(l logs.Line) {
		lines++
		if len(l.Text) > logs.DefaultMaxLine+4 {
			t.Fatalf("line %d is %d bytes, over the %d cap", lines, len(l.Text), logs.DefaultMaxLine)
		}
		if !utf8.Valid(l.Text) {
			t.Fatalf("line %d is not valid UTF-8: %.80q", lines, l.Text)
		}
		finder.Add(l)
	}}, func(patterns.Match) error { return nil })
	if err != nil || r.Err() != nil {
		t.Fatalf("scan: %v, read: %v", err, r.Err())
	}
	if lines == 0 {
		t.Fatal("no lines from 8 MB of binary")
	}
	if ex := finder.Excerpt(); ex.EndLine() > lines {
		t.Fatalf("excerpt ends at line %d of %d", ex.EndLine(), lines)
	}
}
