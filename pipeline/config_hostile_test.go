package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/totto-ci/totto/patterns"
)

// Hostile .github/totto.yml files are refused with a clear problem, in bounded memory; none of
// them crashes the worker that reads it.
func TestParseConfigHostile(t *testing.T) {
	// Each pattern's tags refer to the previous pattern's ten times: 10^9 strings if expanded.
	var laughs strings.Builder
	laughs.WriteString("patterns:\n  - name: p0\n    literal: x\n    tags: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&laughs, "  - name: p%d\n    literal: x\n    tags: &a%d [", i, i)
		for j := range 10 {
			if j > 0 {
				laughs.WriteString(", ")
			}
			fmt.Fprintf(&laughs, "*a%d", i-1)
		}
		laughs.WriteString("]\n")
	}
	cases := []struct {
		name    string
		data    []byte
		problem string
	}{
		{"billion laughs", []byte(laughs.String()), "totto.yml"},
		{"100k nested sequences", bytes.Repeat([]byte("["), 100_000), "totto.yml"},
		{"100k nested mappings", []byte(strings.Repeat("{a: ", 100_000)), "totto.yml"},
		{"binary", []byte("\x00\x01\x02\xff\xfe\x00patterns:\x00"), "totto.yml"},
		{"invalid UTF-8 in a pattern", []byte("patterns:\n  - name: \"bad \xff name\"\n    literal: \"x\xfey\"\n"), "totto.yml"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := ParseConfig(".github/totto.yml", c.data)
			runtime.ReadMemStats(&after)
			var probs patterns.Problems
			if !errors.As(err, &probs) || !strings.Contains(err.Error(), c.problem) {
				t.Fatalf("error %v, want patterns.Problems naming %q", err, c.problem)
			}
			t.Logf("refused: %.200v", err)
			if d := after.TotalAlloc - before.TotalAlloc; d > 256<<20 {
				t.Errorf("parsing a %d-byte file allocated %d MB", len(c.data), d>>20)
			}
		})
	}
}
