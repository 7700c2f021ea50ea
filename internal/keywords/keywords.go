// Package keywords finds, in one pass over a line, which members of a fixed family of literal
// sets occur in it. Line classifiers (the likely-cause rules, the test-output parsers) use it to
// skip every rule whose literals a line does not hold, which is most rules on most lines.
package keywords

import "fmt"

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
// 0), matching bytes exactly as bytes.Contains does.
type Scanner struct {
	class [256]byte
	nc    int32
	// next[s+c] is the state after premultiplied state s (state number × nc) reads a byte of class
	// c, premultiplied too, and negated when that state ends a literal.
	next []int32
	// found[q] is the set of members with a literal ending at state number q.
	found []Set
	// longest is the length of the longest literal.
	longest int
}

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
			for i := 0; i < len(n); i++ {
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
	for i, ls := range lits {
		for _, n := range ls {
			if n == "" {
				continue
			}
			k.longest = max(k.longest, len(n))
			q := int32(0)
			for j := 0; j < len(n); j++ {
				cl := k.class[n[j]]
				if gotos[q][cl] < 0 {
					gotos[q][cl] = int32(len(gotos))
					gotos = append(gotos, row())
					found = append(found, Set{})
				}
				q = gotos[q][cl]
			}
			found[q].Add(i)
		}
	}

	// Breadth-first: complete the transitions with the failure links and inherit the members of the
	// longest proper suffix that is a state.
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

	k.found = found
	k.next = make([]int32, len(gotos)*nc)
	for q, r := range gotos {
		for c, to := range r {
			v := to * int32(nc)
			if !found[to].Empty() {
				v = -v
			}
			k.next[q*nc+c] = v
		}
	}
	return k
}

// Scan returns the members with a literal in text. A long line is walked as two or four parts at
// once, each part but the first starting early enough to hold any literal that ends in it, which
// keeps independent chains of table look-ups in flight: a walk's speed is the latency of one
// look-up per byte, not the throughput of the loads.
func (k *Scanner) Scan(text []byte) Set {
	if k.longest == 0 {
		return Set{}
	}
	overlap := k.longest - 1
	switch {
	case len(text) >= 4*overlap+256:
		return k.scan4(text, overlap)
	case len(text) >= 2*overlap+64:
		return k.scan2(text, overlap)
	}
	return k.walk(text)
}

// scan2 walks text as two halves at once.
func (k *Scanner) scan2(text []byte, overlap int) Set {
	mid := len(text) / 2
	first, second := text[:mid], text[mid-overlap:]
	var out Set
	next, class, nc := k.next, &k.class, k.nc
	s0, s1 := int32(0), int32(0)
	second = second[:len(first)+overlap+len(text)%2]
	for i, b := range first {
		s0 = next[s0+int32(class[b])]
		s1 = next[s1+int32(class[second[i]])]
		if s0|s1 < 0 {
			if s0 < 0 {
				s0 = -s0
				out.Union(k.found[s0/nc])
			}
			if s1 < 0 {
				s1 = -s1
				out.Union(k.found[s1/nc])
			}
		}
	}
	rest, _ := k.walkFrom(s1, second[len(first):])
	out.Union(rest)
	return out
}

// scan4 walks text as four quarters at once; the bytes of the last three past the first's
// length (their overlap, and the division's remainder) are walked after.
func (k *Scanner) scan4(text []byte, overlap int) Set {
	q := len(text) / 4
	p0 := text[:q]
	p1, p2, p3 := text[q-overlap:2*q], text[2*q-overlap:3*q], text[3*q-overlap:]
	p1, p2, p3 = p1[:len(p1):len(p1)], p2[:len(p2):len(p2)], p3[:len(p3):len(p3)]
	var out Set
	next, class, nc := k.next, &k.class, k.nc
	var s0, s1, s2, s3 int32
	p1q, p2q, p3q := p1[:q], p2[:q], p3[:q]
	for i, b := range p0 {
		s0 = next[s0+int32(class[b])]
		s1 = next[s1+int32(class[p1q[i]])]
		s2 = next[s2+int32(class[p2q[i]])]
		s3 = next[s3+int32(class[p3q[i]])]
		if s0|s1|s2|s3 < 0 {
			if s0 < 0 {
				s0 = -s0
				out.Union(k.found[s0/nc])
			}
			if s1 < 0 {
				s1 = -s1
				out.Union(k.found[s1/nc])
			}
			if s2 < 0 {
				s2 = -s2
				out.Union(k.found[s2/nc])
			}
			if s3 < 0 {
				s3 = -s3
				out.Union(k.found[s3/nc])
			}
		}
	}
	for _, t := range [...]struct {
		s    int32
		rest []byte
	}{{s1, p1[q:]}, {s2, p2[q:]}, {s3, p3[q:]}} {
		rest, _ := k.walkFrom(t.s, t.rest)
		out.Union(rest)
	}
	return out
}

// walk returns the members with a literal in text, in one pass.
func (k *Scanner) walk(text []byte) Set {
	out, _ := k.walkFrom(0, text)
	return out
}

// walkFrom returns the members with a literal ending in text when the automaton reads it from
// premultiplied state s, and the state it ends in.
func (k *Scanner) walkFrom(s int32, text []byte) (Set, int32) {
	var out Set
	next, class, nc := k.next, &k.class, k.nc
	for _, b := range text {
		s = next[s+int32(class[b])]
		if s < 0 {
			s = -s
			out.Union(k.found[s/nc])
		}
	}
	return out, s
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
