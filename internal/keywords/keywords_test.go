package keywords

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

// Scan finds exactly the members one of whose literals bytes.Contains finds, on short lines and
// on lines long enough to be walked as two or four parts, with literals straddling the parts'
// bounds, at both ends, overlapping each other, sharing prefixes and suffixes, and longer than
// the automaton's prefixes (compared where their prefix ends, running past the line's end).
func TestScanAgreesWithContains(t *testing.T) {
	lits := [][]string{{"FAIL"}, {"FAILED", "ERROR"}, {"--- FAIL: "}, {}, {"::"}, {"● "}, {"a"}, {"AIL"}, {""},
		{"FAILED ERROR FAIL", "- FAIL: FAILED"}, {"ERRORFAILED: x"}}
	k := New(lits)
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"FAIL", "ED", "ERR", "OR", "-", " ", ":", "●", "x", "a", "AI", "L", "\xe2"}
	for n := range 5000 {
		var b strings.Builder
		for range rng.IntN(40) + n%4*120 {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		text := []byte(b.String())
		var want Set
		for i, ls := range lits {
			for _, l := range ls {
				if l != "" && bytes.Contains(text, []byte(l)) {
					want.Add(i)
				}
			}
		}
		if got := k.Scan(text); got != want {
			t.Fatalf("Scan(%q) = %b, want %b", text, got, want)
		}
	}
	if got := New(nil).Scan([]byte(strings.Repeat("x", 500))); !got.Empty() {
		t.Errorf("a scanner without literals found %b", got)
	}
}

func TestSet(t *testing.T) {
	var a, b Set
	a.Add(3)
	a.Add(127)
	b.Add(64)
	if !a.Has(127) || a.Has(64) || a.Intersects(b) || a.Empty() {
		t.Fatalf("set a = %b", a)
	}
	b.Add(3)
	if !a.Intersects(b) {
		t.Errorf("%b and %b share 3", a, b)
	}
	a.Union(b)
	if !a.Has(64) {
		t.Errorf("union lost 64: %b", a)
	}
}

// FuzzScan checks Scan against bytes.Contains on any text, with literals shorter and longer than
// the automaton's prefixes.
func FuzzScan(f *testing.F) {
	lits := [][]string{{"FAIL"}, {"error:", "Error"}, {"--- FAIL: "}, {"::"}, {"● "}, {"a"},
		{"Could not resolve dependencies"}, {"resolve dep", "not res"}}
	k := New(lits)
	f.Add([]byte("x --- FAIL: TestA Could not resolve dependencies ● error: a"))
	f.Add([]byte(strings.Repeat("Could not resolve ", 30)))
	f.Fuzz(func(t *testing.T, text []byte) {
		var want Set
		for i, ls := range lits {
			for _, l := range ls {
				if bytes.Contains(text, []byte(l)) {
					want.Add(i)
				}
			}
		}
		if got := k.Scan(text); got != want {
			t.Fatalf("Scan(%q) = %b, want %b", text, got, want)
		}
	})
}
