package cause

// ruleSet is a set of indexes into rules.
type ruleSet [2]uint64

func (s *ruleSet) add(i int)       { s[i>>6] |= 1 << (i & 63) }
func (s ruleSet) has(i int) bool   { return s[i>>6]&(1<<(i&63)) != 0 }
func (s ruleSet) empty() bool      { return s[0]|s[1] == 0 }
func (s *ruleSet) union(o ruleSet) { s[0] |= o[0]; s[1] |= o[1] }

// keywordScanner finds, in one pass over a line, which rules have one of their literals (rule.need)
// in it. Most lines of a log hold none, and those score zero without any regular expression; the
// others run only the rules whose literals they hold. It is a dense Aho–Corasick automaton over
// byte classes (bytes in no literal share class 0), matching bytes exactly as bytes.Contains does.
type keywordScanner struct {
	class [256]byte
	nc    int32
	// next[s+c] is the state after premultiplied state s (state number × nc) reads a byte of class
	// c, premultiplied too, and negated when that state ends a literal.
	next []int32
	// found[q] is the set of rules with a literal ending at state number q.
	found []ruleSet
	// longest is the length of the longest literal.
	longest int
}

// newKeywordScanner compiles the literals of rs but those of the rules in skip; rule i owns the
// literals rs[i].need.
func newKeywordScanner(rs []rule, skip ruleSet) *keywordScanner {
	k := &keywordScanner{}
	var used [256]bool
	for i, ru := range rs {
		if skip.has(i) {
			continue
		}
		for _, n := range ru.need {
			for _, c := range n {
				used[c] = true
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
	found := []ruleSet{{}}
	for i, ru := range rs {
		if skip.has(i) {
			continue
		}
		for _, n := range ru.need {
			k.longest = max(k.longest, len(n))
			q := int32(0)
			for _, c := range n {
				cl := k.class[c]
				if gotos[q][cl] < 0 {
					gotos[q][cl] = int32(len(gotos))
					gotos = append(gotos, row())
					found = append(found, ruleSet{})
				}
				q = gotos[q][cl]
			}
			found[q].add(i)
		}
	}

	// Breadth-first: complete the transitions with the failure links and inherit the rules of the
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
		found[q].union(found[fail[q]])
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
			if !found[to].empty() {
				v = -v
			}
			k.next[q*nc+c] = v
		}
	}
	return k
}

// scan returns the rules with a literal in text. A long line is walked as two halves at once, the
// second starting early enough to hold any literal that ends in it, which keeps two independent
// chains of table look-ups in flight.
func (k *keywordScanner) scan(text []byte) ruleSet {
	overlap := k.longest - 1
	if len(text) < 2*overlap+64 {
		return k.walk(text)
	}
	mid := len(text) / 2
	first, second := text[:mid], text[mid-overlap:]
	var out ruleSet
	next, class, nc := k.next, &k.class, k.nc
	s0, s1 := int32(0), int32(0)
	second = second[:len(first)+overlap+len(text)%2]
	for i, b := range first {
		s0 = next[s0+int32(class[b])]
		s1 = next[s1+int32(class[second[i]])]
		if s0|s1 < 0 {
			if s0 < 0 {
				s0 = -s0
				out.union(k.found[s0/nc])
			}
			if s1 < 0 {
				s1 = -s1
				out.union(k.found[s1/nc])
			}
		}
	}
	for _, b := range second[len(first):] {
		s1 = next[s1+int32(class[b])]
		if s1 < 0 {
			s1 = -s1
			out.union(k.found[s1/nc])
		}
	}
	return out
}

// walk returns the rules with a literal in text, in one pass.
func (k *keywordScanner) walk(text []byte) ruleSet {
	var out ruleSet
	next, class, nc := k.next, &k.class, k.nc
	s := int32(0)
	for _, b := range text {
		s = next[s+int32(class[b])]
		if s < 0 {
			s = -s
			out.union(k.found[s/nc])
		}
	}
	return out
}
