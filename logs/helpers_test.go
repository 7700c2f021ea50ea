package logs

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/totto-ci/totto/internal/testcorpus"
)

// corpusDir returns the shared corpus root, or skips the test.
func corpusDir(t testing.TB) string {
	t.Helper()
	return testcorpus.Path(t)
}

// readLog returns the bytes of a log file, gunzipped when it ends in .gz.
func readLog(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		data, err = io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	return data
}

// collected is a Line with its Text copied, so tests can keep lines past Next.
type collected struct {
	Line
	S string
}

// readAll reads every line of data with opts.
func readAll(t testing.TB, data []byte, opts Options) []collected {
	t.Helper()
	r := NewReaderOptions(bytes.NewReader(data), opts)
	var out []collected
	for r.Next() {
		l := r.Line()
		out = append(out, collected{Line: l, S: string(l.Text)})
	}
	if err := r.Err(); err != nil {
		t.Fatalf("Err: %v", err)
	}
	return out
}

// The canonical rules restated independently of the streaming code, as plain string operations
// and one regular expression: the oracle for inputs that are valid UTF-8. A line ends at "\n",
// at a run of "\r" followed by "\n" (one break), or at each other "\r".
var refANSI = regexp.MustCompile("\x1b\\[[0-?]*[ -/]*[@-~]|\x1b\\][^\x07\x1b]*(?:\x07|\x1b\\\\)|\x1b[ -/]*[0-~]|\x1b")

// referenceLines numbers valid UTF-8 text the way the corpus scorer does. (Splitting with the
// regular expression `\r+\n|\r|\n` says the same, but ran for minutes over the dev corpus
// under -race; IndexByte-based splitting takes a fraction of that.)
func referenceLines(text string) []string {
	pieces := strings.Split(text, "\n")
	var parts []string
	for i, p := range pieces {
		if i < len(pieces)-1 {
			p = strings.TrimRight(p, "\r") // the \r run before a \n belongs to that break
		}
		parts = append(parts, strings.Split(p, "\r")...)
	}
	if len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	for i, p := range parts {
		if strings.IndexByte(p, 0x1b) >= 0 {
			parts[i] = refANSI.ReplaceAllString(p, "")
		}
	}
	return parts
}

func itoa(n int) string { return strconv.Itoa(n) }

func quote(s string) string {
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return strconv.Quote(s)
}
