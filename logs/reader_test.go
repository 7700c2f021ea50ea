package logs

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// want is the expected shape of one line in table tests.
type want struct {
	text        string
	overwritten bool
	truncated   bool
	raw         int
}

func TestReaderSplitting(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []want
	}{
		{"empty", "", nil},
		{"no trailing break", "a\nb", []want{{text: "a", raw: 1}, {text: "b", raw: 2}}},
		{"trailing break drops final empty piece", "a\nb\n", []want{{text: "a", raw: 1}, {text: "b", raw: 2}}},
		{"only a break", "\n", []want{{text: "", raw: 1}}},
		{"blank lines kept", "a\n\n\nb\n", []want{{text: "a", raw: 1}, {text: "", raw: 2}, {text: "", raw: 3}, {text: "b", raw: 4}}},
		{"crlf", "a\r\nb\r\n", []want{{text: "a", raw: 1}, {text: "b", raw: 2}}},
		{"cr run before lf is one break", "a\r\r\r\nb", []want{{text: "a", raw: 1}, {text: "b", raw: 2}}},
		{"lone cr is a progress frame", "10%\r50%\r100%\n", []want{
			{text: "10%", overwritten: true, raw: 1}, {text: "50%", overwritten: true, raw: 1}, {text: "100%", raw: 1}}},
		{"two lone crs give an empty frame", "a\r\rb", []want{
			{text: "a", overwritten: true, raw: 1}, {text: "", overwritten: true, raw: 1}, {text: "b", raw: 1}}},
		{"trailing lone cr is not overwritten", "a\r", []want{{text: "a", raw: 1}}},
		{"trailing crs", "a\r\r", []want{{text: "a", overwritten: true, raw: 1}, {text: "", raw: 1}}},
		{"lf cr", "a\n\rb", []want{{text: "a", raw: 1}, {text: "", overwritten: true, raw: 2}, {text: "b", raw: 2}}},
		{"escape after cr is its own line", "x\r\x1b[0K\n", []want{{text: "x", overwritten: true, raw: 1}, {text: "", raw: 1}}},
		{"bom dropped", "\xef\xbb\xbfhello\n", []want{{text: "hello", raw: 1}}},
		{"bom only at start", "a\n\xef\xbb\xbfb", []want{{text: "a", raw: 1}, {text: "\ufeffb", raw: 2}}},
		{"nul bytes kept", "a\x00b\n", []want{{text: "a\x00b", raw: 1}}},
		{"vertical tab and form feed are not breaks", "a\vb\fc\n", []want{{text: "a\vb\fc", raw: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readAll(t, []byte(tt.in), Options{Format: FormatPlain})
			check(t, got, tt.want)
		})
	}
}

// check compares lines with expectations and asserts Num runs 1, 2, 3 ….
func check(t *testing.T, got []collected, want []want) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d lines %q, want %d", len(got), texts(got), len(want))
	}
	for i, g := range got {
		w := want[i]
		if g.Num != i+1 || g.S != w.text || g.Overwritten != w.overwritten || g.Truncated != w.truncated || (w.raw != 0 && g.RawLine != w.raw) {
			t.Errorf("line %d: got {Num %d %q overwritten=%v truncated=%v raw=%d}, want {%q overwritten=%v truncated=%v raw=%d}",
				i+1, g.Num, g.S, g.Overwritten, g.Truncated, g.RawLine, w.text, w.overwritten, w.truncated, w.raw)
		}
	}
}

func texts(ls []collected) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.S
	}
	return out
}

