package patterns

import (
	"bytes"
	"unsafe"
)

// acAutomaton finds, in one pass over a block of lines, every occurrence of every required literal
// of every pattern. It is a dense DFA (Aho–Corasick with failure transitions precomputed) over byte
// classes: bytes that occur in no literal share one class, and the two cases of an ASCII letter
// share one, so case-insensitive literals cost nothing. Case-sensitive literals are thereby found
// case-insensitively too; that only adds candidates, which the pattern itself then rejects.
type acAutomaton struct {
	class [256]byte
	nc    int32
	// tbl[s+c] is the next state for premultiplied state s (state number × nc) and byte class c,
	// premultiplied as well, and negated when the next state has outputs. State 0 is the root.
	tbl []int32
	// outStart[q]..outStart[q+1] delimit the literal indexes in outs reported by state number q.
	outStart []int32
	outs     []int32
}

// acHit is the end position of a literal occurrence and the (premultiplied) state reporting it.
type acHit struct {
	pos   int32
	state int32
}

// foldASCII maps an ASCII upper-case letter to lower case and leaves every other byte alone.
func foldASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// buildAutomaton compiles lits (none empty); a state's outputs are the indexes of the literals
// ending there. It returns nil when there are no literals.
func buildAutomaton(lits []string) *acAutomaton {
	if len(lits) == 0 {
		return nil
	}
	a := &acAutomaton{}
	var used [256]bool
	for _, l := range lits {
		for i := 0; i < len(l); i++ {
			used[foldASCII(l[i])] = true
		}
	}
	nc := 1 // class 0: bytes in no literal
	for b := 0; b < 256; b++ {
		if used[b] {
			a.class[b] = byte(nc)
			nc++
		}
	}
	for b := 'A'; b <= 'Z'; b++ {
		a.class[b] = a.class[b+'a'-'A']
	}
	a.nc = int32(nc)

	// Trie, with goto transitions in a dense table (-1 = none) and per-state literal sets.
	trie := [][]int32{newRow(nc)}
	var outSets [][]int32
	outSets = append(outSets, nil)
	for li, l := range lits {
		s := int32(0)
		for i := 0; i < len(l); i++ {
			c := a.class[l[i]]
			if trie[s][c] < 0 {
				trie[s][c] = int32(len(trie))
				trie = append(trie, newRow(nc))
				outSets = append(outSets, nil)
			}
			s = trie[s][c]
		}
		outSets[s] = unionSorted(outSets[s], []int32{int32(li)})
	}

	// Breadth-first: failure links, completed transitions and inherited outputs.
	n := len(trie)
	fail := make([]int32, n)
	queue := make([]int32, 0, n)
	for c := 0; c < nc; c++ {
		if t := trie[0][c]; t < 0 {
			trie[0][c] = 0
		} else {
			fail[t] = 0
			queue = append(queue, t)
		}
	}
	for qi := 0; qi < len(queue); qi++ {
		s := queue[qi]
		outSets[s] = unionSorted(outSets[s], outSets[fail[s]])
		for c := 0; c < nc; c++ {
			t := trie[s][c]
			if t < 0 {
				trie[s][c] = trie[fail[s]][c]
				continue
			}
			fail[t] = trie[fail[s]][c]
			queue = append(queue, t)
		}
	}

	a.tbl = make([]int32, n*nc)
	a.outStart = make([]int32, n+1)
	for s := 0; s < n; s++ {
		for c := 0; c < nc; c++ {
			t := trie[s][c]
			v := t * int32(nc)
			if len(outSets[t]) > 0 {
				v = -v
			}
			a.tbl[s*nc+c] = v
		}
		a.outStart[s] = int32(len(a.outs))
		a.outs = append(a.outs, outSets[s]...)
	}
	a.outStart[n] = int32(len(a.outs))
	return a
}

func newRow(nc int) []int32 {
	r := make([]int32, nc)
	for i := range r {
		r[i] = -1
	}
	return r
}

// unionSorted merges two ascending lists without duplicates into a new list.
func unionSorted(a, b []int32) []int32 {
	if len(b) == 0 {
		return a
	}
	out := make([]int32, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i] < b[j]):
			out = append(out, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}

// outputs returns the literal indexes reported by the premultiplied state of a hit.
func (a *acAutomaton) outputs(state int32) []int32 {
	q := state / a.nc
	return a.outs[a.outStart[q]:a.outStart[q+1]]
}

// acWays is how many walks scan interleaves: each transition waits on the previous table load,
// so independent walks over different parts of a block keep the processor busy.
const acWays = 4

