package keywords

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// The test families, registered before the shared scanner is built (at its first use).
var (
	testFamilyA = Register([][]string{{"FAIL"}, {"error:"}, {"--- FAIL: "}, {"x"}})
	testFamilyB = Register([][]string{{"::"}, {"FAILED"}, {"● "}, {"Tests run: "}, {"AIL"}})
)

// Two families sharing one scan of a line answer what each answers alone: on the memo's line,
// with a limit that cuts literals at the boundary, on a suffix of the line (a consumer that
// stripped a prefix) and with a limit other than the first consumer's.
func TestMemoAnswersAsEachFamilyAlone(t *testing.T) {
	a, b := testFamilyA, testFamilyB
	if a.word == b.word {
		t.Fatalf("families share word %d", a.word)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"FAIL", "ED", "error", ":", " ", "-", "--- ", "●", "x", "Tests run", "y", "::"}
	var m Memo
	for n := range 3000 {
		var sb strings.Builder
		for range rng.IntN(30) + n%4*40 {
			sb.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		line := []byte(sb.String())
		limit := rng.IntN(len(line) + 2)
		m.Reset(line)
		if got, want := a.ScanLine(&m, line, limit), a.Scan(line[:min(limit, len(line))]); got != want {
			t.Fatalf("family a, limit %d, %q: memo %b, alone %b", limit, line, got, want)
		}
		if got, want := b.ScanLine(&m, line, -1), b.Scan(line); got != want {
			t.Fatalf("family b, %q: memo %b, alone %b", line, got, want)
		}
		if got, want := a.ScanLine(&m, line, limit/2), a.Scan(line[:min(limit/2, len(line))]); got != want {
			t.Fatalf("family a, second limit %d, %q: memo %b, alone %b", limit/2, line, got, want)
		}
		if len(line) > 3 {
			if got, want := b.ScanLine(&m, line[3:], -1), b.Scan(line[3:]); got != want {
				t.Fatalf("family b, suffix of %q: memo %b, alone %b", line, got, want)
			}
		}
		if got, want := b.ScanLine(nil, line, -1), b.Scan(line); got != want {
			t.Fatalf("family b without memo, %q: %b, alone %b", line, got, want)
		}
	}
}

// A memo filled by a caller that reports every occurrence of every literal (Found, Add) answers
// what each family answers alone, for the whole line, HeadLimit and any other limit, on lines
// shorter and longer than HeadLimit.
func TestFilledMemoAnswersAsEachFamilyAlone(t *testing.T) {
	a, b := testFamilyA, testFamilyB
	lits := Literals()
	for i := 1; i < len(lits); i++ {
		if lits[i-1].Text >= lits[i].Text {
			t.Fatalf("literals not unique and sorted: %q then %q", lits[i-1].Text, lits[i].Text)
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	alphabet := []string{"FAIL", "ED", "error", ":", " ", "-", "--- ", "●", "x", "Tests run", "y", "::", strings.Repeat("z", 300)}
	var m Memo
	for n := range 2000 {
		var sb strings.Builder
		for range rng.IntN(12) + n%3*8 {
			sb.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		line := []byte(sb.String())
		m.Found(line)
		for i := range lits {
			for off := 0; ; {
				j := strings.Index(string(line[off:]), lits[i].Text)
				if j < 0 {
					break
				}
				m.Add(&lits[i], off+j+len(lits[i].Text))
				off += j + 1
			}
		}
		for _, limit := range []int{-1, HeadLimit, rng.IntN(len(line) + 2)} {
			cut := line
			if limit >= 0 && limit < len(line) {
				cut = line[:limit]
			}
			if got, want := a.ScanLine(&m, line, limit), a.Scan(cut); got != want {
				t.Fatalf("family a, limit %d, line of %d bytes: filled memo %b, alone %b", limit, len(line), got, want)
			}
			if got, want := b.ScanLine(&m, line, limit), b.Scan(cut); got != want {
				t.Fatalf("family b, limit %d, line of %d bytes: filled memo %b, alone %b", limit, len(line), got, want)
			}
		}
	}
}
