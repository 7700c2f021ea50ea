// Package keywords finds, in one pass over a line, which members of a fixed family of literal
// sets occur in it. Line classifiers (the likely-cause rules, the test-output parsers) use it to
// skip every rule whose literals a line does not hold, which is most rules on most lines.
package keywords

import (
	"fmt"
	"unsafe"
)

// MaxMembers is how many literal sets one Scanner tells apart.
const MaxMembers = 64 * setWords

const setWords = 4

// Set is a set of member indexes (0 ≤ i < MaxMembers).
type Set [setWords]uint64

// Add puts member i in the set.
func (s *Set) Add(i int) { s[i>>6] |= 1 << (i & 63) }

// Has reports whether member i is in the set.
func (s Set) Has(i int) bool { return s[i>>6]&(1<<(i&63)) != 0 }

// Empty reports whether the set has no member.
func (s Set) Empty() bool { return s[0]|s[1]|s[2]|s[3] == 0 }

// Union adds the members of o.
func (s *Set) Union(o Set) { s[0] |= o[0]; s[1] |= o[1]; s[2] |= o[2]; s[3] |= o[3] }

// Intersects reports whether the sets share a member.
func (s Set) Intersects(o Set) bool { return s[0]&o[0]|s[1]&o[1]|s[2]&o[2]|s[3]&o[3] != 0 }

// Scanner is a dense Aho–Corasick automaton over byte classes (bytes in no literal share class
// 0), matching bytes exactly as bytes.Contains does. It holds only the first prefixLen bytes of
// each literal; a literal longer than that is compared with the text where its prefix ends. The
// automaton stays small (it lives in the cache), and a line can be walked as parts that overlap
// by prefixLen-1 bytes, not by the longest literal: short lines get parallel chains too.
type Scanner struct {
	class [256]byte
	nc    int32
	// next[s+c] is the state after premultiplied state s (state number × nc) reads a byte of class
	// c, premultiplied too, and negated when that state ends a literal or a prefix.
	next []int32
	// found[q] is the set of members with a literal ending at state number q.
	found []Set
	// checks[q] lists the literals whose prefix ends at state number q.
	checks [][]check
	// longest is the length of the longest literal.
	longest int
}

// check is a literal longer than prefixLen, to compare with the text where its prefix ends.
type check struct {
	lit    string
	member int
}

// prefixLen is how many bytes of a literal the automaton holds.
const prefixLen = 8

// New compiles a scanner; member i of the sets it returns owns the literals lits[i] (empty ones
// are never found). It panics with more than MaxMembers members: the sets are fixed-size.
func New(lits [][]string) *Scanner {
	if len(lits) > MaxMembers {
		panic(fmt.Sprintf("keywords: %d members, at most %d", len(lits), MaxMembers))
	}
	k := &Scanner{}
	var used [256]bool
	for _, ls := range lits {
		for _, n := range ls {
			for i := 0; i < min(len(n), prefixLen); i++ {
				used[n[i]] = true
			}
		}
	}
	nc := 1
	for b := range 256 {
		if used[b] {
			k.class[b] = byte(nc)
			nc++
		}
	}
	k.nc = int32(nc)

	// The trie: goto[q][c] is the child of state q on class c, or -1.
	row := func() []int32 {
		r := make([]int32, nc)
		for i := range r {
			r[i] = -1
		}
		return r
	}
	gotos := [][]int32{row()}
	found := []Set{{}}
	checks := [][]check{nil}
	for i, ls := range lits {
		for _, n := range ls {
			if n == "" {
				continue
			}
			k.longest = max(k.longest, len(n))
			q := int32(0)
			for j := 0; j < min(len(n), prefixLen); j++ {
				cl := k.class[n[j]]
				if gotos[q][cl] < 0 {
					gotos[q][cl] = int32(len(gotos))
					gotos = append(gotos, row())
					found = append(found, Set{})
					checks = append(checks, nil)
				}
				q = gotos[q][cl]
			}
			if len(n) <= prefixLen {
				found[q].Add(i)
			} else {
				checks[q] = append(checks[q], check{lit: n, member: i})
			}
		}
	}

	// Breadth-first: complete the transitions with the failure links and inherit what the longest
	// proper suffix that is a state ends.
	fail := make([]int32, len(gotos))
	queue := make([]int32, 0, len(gotos))
	for c := range nc {
		if q := gotos[0][c]; q > 0 {
			fail[q] = 0
			queue = append(queue, q)
		} else {
			gotos[0][c] = 0
		}
	}
	for len(queue) > 0 {
		q := queue[0]
		queue = queue[1:]
		found[q].Union(found[fail[q]])
		checks[q] = append(checks[q], checks[fail[q]]...)
		for c := range nc {
			child := gotos[q][c]
			if child < 0 {
				gotos[q][c] = gotos[fail[q]][c]
				continue
			}
			fail[child] = gotos[fail[q]][c]
			queue = append(queue, child)
		}
	}

	k.found, k.checks = found, checks
	k.next = make([]int32, len(gotos)*nc)
	for q, r := range gotos {
		for c, to := range r {
			v := to * int32(nc)
			if !found[to].Empty() || len(checks[to]) > 0 {
				v = -v
			}
			k.next[q*nc+c] = v
		}
	}
	return k
}

// Scan returns the members with a literal in text. A line is walked as two or four parts at once,
// each part but the first starting early enough to hold any prefix that ends in it, which keeps
// independent chains of table look-ups in flight: a walk's speed is the latency of one look-up
// per byte, not the throughput of the loads.
func (k *Scanner) Scan(text []byte) Set {
	var out Set
	if k.longest == 0 {
		return out
	}
	const overlap = prefixLen - 1
	switch {
	case len(text) >= 4*overlap+128:
		k.scan4(text, overlap, &out)
	case len(text) >= 2*overlap+32:
		k.scan2(text, overlap, &out)
	default:
		k.walk(text, 0, 0, len(text), &out)
	}
	return out
}

