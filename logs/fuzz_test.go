package logs

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/totto-ci/totto/internal/testcorpus"
)

// fuzzSeeds are inputs that reach every branch of the splitter and the marker parser.
var fuzzSeeds = []string{
	"", "\n", "\r", "\r\n", "a\r\r\nb", "a\rb\r", "\xef\xbb\xbfbom\n", "\xe2\x82\n\xff",
	"\x1b[31mred\x1b[0m\r\x1b[0K\n", "\x1b]0;t\x07x\x1b]8;;u\x1b\\y\x1b(B\x1b",
	"2024-01-02T03:04:05.1234567Z ##[group]Run x\n2024-01-02T03:04:05.1Z [command]y\n",
	"travis_fold:start:a\r\x1b[0Kx\ntravis_fold:end:a\r\x1b[0K\n", "\x00\x01\x02binary\x00\n",
}

func FuzzReader(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), uint8(0), uint8(0))
		f.Add([]byte(s), uint8(3), uint8(1))
	}
	f.Fuzz(func(t *testing.T, data []byte, maxLine uint8, extra uint8) {
		repaired := string(repairUTF8(nil, data))
		want := referenceLines(strings.TrimPrefix(repaired, "\ufeff"))
		if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
			want = referenceLines(repaired[len("\ufeff"):])
		}

		// Plain, unlimited: exactly the canonical lines.
		got := fuzzRead(t, bytes.NewReader(data), Options{Format: FormatPlain}, minBuffer)
		if d := firstDiff(got, want); d != "" {
			t.Fatalf("plain: %s", d)
		}
		// Any limit, any format, tiny buffers and one-byte reads: same number of lines, each
		// bounded and valid.
		opts := Options{MaxLine: int(maxLine%16) + 1, Format: Format(extra % 4)}
		size := opts.MaxLine + int(extra%8) + 1
		for _, src := range []interface{ Read([]byte) (int, error) }{bytes.NewReader(data), &oneByteReader{b: data}} {
			if got := fuzzRead(t, src, opts, size); len(got) != len(want) {
				t.Fatalf("max %d buffer %d: %d lines, want %d", opts.MaxLine, size, len(got), len(want))
			}
		}
	})
}

// fuzzRead reads every line and checks the invariants that hold for any input.
func fuzzRead(t *testing.T, src interface{ Read([]byte) (int, error) }, opts Options, size int) []string {
	r := newReaderSize(src, opts, size)
	var out []string
	for r.Next() {
		l := r.Line()
		if l.Num != len(out)+1 {
			t.Fatalf("Num %d after %d lines", l.Num, len(out))
		}
		if !utf8.Valid(l.Text) {
			t.Fatalf("line %d invalid UTF-8: %q", l.Num, l.Text)
		}
		if limit := opts.MaxLine; limit > 0 && len(l.Text) > limit {
			t.Fatalf("line %d has %d bytes, limit %d", l.Num, len(l.Text), limit)
		}
		out = append(out, string(l.Text))
	}
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	return out
}

func FuzzCircleCIReader(f *testing.F) {
	f.Add(`[{"message":"a\r\nb","time":"t","type":"out"},{"message":"c\n"}]`)
	f.Add(`null`)
	f.Add(`[{"message":"\u001b[1mx\u001b[0m"}`)
	f.Add(`[{"type":"out"}]`)
	// Real step output from the corpus, cut to keep each iteration fast.
	for _, fx := range []string{"ci-bot/circleci.action-output.json", "gitauto/log_entries.json"} {
		if data, err := os.ReadFile(filepath.Join(testcorpus.Dir(), "api", "circleci", "fixtures", fx)); testcorpus.Dir() != "" && err == nil {
			f.Add(string(data[:min(len(data), 8<<10)]))
		}
	}
	f.Fuzz(func(t *testing.T, body string) {
		r, err := NewCircleCIReader(strings.NewReader(body), "step")
		if err != nil {
			return
		}
		var got []string
		for r.Next() {
			l := r.Line()
			if l.Num != len(got)+1 || !utf8.Valid(l.Text) || l.Step != "step" && l.Step == "" {
				t.Fatalf("bad line %+v", l)
			}
			got = append(got, string(l.Text))
		}
		var segs []struct {
			Message *string `json:"message"`
		}
		if json.Unmarshal([]byte(body), &segs) != nil {
			return
		}
		var all strings.Builder
		for _, s := range segs {
			if s.Message == nil {
				if r.Err() == nil {
					t.Fatal("segment without message accepted")
				}
				return
			}
			all.WriteString(*s.Message)
		}
		if r.Err() != nil {
			t.Fatalf("valid body rejected: %v", r.Err())
		}
		want := fuzzRead(t, strings.NewReader(all.String()), Options{Step: "step"}, minBuffer)
		if d := firstDiff(got, want); d != "" {
			t.Fatal(d)
		}
	})
}
