package keywords

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// Two families sharing one scan of a line answer what each answers alone: on the memo's line,
// with a limit that cuts literals at the boundary, on a suffix of the line (a consumer that
// stripped a prefix) and with a limit other than the first consumer's.
func TestMemoAnswersAsEachFamilyAlone(t *testing.T) {
	a := Register([][]string{{"FAIL"}, {"error:"}, {"--- FAIL: "}, {"x"}})
	b := Register([][]string{{"::"}, {"FAILED"}, {"● "}, {"Tests run: "}, {"AIL"}})
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