func TestStripANSI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"\x1b[31;1mred\x1b[0m", "red"},
		{"\x1b[?25lhidden cursor\x1b[?25h", "hidden cursor"},
		{"\x1b[2K\x1b[1Gyarn", "yarn"},
		{"\x1b]0;title\x07text", "text"},
		{"\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"},
		{"\x1b(Bcharset", "charset"},
		{"keypad\x1b=on", "keypadon"},
		{"unfinished csi \x1b[31", "unfinished csi 31"},
		{"unfinished osc \x1b]0;t", "unfinished osc 0;t"},
		{"stray \x1b", "stray "},
		{"stray \x1b\x01x", "stray \x01x"},
		{"\x1b\x1b[0mdouble", "double"},
		{"\x1b[38;5;196mé\x1b[0m", "é"},
	}
	for _, tt := range tests {
		if got := string(StripANSI([]byte(tt.in))); got != tt.want {
			t.Errorf("StripANSI(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if ref := referenceLines(tt.in); len(ref) == 1 && ref[0] != tt.want {
			t.Errorf("reference disagrees on %q: %q", tt.in, ref[0])
		}
	}
}

func TestReaderInvalidUTF8(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ok é ✓ 🙂", "ok é ✓ 🙂"},
		{"a\xffb", "a\ufffdb"},
		{"truncated \xe2\x82 x", "truncated \ufffd x"}, // one U+FFFD for a maximal subpart
		{"overlong \xc0\xaf", "overlong \ufffd\ufffd"}, // C0 never starts a sequence
		{"surrogate \xed\xa0\x80", "surrogate \ufffd\ufffd\ufffd"},
		{"four byte cut \xf0\x9f\x99", "four byte cut \ufffd"},
		{"\xf0\x80\x80", "\ufffd\ufffd\ufffd"},
		{"bad then esc \xe2\x1b[0m\x82\xac", "bad then esc \ufffd\ufffd\ufffd"}, // decoded before escapes go
	}
	for _, tt := range tests {
		got := readAll(t, []byte(tt.in+"\n"), Options{Format: FormatPlain})
		if len(got) != 1 || got[0].S != tt.want {
			t.Errorf("%q: got %q, want %q", tt.in, texts(got), tt.want)
		}
	}
}

func TestReaderLongLines(t *testing.T) {
	const max = 100
	long := strings.Repeat("x", 250)
	tests := []struct {
		name string
		in   string
		want []want
	}{
		{"at the limit", strings.Repeat("y", max) + "\nz", []want{{text: strings.Repeat("y", max)}, {text: "z"}}},
		{"over the limit", long + "\nz\n", []want{{text: long[:max], truncated: true}, {text: "z"}}},
		{"over the limit then progress", long + "\rz", []want{{text: long[:max], truncated: true, overwritten: true}, {text: "z"}}},
		{"cut does not split a rune", strings.Repeat("x", max-1) + "é tail\n", []want{{text: strings.Repeat("x", max-1), truncated: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, readAll(t, []byte(tt.in), Options{MaxLine: max, Format: FormatPlain}), tt.want)
		})
	}
}

func TestReaderLineLongerThanBuffer(t *testing.T) {
	// Three lines, the middle one far longer than the read buffer, and a binary tail: memory
	// stays bounded, numbering continues, the kept head is valid UTF-8.
	var in bytes.Buffer
	in.WriteString("first\n")
	for in.Len() < 3*minBuffer {
		in.WriteString("\x1b[1mbold\x1b[0m\xff\x00")
	}
	in.WriteString("\r\nlast\n")
	got := readAll(t, in.Bytes(), Options{MaxLine: 1000})
	if len(got) != 3 || got[0].S != "first" || got[2].S != "last" || got[2].Num != 3 || got[2].RawLine != 3 {
		t.Fatalf("got %d lines, first/last %q", len(got), []string{got[0].S, got[len(got)-1].S})
	}
	mid := got[1]
	if !mid.Truncated || mid.Overwritten || len(mid.S) > 1000 || !utf8.ValidString(mid.S) || !strings.HasPrefix(mid.S, "bold\ufffd\x00bold") {
		t.Errorf("middle line: truncated=%v overwritten=%v len=%d prefix %q", mid.Truncated, mid.Overwritten, len(mid.S), mid.S[:20])
	}
}

