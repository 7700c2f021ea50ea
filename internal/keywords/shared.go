package keywords

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
)

// The shared scanner holds the literals of every registered family (the likely-cause rules, the
// failing-test parsers), so that the consumers of one line pay for one pass over it between them:
// the first to ask scans the line with all the families' literals and leaves the result in the
// line's Memo for the others.
var shared struct {
	lits  [][]string
	once  sync.Once
	k     *Scanner
	built bool
}

// Family is one consumer's literal sets within the shared scanner. Its members are numbered from
// 0 as given to Register; in the shared sets they occupy whole words, from word on.
type Family struct {
	own         *Scanner // the family alone, for lines no Memo covers
	word, words int
}

// Register files a family (member i owns lits[i]) in the shared scanner. Call it from package
// initialisation only: the shared scanner is built at its first use, with the families filed by
// then.
func Register(lits [][]string) *Family {
	if shared.built {
		panic("keywords: Register after the shared scanner was built")
	}
	for _, ls := range lits {
		for _, l := range ls {
			if strings.Contains(l, "\n") {
				// A walk over many lines at once (see Literals) relies on every literal
				// ending in the line it starts in.
				panic(fmt.Sprintf("keywords: literal %q holds a line break", l))
			}
		}
	}
	f := &Family{own: New(lits), word: len(shared.lits) / 64, words: (len(lits) + 63) / 64}
	if f.word+f.words > setWords {
		panic(fmt.Sprintf("keywords: the shared scanner holds at most %d members", MaxMembers))
	}
	shared.lits = append(shared.lits, lits...)
	for len(shared.lits)%64 != 0 {
		shared.lits = append(shared.lits, nil)
	}
	return f
}

func sharedScanner() *Scanner {
	shared.once.Do(func() {
		shared.built = true
		shared.k = New(shared.lits)
	})
	return shared.k
}

// Scan returns the family's members with a literal in text.
func (f *Family) Scan(text []byte) Set { return f.own.Scan(text) }

// of renumbers the family's members of a shared set from 0.
func (f *Family) of(s Set) Set {
	var out Set
	copy(out[:], s[f.word:f.word+f.words])
	return out
}

// Literal is a literal of the shared scanner and the members, in the shared sets, that own it.
type Literal struct {
	Text    string
	Members Set
}

// Literals returns every registered family's literals, each text once, for a caller that finds
// them itself in a pass it makes anyway and fills memos with Memo.Found (the pattern matcher).
// Like the shared scanner's first use, it closes registration. No literal holds '\n'.
func Literals() []Literal {
	sharedScanner()
	byText := map[string]Set{}
	for i, ls := range shared.lits {
		for _, l := range ls {
			if l != "" {
				s := byText[l]
				s.Add(i)
				byText[l] = s
			}
		}
	}
	out := make([]Literal, 0, len(byText))
	for t, s := range byText {
		out = append(out, Literal{Text: t, Members: s})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Text < out[j].Text })
	return out
}

// Memo holds the keywords of one line for all the consumers of that line. A reader owns one and
// resets it at every line, or a caller that found the literals itself fills one per line (Found);
// a nil Memo makes each consumer scan on its own.
type Memo struct {
	line      []byte
	limit     int // the limit head was found with (-1: head is not known)
	head, all Set
	// reach is the end of the last literal found in the line: all is also the answer for any
	// limit from it on (math.MaxInt when not known).
	reach   int
	scanned bool
}

// Reset makes the memo stand for line, not yet scanned.
func (m *Memo) Reset(line []byte) { m.line, m.scanned = line, false }

// HeadLimit is the limit for which a memo filled by Found and Add knows the members found in the
// head of its line as well as in all of it: the likely-cause rules read no further into a line.
const HeadLimit = 1024

// Found makes the memo stand for line, in which the literals are then reported with Add: the
// caller promises to report every occurrence of every literal of Literals in line.
func (m *Memo) Found(line []byte) { *m = Memo{line: line, limit: HeadLimit, scanned: true} }

// Add records that a literal of lit.Members ends at line[end-1].
func (m *Memo) Add(lit *Literal, end int) {
	m.all.Union(lit.Members)
	if end <= HeadLimit {
		m.head.Union(lit.Members)
	}
	m.reach = max(m.reach, end)
}

// ScanLine returns the family's members with a literal in text[:limit] (limit < 0: in all of
// text). When text is the memo's whole line, the line is scanned once for every family and the
// memo answers the other consumers; text that is not (a consumer that stripped a prefix, a
// different limit) is scanned by the family alone. The answer is the same either way.
func (f *Family) ScanLine(m *Memo, text []byte, limit int) Set {
	if limit < 0 || limit > len(text) {
		limit = len(text)
	}
	if m == nil || len(text) == 0 || len(text) != len(m.line) || &text[0] != &m.line[0] {
		return f.own.Scan(text[:limit])
	}
	if !m.scanned {
		m.head, m.all = sharedScanner().scanHead(text, limit)
		m.limit, m.reach, m.scanned = limit, math.MaxInt, true
	}
	switch {
	case limit == len(text) || limit >= m.reach:
		return f.of(m.all)
	case limit == m.limit:
		return f.of(m.head)
	}
	return f.own.Scan(text[:limit])
}
