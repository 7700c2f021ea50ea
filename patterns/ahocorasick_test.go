package patterns

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestAutomatonFindsEveryOccurrence compares the automaton's hits with a brute-force search for
// every literal at every position (case-insensitively for ASCII letters).
func TestAutomatonFindsEveryOccurrence(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("abAB\xc3\xa9xy\n")
	for round := 0; round < 200; round++ {
		var lits []string
		for n := 1 + rng.IntN(8); len(lits) < n; {
			l := make([]byte, 1+rng.IntN(4))
			for i := range l {
				l[i] = alphabet[rng.IntN(len(alphabet)-3)] // no '\n' in literals
			}
			if !slices.Contains(lits, string(l)) {
				lits = append(lits, string(l))
			}
		}
		a := buildAutomaton(lits)
		text := make([]byte, rng.IntN(3000))
		for i := range text {
			text[i] = alphabet[rng.IntN(len(alphabet))]
		}
		got := map[[2]int]bool{}
		var scratch [acWays - 1][]acHit
		hits := a.scan(text, nil, &scratch)
		for _, h := range hits {
			for _, li := range a.outputs(h.state) {
				got[[2]int{int(h.pos), int(li)}] = true
			}
		}
		want := map[[2]int]bool{}
		folded := []byte(foldString(string(text)))
		for li, l := range lits {
			fl := []byte(foldString(l))
			for end := len(fl) - 1; end < len(folded); end++ {
				if bytes.Equal(folded[end+1-len(fl):end+1], fl) {
					want[[2]int{end, li}] = true
				}
			}
		}
		if len(got) != len(want) {
			t.Fatalf("lits %q text %q: %d hits, want %d", lits, text, len(got), len(want))
		}
		for k := range want {
			if !got[k] {
				t.Fatalf("lits %q text %q: missing literal %q ending at %d", lits, text, lits[k[1]], k[0])
			}
		}
	}
}

func TestBuildAutomatonEmpty(t *testing.T) {
	if buildAutomaton(nil) != nil {
		t.Error("an automaton without literals should be nil")
	}
}