// oneByteReader hands out one byte per Read, the worst case for buffer boundaries.
type oneByteReader struct{ b []byte }

func (o *oneByteReader) Read(p []byte) (int, error) {
	if len(o.b) == 0 {
		return 0, io.EOF
	}
	p[0] = o.b[0]
	o.b = o.b[1:]
	return 1, nil
}

func TestReaderByteAtATime(t *testing.T) {
	in := "\xef\xbb\xbf2024-01-02T03:04:05.1234567Z ##[group]Run make\r\n" +
		"a\r\r\r\nprogress\rdone\r\n\x1b[31merr\xe2\x82\x1b[0m\n\r"
	want := readAll(t, []byte(in), Options{})
	r := NewReader(&oneByteReader{b: []byte(in)})
	i := 0
	for r.Next() {
		l := r.Line()
		if i >= len(want) || string(l.Text) != want[i].S || l.Num != want[i].Num || l.Overwritten != want[i].Overwritten || l.Step != want[i].Step {
			t.Fatalf("line %d: got %+v (%q), want %+v", i+1, l, l.Text, want[i])
		}
		i++
	}
	if i != len(want) || r.Err() != nil {
		t.Fatalf("got %d lines (err %v), want %d", i, r.Err(), len(want))
	}
}

// TestReaderSmallBuffers puts every buffer boundary, including runs of CRs longer than the
// buffer, through the splitter and compares with a reader that sees everything at once.
func TestReaderSmallBuffers(t *testing.T) {
	inputs := []string{
		"a" + strings.Repeat("\r", 10) + "\nb\n",
		"a" + strings.Repeat("\r", 10) + "b",
		"a" + strings.Repeat("\r", 10),
		strings.Repeat("\r", 9) + "\n",
		"long piece of text\r\r\r\r\r\r\r\nend",
		"long piece of text" + strings.Repeat("\r", 20) + "x\r\n",
		"\x1b[1mbold\x1b[0m é\xff\r\n2024-01-02T03:04:05.1Z ##[error]boom\r\n",
	}
	for _, in := range inputs {
		whole := readAll(t, []byte(in), Options{MaxLine: 4})
		for size := 5; size < 12; size++ {
			for _, src := range []io.Reader{strings.NewReader(in), &oneByteReader{b: []byte(in)}} {
				r := newReaderSize(src, Options{MaxLine: 4}, size)
				var got []collected
				for r.Next() {
					l := r.Line()
					got = append(got, collected{Line: l, S: string(l.Text)})
				}
				if r.Err() != nil {
					t.Fatal(r.Err())
				}
				ws := make([]want, len(whole))
				for i, w := range whole {
					ws[i] = want{text: w.S, overwritten: w.Overwritten, truncated: w.Truncated, raw: w.RawLine}
				}
				check(t, got, ws)
			}
		}
	}
}

// TestReaderNoAllocationsPerLine reads varied lines (escapes, progress frames, invalid UTF-8,
// GitHub Actions markers) from a warmed-up reader: the steady state must not allocate.
func TestReaderNoAllocationsPerLine(t *testing.T) {
	chunk := "2024-01-02T03:04:05.1234567Z ##[group]Run make\n" +
		"2024-01-02T03:04:05.1234567Z \x1b[31mred\x1b[0m \xff é\r\n" +
		"10%\r20%\r\n" +
		"travis_fold:start:x\r\x1b[0Kplain line\n" +
		"2024-01-02T03:04:05.1234567Z ##[error]boom\n"
	r := NewReader(strings.NewReader(strings.Repeat(chunk, 5000)))
	for range 100 {
		r.Next()
	}
	if n := testing.AllocsPerRun(1000, func() {
		if !r.Next() {
			t.Fatal("input exhausted")
		}
	}); n != 0 {
		t.Errorf("%.2f allocations per line, want 0", n)
	}
}
