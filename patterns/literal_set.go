package patterns

import (
	"slices"
	"strings"
)

// Set algebra of required literals: the operations literal extraction combines sub-expressions'
// literal sets with, each bounded by maxLitSet so that extraction stays cheap and the automaton
// small.

// set makes a known set of the literals, without duplicates.
func set(ls []lit) litSet { return litSet{ok: true, strs: dedupe(ls)} }

// dedupe returns the literals sorted (case-sensitive before case-insensitive) without duplicates.
func dedupe(ls []lit) []lit {
	ls = slices.Clone(ls)
	slices.SortFunc(ls, func(a, b lit) int {
		if a.s != b.s {
			return strings.Compare(a.s, b.s)
		}
		if a.fold == b.fold {
			return 0
		}
		if a.fold {
			return 1
		}
		return -1
	})
	return slices.Compact(ls)
}

// better prefers the set whose shortest member is longest (fewer false candidates), then the
// smaller set.
func better(a, b litSet) litSet {
	switch {
	case !a.ok:
		return b
	case !b.ok:
		return a
	}
	la, lb := minLen(a.strs), minLen(b.strs)
	if la != lb {
		if la > lb {
			return a
		}
		return b
	}
	if len(b.strs) < len(a.strs) {
		return b
	}
	return a
}

// minLen is the length of the shortest literal; an empty set (a regex that never matches) counts
// as infinitely selective.
func minLen(ls []lit) int {
	if len(ls) == 0 {
		return 1 << 30
	}
	n := len(ls[0].s)
	for _, l := range ls[1:] {
		n = min(n, len(l.s))
	}
	return n
}

// foldPairs replaces each one-letter pair {"x","X"} by the case-insensitive literal "x".
func foldPairs(ls []lit) []lit {
	has := map[string]bool{}
	for _, l := range ls {
		has[l.s] = true
	}
	out := ls[:0]
	for _, l := range ls {
		if len(l.s) == 1 {
			c := l.s[0]
			lower, upper := foldASCII(c), c
			if 'a' <= c && c <= 'z' {
				upper = c - 'a' + 'A'
			}
			if lower != upper && has[string(lower)] && has[string(upper)] {
				l = lit{s: string(lower), fold: true}
			}
		}
		out = append(out, l)
	}
	return dedupe(out)
}

// union adds b's literals to a; nonEmpty gives up when b admits the empty string.
func union(a, b litSet, nonEmpty bool) litSet {
	if !a.ok || !b.ok || (nonEmpty && len(b.strs) > 0 && minLen(b.strs) == 0) {
		return litSet{}
	}
	u := dedupe(append(slices.Clone(a.strs), b.strs...))
	if len(u) > maxLitSet {
		return litSet{}
	}
	return litSet{ok: true, strs: u}
}

// cross returns every a+b, or false when the product would exceed maxLitSet.
func cross(as, bs []lit) ([]lit, bool) {
	if len(as)*len(bs) > maxLitSet {
		return nil, false
	}
	out := make([]lit, 0, len(as)*len(bs))
	for _, a := range as {
		for _, b := range bs {
			out = append(out, concatLit(a, b))
		}
	}
	return dedupe(out), true
}

// concatLit joins two literals; the result is case-insensitive if either part is.
func concatLit(a, b lit) lit {
	if a.fold == b.fold {
		return lit{s: a.s + b.s, fold: a.fold}
	}
	return lit{s: foldString(a.s + b.s), fold: true}
}

// foldString lower-cases ASCII letters, as the automaton does.
func foldString(s string) string {
	b := []byte(s)
	for i := range b {
		b[i] = foldASCII(b[i])
	}
	return string(b)
}

// trimLits keeps a prefix of at most maxLitLen bytes of each literal (a prefix of a required
// literal is required too) and removes duplicates.
func trimLits(ls []lit) []lit {
	out := make([]lit, 0, len(ls))
	for _, l := range ls {
		if len(l.s) > maxLitLen {
			l.s = l.s[:maxLitLen]
		}
		out = append(out, l)
	}
	return dedupe(out)
}
