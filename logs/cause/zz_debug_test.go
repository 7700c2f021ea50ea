package cause

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/totto-ci/totto/logs"
)

func TestZZDebug(t *testing.T) {
	p := os.Getenv("LC_DEBUG")
	if p == "" {
		t.Skip()
	}
	fh, _ := os.Open(p)
	var r io.Reader = fh
	if strings.HasSuffix(p, ".gz") {
		r, _ = gzip.NewReader(fh)
	}
	lr := logs.NewReaderOptions(r, logs.Options{Format: logs.FormatPlain})
	f := NewFinder(Options{})
	for lr.Next() {
		f.Add(lr.Line())
	}
	end, endStep := f.failEnd()
	fmt.Println("end", end, "endstep", endStep)
	pool := append([]*candidate(nil), f.cands...)
	if f.lastEnd != nil {
		pool = append(pool, f.lastEnd)
	}
	final := func(c *candidate) float64 { return f.finalScore(c, end, endStep) }
	for i, c := range sortedCandidates(pool, final) {
		if i > 15 {
			break
		}
		_, _, name := scoreText([]byte(c.text))
		fmt.Printf("%6.2f base=%5.2f k=%d step=%d %s L%d %.100s\n", final(c), c.score, c.kind, c.step, name, c.num, c.text)
	}
	fmt.Println(f.Excerpt().Ranges)
}