// hit adds what the state reached by reading text[i] ends (s is that state, premultiplied).
func (k *Scanner) hit(text []byte, i int, s int32, out *Set) {
	q := s / k.nc
	out.Union(k.found[q])
	for _, c := range k.checks[q] {
		start := i + 1 - prefixLen
		if !out.Has(c.member) && start+len(c.lit) <= len(text) && string(text[start:start+len(c.lit)]) == c.lit {
			out.Add(c.member)
		}
	}
}

// walk reads text[from:to] from premultiplied state s and adds what ends in it.
func (k *Scanner) walk(text []byte, s int32, from, to int, out *Set) {
	next, class := k.next, &k.class
	for i := from; i < to; i++ {
		s = next[s+int32(class[text[i]])]
		if s < 0 {
			s = -s
			k.hit(text, i, s, out)
		}
	}
}

// scan2 walks text as two halves at once.
func (k *Scanner) scan2(text []byte, overlap int, out *Set) {
	h := len(text) / 2
	b1 := h - overlap // the second chain reads text[b1:]
	p0, p1 := text[:h], text[b1:b1+h]
	var s0, s1 int32
	for i := 0; i < h; i++ {
		i, s0, s1 = k.run2(p0, p1, i, s0, s1)
		if i == h {
			break
		}
		if s0 < 0 {
			s0 = -s0
			k.hit(text, i, s0, out)
		}
		if s1 < 0 {
			s1 = -s1
			k.hit(text, b1+i, s1, out)
		}
	}
	k.walk(text, s1, b1+h, len(text), out)
}

// scan4 walks text as four quarters at once; the bytes of the last three past the first's
// length (their overlap, and the division's remainder) are walked after.
func (k *Scanner) scan4(text []byte, overlap int, out *Set) {
	q := len(text) / 4
	b1, b2, b3 := q-overlap, 2*q-overlap, 3*q-overlap
	p0, p1, p2, p3 := text[:q], text[b1:b1+q], text[b2:b2+q], text[b3:b3+q]
	var s0, s1, s2, s3 int32
	for i := 0; i < q; i++ {
		i, s0, s1, s2, s3 = k.run4(p0, p1, p2, p3, i, s0, s1, s2, s3)
		if i == q {
			break
		}
		if s0 < 0 {
			s0 = -s0
			k.hit(text, i, s0, out)
		}
		if s1 < 0 {
			s1 = -s1
			k.hit(text, b1+i, s1, out)
		}
		if s2 < 0 {
			s2 = -s2
			k.hit(text, b2+i, s2, out)
		}
		if s3 < 0 {
			s3 = -s3
			k.hit(text, b3+i, s3, out)
		}
	}
	k.walk(text, s1, b1+q, 2*q, out)
	k.walk(text, s2, b2+q, 3*q, out)
	k.walk(text, s3, b3+q, len(text), out)
}

// run2 and run4 advance their walks from position i until one of them reaches a state that ends
// something, returning that position and the (possibly negated) states there, or the parts'
// length and the states after their last byte. They hold only the walks' states in their loop,
// so that all of it stays in registers; the hits are handled by the caller. The table is read
// without bounds checks: every entry is a premultiplied state at most len(next)-nc and every
// class is below nc, so s+class always indexes inside it (built so by New).
func (k *Scanner) run2(p0, p1 []byte, i int, s0, s1 int32) (int, int32, int32) {
	p1 = p1[:len(p0)]
	next := unsafe.Pointer(unsafe.SliceData(k.next))
	class := &k.class
	for ; i < len(p0); i++ {
		t0 := *(*int32)(unsafe.Add(next, uintptr(s0+int32(class[p0[i]]))*4))
		t1 := *(*int32)(unsafe.Add(next, uintptr(s1+int32(class[p1[i]]))*4))
		if t0|t1 < 0 {
			return i, t0, t1
		}
		s0, s1 = t0, t1
	}
	return i, s0, s1
}

func (k *Scanner) run4(p0, p1, p2, p3 []byte, i int, s0, s1, s2, s3 int32) (int, int32, int32, int32, int32) {
	p1, p2, p3 = p1[:len(p0)], p2[:len(p0)], p3[:len(p0)]
	next := unsafe.Pointer(unsafe.SliceData(k.next))
	class := &k.class
	for ; i < len(p0); i++ {
		t0 := *(*int32)(unsafe.Add(next, uintptr(s0+int32(class[p0[i]]))*4))
		t1 := *(*int32)(unsafe.Add(next, uintptr(s1+int32(class[p1[i]]))*4))
		t2 := *(*int32)(unsafe.Add(next, uintptr(s2+int32(class[p2[i]]))*4))
		t3 := *(*int32)(unsafe.Add(next, uintptr(s3+int32(class[p3[i]]))*4))
		if t0|t1|t2|t3 < 0 {
			return i, t0, t1, t2, t3
		}
		s0, s1, s2, s3 = t0, t1, t2, t3
	}
	return i, s0, s1, s2, s3
}

// scanHead returns the members with a literal in text[:limit] and those with one anywhere in
// text; the part after limit is walked from just far enough before it to hold any literal that
// straddles limit.
func (k *Scanner) scanHead(text []byte, limit int) (head, all Set) {
	if len(text) <= limit {
		all = k.Scan(text)
		return all, all
	}
	head = k.Scan(text[:limit])
	all = k.Scan(text[max(0, limit-k.longest+1):])
	all.Union(head)
	return head, all
}
