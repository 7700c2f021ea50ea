package patterns

import (
	"fmt"
	"regexp/syntax"
	"slices"
	"unicode"
	"unicode/utf8"
)

// Limits of required-literal extraction. maxLitSet bounds how many alternatives one requirement may
// have (a character class or a cross product beyond it is given up); maxLitLen keeps only a prefix
// of long literals, which is still required and keeps the automaton small; minUsefulLit is the
// shortest literal worth prefiltering on (a single byte occurs on almost every line).
const (
	maxLitSet    = 64
	maxLitLen    = 24
	minUsefulLit = 2
)

// lit is one required literal. A case-insensitive (fold) literal is stored lower-cased and is
// verified ignoring ASCII case; any other literal must occur byte for byte.
type lit struct {
	s    string
	fold bool
}

// regexInfo is what the matcher learns from a regex's syntax tree before scanning.
type regexInfo struct {
	// required: every match contains at least one of these; nil = no usable set.
	required []lit
	// anchoredPrefix: every match starts the line with this exact text (may be empty).
	anchoredPrefix string
}

// litSet is a finite set of literals, or "unknown" when ok is false.
type litSet struct {
	ok   bool
	strs []lit
}

// litInfo describes a sub-expression: exact is the set of every string it can match (when small
// and finite); req is a set of which every match contains at least one member; prefix and suffix
// are sets of which every match starts (ends) with one member.
type litInfo struct {
	exact, req, prefix, suffix litSet
}

// analyseRegex extracts the prefilter requirement and anchored prefix of a regex.
func analyseRegex(expr string) (regexInfo, error) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return regexInfo{}, fmt.Errorf("parsing %q: %w", expr, err)
	}
	re = re.Simplify()
	info := regexInfo{anchoredPrefix: anchoredPrefix(re)}
	best := analyse(re).best()
	if best.ok && minLen(best.strs) >= minUsefulLit {
		info.required = trimLits(best.strs)
	}
	return info, nil
}

// literalRequirement is the prefilter requirement of a literal pattern.
func literalRequirement(s string) []lit {
	if len(s) < minUsefulLit {
		return nil
	}
	return trimLits([]lit{{s: s}})
}

// PrefilterWarning explains, for `totto patterns validate`, when a pattern has no required
// literal of at least two bytes and so must be tried on every line of every log, which makes
// every scan slower. It returns "" for a pattern the prefilter handles (or that does not compile),
// and for one anchored on the error marker, which only lines the CI marked get to try.
func PrefilterWarning(p Pattern) string {
	c, err := compileOne(&p)
	if err != nil || len(c.required) > 0 || c.markedOnly {
		return ""
	}
	return fmt.Sprintf("pattern %q: no literal text of at least %d characters is required by every match, so it is tried on every line of every log (slow); add fixed text such as a word that always appears", p.Name, minUsefulLit)
}

// anchoredPrefix returns the case-sensitive literal a regex must start the line with, if any.
func anchoredPrefix(re *syntax.Regexp) string {
	if re.Op != syntax.OpConcat || len(re.Sub) < 2 {
		return ""
	}
	if op := re.Sub[0].Op; op != syntax.OpBeginText && op != syntax.OpBeginLine {
		return ""
	}
	l := re.Sub[1]
	if l.Op != syntax.OpLiteral || l.Flags&syntax.FoldCase != 0 {
		return ""
	}
	return string(l.Rune)
}

func (li litInfo) best() litSet {
	return better(li.exact, li.req)
}

func exactly(ls ...lit) litInfo {
	s := set(ls)
	return litInfo{exact: s, req: s, prefix: s, suffix: s}
}

var emptyLit = lit{}

func analyse(re *syntax.Regexp) litInfo {
	switch re.Op {
	case syntax.OpNoMatch:
		return exactly()
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return exactly(emptyLit)
	case syntax.OpLiteral:
		return analyseLiteral(re)
	case syntax.OpCharClass:
		return analyseClass(re.Rune)
	case syntax.OpCapture:
		return analyse(re.Sub[0])
	case syntax.OpQuest:
		c := analyse(re.Sub[0])
		if c.exact.ok && len(c.exact.strs) < maxLitSet {
			return exactly(append(slices.Clone(c.exact.strs), emptyLit)...)
		}
		return litInfo{}
	case syntax.OpPlus:
		c := analyse(re.Sub[0])
		return litInfo{req: c.best(), prefix: c.prefix, suffix: c.suffix}
	case syntax.OpRepeat:
		if re.Min >= 1 {
			c := analyse(re.Sub[0])
			return litInfo{req: c.best(), prefix: c.prefix, suffix: c.suffix}
		}
		return litInfo{}
	case syntax.OpConcat:
		return analyseConcat(re.Sub)
	case syntax.OpAlternate:
		return analyseAlternate(re.Sub)
	}
	// OpStar, OpAnyChar, OpAnyCharNotNL: no requirement.
	return litInfo{}
}

