package testlog

import (
	"regexp"
	"regexp/syntax"
	"unicode"
	"unicode/utf8"
)

// byteSet is a set of byte values.
type byteSet [256]bool

// firstBytes returns the bytes that can start a match of re when re is anchored at the start of
// the text and cannot match the empty text; nil otherwise. A line whose first byte is not in the
// set cannot match, which spares the regular expression on most lines (a runner's rule runs
// wherever its hint occurs, and hints such as " - " occur everywhere in some logs).
func firstBytes(re *regexp.Regexp) *byteSet {
	t, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return nil
	}
	t = t.Simplify()
	if t.Op != syntax.OpConcat || len(t.Sub) == 0 || t.Sub[0].Op != syntax.OpBeginText {
		return nil
	}
	var s byteSet
	nullable, ok := firstOf(t, &s)
	if !ok || nullable {
		return nil
	}
	return &s
}

// firstOf adds to s the bytes that can start a match of t and reports whether t can match
// the empty text; ok is false for an expression it does not know.
func firstOf(t *syntax.Regexp, s *byteSet) (nullable, ok bool) {
	switch t.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true, true
	case syntax.OpLiteral:
		if len(t.Rune) == 0 {
			return true, true
		}
		r := t.Rune[0]
		addRune(s, r)
		if t.Flags&syntax.FoldCase != 0 {
			for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
				addRune(s, f)
			}
		}
		return false, true
	case syntax.OpCharClass:
		for i := 0; i+1 < len(t.Rune); i += 2 {
			for r := t.Rune[i]; r <= t.Rune[i+1] && r < utf8.RuneSelf; r++ {
				s[r] = true
			}
			if t.Rune[i+1] >= utf8.RuneSelf {
				for b := 0x80; b < 0x100; b++ {
					s[b] = true
				}
			}
		}
		return false, true
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		for b := range s {
			if b != '\n' || t.Op == syntax.OpAnyChar {
				s[b] = true
			}
		}
		return false, true
	case syntax.OpCapture, syntax.OpPlus:
		return firstOf(t.Sub[0], s)
	case syntax.OpStar, syntax.OpQuest:
		_, ok := firstOf(t.Sub[0], s)
		return true, ok
	case syntax.OpRepeat:
		n, ok := firstOf(t.Sub[0], s)
		return n || t.Min == 0, ok
	case syntax.OpConcat:
		for _, sub := range t.Sub {
			n, ok := firstOf(sub, s)
			if !ok {
				return false, false
			}
			if !n {
				return false, true
			}
		}
		return true, true
	case syntax.OpAlternate:
		any := false
		for _, sub := range t.Sub {
			n, ok := firstOf(sub, s)
			if !ok {
				return false, false
			}
			any = any || n
		}
		return any, true
	}
	return false, false
}

// addRune adds the first byte of r's UTF-8 encoding.
func addRune(s *byteSet, r rune) {
	var b [utf8.UTFMax]byte
	utf8.EncodeRune(b[:], r)
	s[b[0]] = true
}