// scan appends to hits every position in text where some literal ends, in position order.
// text is a block of lines, each ended by '\n'. It is cut at line boundaries into acWays parts
// walked in one interleaved loop; a part can start from the root state because no literal that
// matters spans a '\n' (a pattern never matches across lines). scratch holds the later parts'
// hits; it is returned for reuse.
func (a *acAutomaton) scan(text []byte, hits []acHit, scratch *[acWays - 1][]acHit) []acHit {
	const minPart = 512
	var cut [acWays + 1]int
	cut[acWays] = len(text)
	for k := 1; k < acWays; k++ {
		c := max(cut[k-1], len(text)*k/acWays)
		if j := bytes.IndexByte(text[c:], '\n'); j >= 0 {
			c += j + 1
		} else {
			c = len(text)
		}
		cut[k] = c
	}
	n := len(text)
	for k := 0; k < acWays; k++ {
		n = min(n, cut[k+1]-cut[k])
	}
	if len(text) < acWays*minPart || n == 0 {
		_, hits = a.walk(text, 0, 0, hits)
		return hits
	}
	p0, p1, p2, p3 := text[cut[0]:cut[0]+n], text[cut[1]:cut[1]+n], text[cut[2]:cut[2]+n], text[cut[3]:cut[3]+n]
	h1, h2, h3 := scratch[0][:0], scratch[1][:0], scratch[2][:0]
	var s0, s1, s2, s3 int32
	for i := 0; i < n; i++ {
		var t0, t1, t2, t3 int32
		i, t0, t1, t2, t3 = a.run4(p0, p1, p2, p3, i, s0, s1, s2, s3)
		if i == n {
			s0, s1, s2, s3 = t0, t1, t2, t3
			break
		}
		if t0 < 0 {
			t0 = -t0
			hits = append(hits, acHit{pos: int32(cut[0] + i), state: t0})
		}
		if t1 < 0 {
			t1 = -t1
			h1 = append(h1, acHit{pos: int32(cut[1] + i), state: t1})
		}
		if t2 < 0 {
			t2 = -t2
			h2 = append(h2, acHit{pos: int32(cut[2] + i), state: t2})
		}
		if t3 < 0 {
			t3 = -t3
			h3 = append(h3, acHit{pos: int32(cut[3] + i), state: t3})
		}
		s0, s1, s2, s3 = t0, t1, t2, t3
	}
	_, hits = a.walk(text[cut[0]+n:cut[1]], s0, cut[0]+n, hits)
	_, h1 = a.walk(text[cut[1]+n:cut[2]], s1, cut[1]+n, h1)
	_, h2 = a.walk(text[cut[2]+n:cut[3]], s2, cut[2]+n, h2)
	_, h3 = a.walk(text[cut[3]+n:cut[4]], s3, cut[3]+n, h3)
	scratch[0], scratch[1], scratch[2] = h1, h2, h3
	hits = append(hits, h1...)
	hits = append(hits, h2...)
	return append(hits, h3...)
}

// run4 advances four walks from position i until one of them reaches a state with outputs,
// returning that position and the four (possibly negated) next states, or len(p0) and the four
// states after the last byte. It holds only the walks' state in its loop, so that all of it
// stays in registers; the rare hits are handled by the caller.
func (a *acAutomaton) run4(p0, p1, p2, p3 []byte, i int, s0, s1, s2, s3 int32) (int, int32, int32, int32, int32) {
	p1, p2, p3 = p1[:len(p0)], p2[:len(p0)], p3[:len(p0)]
	// The table is read without bounds checks: every entry is a premultiplied state at most
	// len(tbl)-nc and every class is below nc, so s+class always indexes inside it (built so
	// by buildAutomaton). This loop is where a scan spends most of its time.
	tbl := unsafe.Pointer(unsafe.SliceData(a.tbl))
	cls := &a.class
	for ; i < len(p0); i++ {
		t0 := *(*int32)(unsafe.Add(tbl, uintptr(s0+int32(cls[p0[i]]))*4))
		t1 := *(*int32)(unsafe.Add(tbl, uintptr(s1+int32(cls[p1[i]]))*4))
		t2 := *(*int32)(unsafe.Add(tbl, uintptr(s2+int32(cls[p2[i]]))*4))
		t3 := *(*int32)(unsafe.Add(tbl, uintptr(s3+int32(cls[p3[i]]))*4))
		if t0|t1|t2|t3 < 0 {
			return i, t0, t1, t2, t3
		}
		s0, s1, s2, s3 = t0, t1, t2, t3
	}
	return i, s0, s1, s2, s3
}

// walk runs the automaton over text from state s; positions are reported offset by base.
func (a *acAutomaton) walk(text []byte, s int32, base int, hits []acHit) (int32, []acHit) {
	tbl := a.tbl
	cls := &a.class
	for i, b := range text {
		t := tbl[s+int32(cls[b])]
		if t < 0 {
			t = -t
			hits = append(hits, acHit{pos: int32(base + i), state: t})
		}
		s = t
	}
	return s, hits
}