func analyseLiteral(re *syntax.Regexp) litInfo {
	if slices.Contains(re.Rune, utf8.RuneError) {
		// Go's regexp reads each invalid byte of a line as U+FFFD: no byte string is required.
		return litInfo{}
	}
	if re.Flags&syntax.FoldCase == 0 {
		return exactly(lit{s: string(re.Rune)})
	}
	acc := []lit{emptyLit}
	for _, r := range re.Rune {
		var variants []lit
		for f := r; ; {
			variants = append(variants, lit{s: foldString(string(f)), fold: true})
			if f = unicode.SimpleFold(f); f == r {
				break
			}
		}
		var ok bool
		if acc, ok = cross(acc, dedupe(variants)); !ok {
			return litInfo{}
		}
	}
	return exactly(acc...)
}

func analyseClass(ranges []rune) litInfo {
	n := 0
	for i := 0; i < len(ranges); i += 2 {
		if ranges[i] <= utf8.RuneError && utf8.RuneError <= ranges[i+1] {
			return litInfo{} // matches invalid bytes too; see analyseLiteral
		}
		n += int(ranges[i+1]-ranges[i]) + 1
		if n > 4*maxLitSet {
			return litInfo{}
		}
	}
	var ls []lit
	for i := 0; i < len(ranges); i += 2 {
		for r := ranges[i]; r <= ranges[i+1]; r++ {
			ls = append(ls, lit{s: string(r)})
		}
	}
	// Both cases of an ASCII letter make one case-insensitive literal.
	ls = foldPairs(ls)
	if len(ls) > maxLitSet {
		return litInfo{}
	}
	return exactly(ls...)
}

// analyseConcat multiplies out runs of adjacent finite pieces (extended by the prefix and suffix
// sets of the pieces around them) and keeps the best requirement among those runs and the
// other pieces' own requirements.
func analyseConcat(subs []*syntax.Regexp) litInfo {
	run := []lit{emptyLit}
	allExact := true
	var best litSet
	infos := make([]litInfo, len(subs))
	for i, sub := range subs {
		c := analyse(sub)
		infos[i] = c
		if c.exact.ok {
			if prod, ok := cross(run, c.exact.strs); ok {
				run = prod
				continue
			}
			allExact = false
			best = better(best, set(run))
			run = c.exact.strs
			continue
		}
		allExact = false
		closing := run
		if c.prefix.ok && minLen(c.prefix.strs) >= minUsefulLit {
			if prod, ok := cross(run, c.prefix.strs); ok {
				closing = prod
			}
		}
		best = better(best, set(closing))
		best = better(best, c.best())
		run = []lit{emptyLit}
		if c.suffix.ok && minLen(c.suffix.strs) >= minUsefulLit {
			run = c.suffix.strs
		}
	}
	if allExact {
		return exactly(run...)
	}
	best = better(best, set(run))
	return litInfo{req: best, prefix: affix(infos, false), suffix: affix(infos, true)}
}

// affix is the prefix (or, with fromEnd, suffix) set of a concatenation: the product of the
// leading exact pieces and the first inexact piece's own prefix.
func affix(infos []litInfo, fromEnd bool) litSet {
	acc := []lit{emptyLit}
	for k := range infos {
		i := k
		if fromEnd {
			i = len(infos) - 1 - k
		}
		c := infos[i]
		part := c.exact
		if !part.ok {
			if fromEnd {
				part = c.suffix
			} else {
				part = c.prefix
			}
		}
		if !part.ok {
			break
		}
		var prod []lit
		var ok bool
		if fromEnd {
			prod, ok = cross(part.strs, acc)
		} else {
			prod, ok = cross(acc, part.strs)
		}
		if !ok {
			break
		}
		acc = prod
		if !c.exact.ok {
			break
		}
	}
	if minLen(acc) == 0 {
		return litSet{}
	}
	return set(acc)
}

// analyseAlternate: a match of an alternation matches one branch, so the union of the branches'
// requirements is required, provided every branch has one.
func analyseAlternate(subs []*syntax.Regexp) litInfo {
	var li litInfo
	exact, req, prefix, suffix := litSet{ok: true}, litSet{ok: true}, litSet{ok: true}, litSet{ok: true}
	for _, sub := range subs {
		c := analyse(sub)
		exact = union(exact, c.exact, false)
		req = union(req, c.best(), true)
		prefix = union(prefix, c.prefix, true)
		suffix = union(suffix, c.suffix, true)
	}
	li.exact, li.req, li.prefix, li.suffix = exact, req, prefix, suffix
	return li
}
