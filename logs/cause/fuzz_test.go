package cause

import (
	"bytes"
	"strings"
	"testing"

	"github.com/totto-ci/totto/logs"
)

// FuzzFinder checks that no input makes the Finder panic, produce ranges outside the log, or
// exceed its budget.
func FuzzFinder(f *testing.F) {
	f.Add([]byte("ok\n--- FAIL: TestX (0.00s)\n    x_test.go:3: boom\nFAIL\n"), uint8(10))
	f.Add([]byte("2024-01-02T03:04:05.1234567Z ##[error]Process completed with exit code 1.\r\n\r\n"), uint8(3))
	f.Add([]byte("travis_fold:start:x\r\x1b[0Kerror: a\rb\r\n\n\nThe command \"x\" exited with 1.\n"), uint8(1))
	f.Add([]byte("Traceback (most recent call last):\n  File \"a\", line 1\nValueError: bad\n"), uint8(0))
	f.Add([]byte(strings.Repeat("error: x\n\n", 200)), uint8(7))
	f.Fuzz(func(t *testing.T, data []byte, budget uint8) {
		b := int(budget % 40)
		r := logs.NewReaderOptions(bytes.NewReader(data), logs.Options{Format: logs.FormatPlain})
		fd := NewFinder(Options{Budget: b, MaxCandidates: 8, FreeBlank: budget&1 == 1})
		n := 0
		for r.Next() {
			fd.Add(r.Line())
			n++
		}
		if b == 0 {
			b = 10
		}
		checkExcerpt(t, fd.Excerpt(), n, b)
	})
}
