package patterns

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/totto-ci/totto/internal/keywords"
)

// DefaultMaxMatchesPerPattern bounds how many matches of one pattern are kept per log, so that a
// pattern firing on every line of a huge log cannot exhaust memory; further matches are counted.
const DefaultMaxMatchesPerPattern = 1000

// Matcher is a pattern set compiled once so that many logs can be scanned with it, concurrently,
// without re-parsing expressions. Every line is tested against every applicable pattern, but a
// shared literal prefilter decides which patterns can possibly match a line, so the cost of a scan
// grows with the log size, not with the number of patterns.
type Matcher struct {
	pats []compiled
	// always lists the indexes of patterns with no usable required literal: they run on every line.
	always []int
	// ac finds every pattern's required literals in one pass; nil when no pattern has any. Its
	// outputs index lits.
	ac   *acAutomaton
	lits []requiredLit
	// rawMarked lists the raw-marker patterns the prefilter can skip: on a marked line they see
	// the marker too, which the scanned text does not hold, so they are tried on every marked line.
	rawMarked []int
	// withKeywords is ac with the literals of the line classifiers added (keywords.Literals),
	// for scans whose OnLine consumers read the lines' keywords: one pass over each byte finds
	// both. Built at the first such scan.
	withKeywords struct {
		once sync.Once
		ac   *acAutomaton
		lits []keywordLit // outputs from len(lits) on
	}
}

// keywordLit is a line classifier's literal in the automaton withKeywords.
type keywordLit struct {
	req requiredLit // case-sensitive: the automaton ignores case, keywords do not
	kw  keywords.Literal
}

// keywordAutomaton returns the automaton finding both the patterns' required literals and the
// keywords, and the keywords' literals (output len(m.lits)+i is kws[i]).
func (m *Matcher) keywordAutomaton() (*acAutomaton, []keywordLit) {
	w := &m.withKeywords
	w.once.Do(func() {
		texts := make([]string, 0, len(m.lits))
		for _, l := range m.lits {
			texts = append(texts, string(l.text))
		}
		for _, k := range keywords.Literals() {
			w.lits = append(w.lits, keywordLit{req: requiredLit{text: []byte(k.Text)}, kw: k})
			texts = append(texts, k.Text)
		}
		w.ac = buildAutomaton(texts)
	})
	return w.ac, w.lits
}

// compiled is one pattern ready to be tested against a line.
type compiled struct {
	p  *Pattern
	re *regexp.Regexp // nil for literals
	// lit is the literal expression, or for regexes the required literal prefix after "^" (may be empty).
	lit []byte
	// anchoredPrefix is set when a regex can only match lines starting with lit.
	anchoredPrefix bool
	// required is the prefilter's literal set; empty means the pattern runs on every line.
	required []lit
	// markedOnly: the expression began with ErrorMarkerAnchor, so it applies only to lines the CI
	// marked as errors (logs.Line.ErrorMarker), the rest anchored at the start of their text.
	markedOnly bool
	// rawMarker: the pattern sees a marked line as the raw log shows it (Pattern.RawMarker).
	rawMarker bool
	// then is 1 + the index of a multi-line pattern's second-expression entry (0: single-line);
	// thenOf is 1 + the index of the pattern a second-expression entry belongs to.
	then, thenOf int
}

func countThen(ps []Pattern) int {
	n := 0
	for i := range ps {
		if ps[i].Then != nil {
			n++
		}
	}
	return n
}

// ErrorMarkerAnchor starts a regular expression that applies only to lines GitHub Actions marked
// "##[error]", as the raw log shows them: the normalised text no longer holds the marker (it is
// the line's ErrorMarker attribute), so "^##\[error\]Foo" matches exactly the marked lines whose
// text starts with "Foo". Catalogues written against raw logs (PyTorch's) keep their meaning.
const ErrorMarkerAnchor = `^##\[error\]`

// Compile builds a matcher for a pattern set once; it is safe for concurrent Scans. The error
// names the pattern whose expression or scope glob is invalid.
func Compile(ps []Pattern) (*Matcher, error) {
	ps = slices.Clone(ps) // later edits of the caller's slice must not change the matcher
	m := &Matcher{pats: make([]compiled, len(ps), len(ps)+countThen(ps))}
	for i := range ps {
		p := &ps[i]
		c, err := compileOne(p)
		if err != nil {
			return nil, err
		}
		m.pats[i] = c
	}
	// A multi-line pattern's second expression is one more entry after the patterns, scanned in
	// the same pass and through the same prefilter; its matches answer the pattern's first lines.
	for i := range ps {
		t := ps[i].Then
		if t == nil {
			continue
		}
		if t.Within < 1 {
			return nil, fmt.Errorf("pattern %q: then: within %d is not a positive number of lines", ps[i].Name, t.Within)
		}
		second := &Pattern{ID: ps[i].ID, Name: ps[i].Name, Kind: t.Kind, Expr: t.Expr, Steps: ps[i].Steps, RawMarker: ps[i].RawMarker}
		c, err := compileOne(second)
		if err != nil {
			return nil, fmt.Errorf("then: %w", err)
		}
		c.thenOf = i + 1
		m.pats[i].then = len(m.pats) + 1
		m.pats = append(m.pats, c)
	}
	litIndex := map[lit]int{}
	for i := range m.pats {
		c := &m.pats[i]
		if len(c.required) == 0 {
			m.always = append(m.always, i)
			continue
		}
		if c.rawMarker && !c.markedOnly {
			m.rawMarked = append(m.rawMarked, i)
		}
		for _, l := range c.required {
			id, ok := litIndex[l]
			if !ok {
				id = len(m.lits)
				litIndex[l] = id
				m.lits = append(m.lits, requiredLit{text: []byte(l.s), fold: l.fold})
			}
			if pats := m.lits[id].pats; len(pats) == 0 || pats[len(pats)-1] != int32(i) {
				m.lits[id].pats = append(pats, int32(i))
			}
		}
	}
	texts := make([]string, len(m.lits))
	for i, l := range m.lits {
		texts[i] = string(l.text)
	}
	m.ac = buildAutomaton(texts)
	return m, nil
}

