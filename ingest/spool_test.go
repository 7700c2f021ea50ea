package ingest

import (
	"io"
	"strings"
	"testing"
)

func TestTailSpool(t *testing.T) {
	cases := []struct {
		name      string
		in        string
		max       int64
		want      string
		truncated bool
	}{
		{name: "fits", in: "a\nb\nc\n", max: 16, want: "a\nb\nc\n"},
		{name: "exactly", in: "abcd\n", max: 5, want: "abcd\n"},
		{name: "unbounded", in: strings.Repeat("z\n", 100), max: 0, want: strings.Repeat("z\n", 100)},
		{name: "tail from whole line", in: "line1\nline2\nline3\nline4\n", max: 14, want: "line3\nline4\n", truncated: true},
		{name: "cut on a line start", in: "line1\nline2\nline3\n", max: 12, want: "line2\nline3\n", truncated: true},
		{name: "many rotations", in: strings.Repeat("x\n", 1000) + "last\n", max: 8, want: "x\nlast\n", truncated: true},
		{name: "no newline in tail", in: strings.Repeat("y", 100), max: 10, want: "yyyyyyyyyy", truncated: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sp, err := newTailSpool(c.max)
			if err != nil {
				t.Fatal(err)
			}
			defer sp.Close()
			// Odd write sizes exercise writes that straddle a rotation.
			for in := c.in; in != ""; {
				n := min(len(in), 3)
				if _, err := sp.Write([]byte(in[:n])); err != nil {
					t.Fatal(err)
				}
				in = in[n:]
			}
			truncated := c.max > 0 && sp.Size() > c.max
			for range 2 { // re-readable
				r, err := tail(sp, sp.Size(), c.max)
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(r)
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != c.want || truncated != c.truncated {
					t.Errorf("got %q truncated=%v, want %q truncated=%v", got, truncated, c.want, c.truncated)
				}
			}
		})
	}
}
