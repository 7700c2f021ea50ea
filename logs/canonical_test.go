package logs

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// devLogs lists the dev logs the canonical numbering is defined on: LogChunks, CiDiff (failing
// and passing twins) and the cleaned PyTorch logs.
func devLogs(t *testing.T) []string {
	t.Helper()
	logs := filepath.Join(corpusDir(t), "logs")
	var files []string
	for _, pattern := range []string{
		"logchunks-dev/samples/*/*/failed/*.log.gz",
		"cidiff-dev/*/*/*.log.gz",
		"cidiff-dev/*/*/*/*.log.gz",
		"pytorch-dev/clean/*.log",
		"misc/gitauto/*.txt",
	} {
		m, err := filepath.Glob(filepath.Join(logs, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 400 {
		t.Skipf("dev corpora incomplete under %s: %d logs", logs, len(files))
	}
	return files
}

// plainLines reads data as canonical lines (escape sequences removed, no marker stripping) with
// a limit no real log reaches, restoring the byte-order mark the scorer keeps in line 1.
func plainLines(t testing.TB, data []byte) []string {
	t.Helper()
	var out []string
	for _, l := range readAll(t, data, Options{Format: FormatPlain, MaxLine: 8 << 20}) {
		if l.Truncated {
			t.Fatalf("line %d truncated", l.Num)
		}
		out = append(out, l.S)
	}
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) && len(out) > 0 {
		out[0] = "\ufeff" + out[0]
	}
	return out
}

// TestCanonicalNumberingReference checks every valid UTF-8 dev log against the scorer's rules
// restated as regular expressions; it needs no Python.
func TestCanonicalNumberingReference(t *testing.T) {
	checked, files := 0, devLogs(t)
	if testing.Short() {
		files = files[:len(files)/10] // the regular expressions are slow; a tenth in -short
	}
	for _, f := range files {
		data := readLog(t, f)
		if !utf8.Valid(data) {
			continue // the Python comparison covers these
		}
		checked++
		got, want := plainLines(t, data), referenceLines(string(data))
		if d := firstDiff(got, want); d != "" {
			t.Errorf("%s: %s", f, d)
		}
	}
	if checked < len(files)*3/4 {
		t.Errorf("only %d valid UTF-8 logs checked", checked)
	}
}

// scorerScript prints, for each path on stdin, the scorer's line count and a digest of its lines.
const scorerScript = `
import hashlib, json, sys
sys.path.insert(0, sys.argv[1])
import score_excerpts as s
for path in sys.stdin.read().split("\n"):
    if not path:
        continue
    lines = s.normalise_lines(path)
    if len(sys.argv) > 2:
        print(json.dumps(lines))
        continue
    h = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    print(json.dumps({"n": len(lines), "sha": h}))
`

// TestCanonicalNumberingScorer runs the corpus scorer itself (python3) on every dev log and
// asserts that our plain lines are its lines: same count, same text.
func TestCanonicalNumberingScorer(t *testing.T) {
	if testing.Short() {
		t.Skip("runs python3 over the whole dev corpus")
	}
	files := devLogs(t)
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not available: the reference test covers the rules")
	}
	tools := filepath.Join(corpusDir(t), "tools")
	out := runScorer(t, py, tools, files, false)
	sc := bufio.NewScanner(bytes.NewReader(out))
	for i := 0; sc.Scan(); i++ {
		var res struct {
			N   int    `json:"n"`
			Sha string `json:"sha"`
		}
		if err := json.Unmarshal(sc.Bytes(), &res); err != nil {
			t.Fatalf("scorer output %q: %v", sc.Text(), err)
		}
		got := plainLines(t, readLog(t, files[i]))
		sum := sha256.Sum256([]byte(strings.Join(got, "\n")))
		if len(got) == res.N && hex.EncodeToString(sum[:]) == res.Sha {
			continue
		}
		var want []string
		if err := json.Unmarshal(runScorer(t, py, tools, files[i:i+1], true), &want); err != nil {
			t.Fatalf("scorer lines of %s: %v", files[i], err)
		}
		t.Errorf("%s: %s", files[i], firstDiff(got, want))
	}
	if n := bytes.Count(out, []byte("\n")); n != len(files) {
		t.Errorf("scorer answered for %d logs, want %d", n, len(files))
	}
}

func runScorer(t *testing.T, py, tools string, files []string, full bool) []byte {
	t.Helper()
	args := []string{"-c", scorerScript, tools}
	if full {
		args = append(args, "full")
	}
	cmd := exec.Command(py, args...)
	cmd.Stdin = strings.NewReader(strings.Join(files, "\n"))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3 score_excerpts: %v", err)
	}
	return out
}

// firstDiff describes the first difference between two line lists, or returns "".
func firstDiff(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return "line " + itoa(i+1) + ": got " + quote(got[i]) + ", want " + quote(want[i])
		}
	}
	if len(got) != len(want) {
		return "got " + itoa(len(got)) + " lines, want " + itoa(len(want))
	}
	return ""
}