// requiredLit is one literal of the prefilter and the patterns that require it.
type requiredLit struct {
	text []byte
	fold bool // verify ignoring ASCII case (the automaton always ignores it)
	pats []int32
}

// occursAt reports whether the literal really ends at block[end-1]: the automaton ignores case,
// a case-sensitive literal must not.
func (l *requiredLit) occursAt(block []byte, end int) bool {
	if l.fold {
		return true
	}
	start := end - len(l.text)
	return start >= 0 && bytes.Equal(block[start:end], l.text)
}

// compileOne validates and prepares one pattern; an unset Kind is taken as a regex.
func compileOne(p *Pattern) (compiled, error) {
	c := compiled{p: p, rawMarker: p.RawMarker}
	for _, g := range append(append([]string(nil), p.Jobs...), p.Steps...) {
		if _, err := path.Match(g, ""); err != nil {
			return c, fmt.Errorf("pattern %q: scope glob %q: %w", p.Name, g, err)
		}
	}
	if p.LastLines < 0 {
		return c, fmt.Errorf("pattern %q: last_lines %d is negative", p.Name, p.LastLines)
	}
	if !utf8.ValidString(p.Expr) {
		return c, fmt.Errorf("pattern %q: expression is not valid UTF-8", p.Name)
	}
	switch p.Kind {
	case Literal:
		if p.Expr == "" {
			return c, fmt.Errorf("pattern %q: empty literal", p.Name)
		}
		c.lit = []byte(p.Expr)
		c.required = literalRequirement(p.Expr)
	case Regex, "":
		expr := p.Expr
		if rest, ok := strings.CutPrefix(expr, ErrorMarkerAnchor); ok {
			c.markedOnly, expr = true, "^"+rest
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			return c, fmt.Errorf("pattern %q: regex %q: %w", p.Name, p.Expr, err)
		}
		c.re = re
		info, err := analyseRegex(expr)
		if err != nil {
			return c, fmt.Errorf("pattern %q: regex %q: %w", p.Name, p.Expr, err)
		}
		c.required = info.required
		c.lit = []byte(info.anchoredPrefix)
		c.anchoredPrefix = info.anchoredPrefix != ""
	default:
		return c, fmt.Errorf("pattern %q: unknown kind %q", p.Name, p.Kind)
	}
	return c, nil
}

// appliesToJob reports whether the pattern's job scope admits job ("" admits everything).
func (c *compiled) appliesToJob(job string) bool {
	return job == "" || c.p.AppliesToJob(job)
}

// appliesToStep reports whether the pattern's step scope admits a line of step. A line whose step
// is unknown ("") is admitted: logs that do not name their steps must not lose matches.
func (c *compiled) appliesToStep(step string) bool {
	return step == "" || c.p.AppliesToStep(step)
}

// matchLine applies one pattern to one line: the first (leftmost-first) match on the line, with
// its captures. It is the single definition of what "pattern matches line" means; the prefilter
// only decides which lines reach it.
func (c *compiled) matchLine(text []byte) (start, end int, caps []string, ok bool) {
	if c.re == nil {
		i := bytes.Index(text, c.lit)
		if i < 0 {
			return 0, 0, nil, false
		}
		return i, i + len(c.lit), nil, true
	}
	if c.anchoredPrefix && !bytes.HasPrefix(text, c.lit) {
		return 0, 0, nil, false
	}
	loc := c.re.FindSubmatchIndex(text)
	if loc == nil {
		return 0, 0, nil, false
	}
	if len(loc) > 2 {
		caps = make([]string, 0, len(loc)/2-1)
		for i := 2; i < len(loc); i += 2 {
			if loc[i] < 0 {
				caps = append(caps, "")
				continue
			}
			caps = append(caps, validUTF8(text[loc[i]:loc[i+1]]))
		}
	}
	return loc[0], loc[1], caps, true
}

// validUTF8 returns b as a string, with each invalid byte replaced by U+FFFD so that stored and
// rendered match text is always valid UTF-8.
func validUTF8(b []byte) string {
	s, _, _ := textAndSpan(b, 0, 0)
	return s
}

// textAndSpan returns the line as valid UTF-8 (each invalid byte becomes U+FFFD, as Go's regexp
// reads it) and the byte span [start,end) moved to the same characters in that text.
func textAndSpan(line []byte, start, end int) (string, int, int) {
	if utf8.Valid(line) {
		return string(line), start, end
	}
	out := make([]byte, 0, len(line)+8)
	ns, ne := start, end
	for i := 0; i < len(line); {
		if i == start {
			ns = len(out)
		}
		if i == end {
			ne = len(out)
		}
		r, n := utf8.DecodeRune(line[i:])
		if r == utf8.RuneError && n == 1 {
			out = utf8.AppendRune(out, utf8.RuneError)
		} else {
			out = append(out, line[i:i+n]...)
		}
		i += n
	}
	if start == len(line) {
		ns = len(out)
	}
	if end == len(line) {
		ne = len(out)
	}
	return string(out), ns, ne
}
