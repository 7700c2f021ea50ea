package testlog

import (
	"bytes"
	"math/bits"
	"regexp"
	"strconv"
	"strings"

	"github.com/totto-ci/totto/internal/keywords"
	"github.com/totto-ci/totto/logs"
)

// rule is one line shape. hint lists ("|"-separated) substrings one of which every matching line
// contains, checked before the regular expression so that most lines cost a few byte searches.
type rule struct {
	hint    string
	hintIDs keywords.Set // hint's parts in the shared hint table, set once
	first   *byteSet     // the bytes a match can start with (nil: any), set once
	re      *regexp.Regexp
	// inSection: only inside the runner's failure section (spec.sectionStart … sectionEnd).
	inSection bool
	// after: the previous non-blank line must match (minitest's "Failure:" above the name).
	after *regexp.Regexp
	// late: a list printed after the runner's count that names the same failures again.
	late bool
}

// line is one log line as every runner sees it, with the hints it contains found in one pass.
type line struct {
	num           int
	text, trimmed []byte
	prev          []byte       // the previous non-blank line, trimmed
	hint          keywords.Set // the shared hints present in text
}

func (r *rule) match(l *line, inSection bool) []string {
	if r.inSection && !inSection {
		return nil
	}
	if !r.hintIDs.Empty() && !l.hint.Intersects(r.hintIDs) {
		return nil
	}
	if r.first != nil && (len(l.text) == 0 || !r.first[l.text[0]]) {
		return nil
	}
	if r.after != nil && !r.after.Match(l.prev) {
		return nil
	}
	m := r.re.FindSubmatch(l.text)
	if m == nil {
		return nil
	}
	out := make([]string, len(m))
	for i, g := range m {
		out[i] = string(g)
	}
	return out
}

// hintTable holds every distinct hint of every runner; hintIndex finds one; hints finds the
// hints a line holds in one pass (member i is hintTable[i]), shared with the likely-cause finder.
var (
	hintTable []string
	hintIndex = map[string]int{}
	hints     *keywords.Family
)

// hintRunners[h] holds the runners (bit i: specs[i]) with a rule hinted by hint h, and
// everyLineRunners those with a rule that has no hint: the runners a line may concern are found
// from its hints without asking each runner. prevNeeded is the bytes a line that some rule's after
// expression matches can start with (nil: any line).
var (
	hintRunners      []uint32
	everyLineRunners uint32
	prevNeeded       *byteSet
)

// prepareAll gathers what every runner needs from a line, once each has filed its hints.
func prepareAll() {
	if len(specs) > 32 {
		panic("testlog: more runners than a runner mask holds")
	}
	hintRunners = make([]uint32, len(hintTable))
	need, anyLine := &byteSet{}, false
	for i, s := range specs {
		for h := range hintTable {
			if s.anyHint.Has(h) {
				hintRunners[h] |= 1 << i
			}
		}
		if s.everyLine {
			everyLineRunners |= 1 << i
		}
		for _, r := range s.rules() {
			if r.after == nil {
				continue
			}
			f := firstBytes(r.after)
			if f == nil {
				anyLine = true
				continue
			}
			for b, in := range f {
				need[b] = need[b] || in
			}
		}
	}
	if !anyLine {
		prevNeeded = need
	}
}

// runnersOf returns the runners with a rule hinted by one of the hints in hs.
func runnersOf(hs keywords.Set) uint32 {
	var m uint32
	for w, word := range hs {
		for word != 0 {
			m |= hintRunners[w<<6|bits.TrailingZeros64(word)]
			word &= word - 1
		}
	}
	return m
}

// buildHintScanner compiles the hint table once every runner has filed its hints.
func buildHintScanner() {
	lits := make([][]string, len(hintTable))
	for i, h := range hintTable {
		lits[i] = []string{h}
	}
	hints = keywords.Register(lits)
}

func hintID(h string) int {
	if id, ok := hintIndex[h]; ok {
		return id
	}
	id := len(hintTable)
	hintIndex[h] = id
	hintTable = append(hintTable, h)
	return id
}

// spec describes one runner's output. Named groups: name, file and msg in fails; file in suite
// and fileAfter; msg in headline; name (and msg) in namedHeadline; n in every counts expression.
type spec struct {
	runner       string
	sectionStart *rule
	sectionEnd   *regexp.Regexp
	fails        []rule
	passes       []rule
	// suite sets the file or class that later failing tests belong to.
	suite *rule
	// fileAfter names the package of the failures printed before it (go test's "FAIL pkg").
	fileAfter *rule
	// headline is the first line after a failure, within headlineWithin lines, that states it.
	headline       *regexp.Regexp
	headlineWithin int
	// namedHeadline states the failure of the test it names, wherever it appears.
	namedHeadline *rule
	// summary is the runner's own count line; the counts found in it are summed.
	summary *rule
	counts  []*regexp.Regexp
	// summaryFirst: the count precedes the failures it counts (mocha's "N failing").
	summaryFirst bool
	// interleaved: stdout and stderr may be merged out of order, so a failure printed just
	// after the count still belongs to it while the count is not yet reached (Gradle).
	interleaved bool
	// requireSummary: the fail shape is common enough that tests count only under a summary.
	requireSummary bool
	// leafOnly drops a failure whose subtests (name + "/") failed too (go test).
	leafOnly bool
	// continueName appends following lines to a name until one ends with ':' (mocha titles).
	continueName bool
	// normalise rewrites a raw name and file into the reported ones.
	normalise func(name, file string) (string, string)
	// key makes names printed in different shapes by one runner compare equal.
	key func(name string) string

	anyHint   keywords.Set // every hint of every rule (set by prepare)
	everyLine bool         // a rule has no hint
}

type session struct {
	tests        []*Test
	byKey        map[string][]*Test
	summary      int // -1 until the runner prints its count
	summaryLine  int
	hasFileAfter bool
}

func newSession() *session { return &session{byKey: map[string][]*Test{}, summary: -1} }

// runState is one runner's parser state over one log.
type runState struct {
	s         *spec
	inSection bool
	suite     string
	cur       *session
	last      *session // the previous run, which late lists (rspec's "Failed examples") merge into
	done      []*session
	pending   *Test // awaiting its headline
	pendingN  int   // lines left to find it
	naming    *Test // awaiting the end of a multi-line name
	namingN   int
	passes    map[uint64]bool // hashes of passing tests' keys: 8 bytes each, whatever the names
	selfLine  map[*Test]bool  // headline is still the failure line itself
	total     int
	truncated bool
}

func newRunState(s *spec) *runState {
	return &runState{s: s, cur: newSession(), passes: map[uint64]bool{}, selfLine: map[*Test]bool{}}
}

func (r *runState) key(name string) string {
	if r.s.key != nil {
		return r.s.key(name)
	}
	return name
}

// line reads the next line; Extractor.Add calls it only when the runner may use the line (a hint
// of its rules, or a test or section pending).
func (r *runState) line(l *line) {
	s := r.s
	num, text := l.num, l.text
	if r.naming != nil {
		r.continueName(l.trimmed)
		return
	}
	if s.sectionStart != nil && s.sectionStart.match(l, false) != nil {
		r.inSection = true
	} else if r.inSection && s.sectionEnd != nil && s.sectionEnd.Match(text) {
		r.inSection = false
	}
	if s.summary != nil {
		if m := s.summary.match(l, r.inSection); m != nil {
			r.summaryLine(num, string(text))
			if !s.summaryFirst {
				r.inSection = false
			}
			return
		}
	}
	if s.suite != nil {
		if m := s.suite.match(l, r.inSection); m != nil {
			r.suite = group(s.suite.re, m, "file")
		}
	}
	if s.fileAfter != nil {
		if m := s.fileAfter.match(l, r.inSection); m != nil {
			r.assignFile(group(s.fileAfter.re, m, "file"))
			return
		}
	}
	if s.namedHeadline != nil {
		if m := s.namedHeadline.match(l, r.inSection); m != nil {
			r.namedHeadlineLine(num, text, group(s.namedHeadline.re, m, "name"))
		}
	}
	for i := range s.fails {
		if m := s.fails[i].match(l, r.inSection); m != nil {
			r.fail(num, text, &s.fails[i], m)
			return
		}
	}
	for i := range s.passes {
		pr := &s.passes[i]
		if m := pr.match(l, r.inSection); m != nil {
			if len(r.passes) < maxPasses {
				name, _ := r.norm(group(pr.re, m, "name"), group(pr.re, m, "file"))
				r.passes[keyHash(r.key(name))] = true
			}
			return
		}
	}
	if r.pending != nil {
		r.pendingN--
		if s.headline != nil && len(l.trimmed) > 0 && s.headline.Match(text) {
			r.setHeadline(r.pending, num, text)
			r.pending = nil
			return
		}
		if r.pendingN <= 0 {
			r.pending = nil
		}
	}
}

func (r *runState) norm(name, file string) (string, string) {
	name, file = strings.TrimSpace(name), strings.TrimSpace(file)
	if r.s.normalise != nil {
		name, file = r.s.normalise(name, file)
	}
	return cut(name), cut(file)
}

func (r *runState) fail(num int, text []byte, fr *rule, m []string) {
	re := fr.re
	file := group(re, m, "file")
	if file == "" {
		file = r.suite
	}
	name, file := r.norm(group(re, m, "name"), file)
	if name == "" {
		return
	}
	k, msg := r.key(name), group(re, m, "msg")
	if fr.late { // a list after the count naming that run's failures again (rspec)
		for _, sess := range []*session{r.cur, r.last} {
			if sess != nil && sess.summary >= 0 {
				if t := sess.find(k, file, true); t != nil {
					r.merge(t, file, num, text, msg)
					return
				}
			}
		}
	}
	sess := r.cur
	short := r.s.interleaved && len(sess.tests) < sess.summary
	if sess.summary >= 0 && !r.s.summaryFirst && !short {
		r.close()
		sess = r.cur
	}
	if t := sess.find(k, file, false); t != nil {
		r.merge(t, file, num, text, msg)
		return
	}
	if r.total >= MaxTests {
		r.truncated = true
		return
	}
	t := &Test{Runner: r.s.runner, Name: strings.TrimSuffix(name, ":"), File: file, Line: num, Text: cut(strings.TrimSpace(string(text)))}
	r.total++
	sess.add(k, t)
	if msg == "" {
		r.selfLine[t] = true
		if r.s.headline != nil {
			r.pending, r.pendingN = t, r.s.headlineWithin
		}
	}
	if r.s.continueName && !strings.HasSuffix(name, ":") {
		r.naming, r.namingN = t, 6
	}
}

func (s *session) add(k string, t *Test) {
	s.tests = append(s.tests, t)
	s.byKey[k] = append(s.byKey[k], t)
}

// find looks a test up by name and file (a file missing on either side matches); with prefix,
// it also accepts a name cut short on one of the runner's two lists.
func (s *session) find(k, file string, prefix bool) *Test {
	same := func(t *Test) bool { return file == "" || t.File == "" || t.File == file }
	for _, t := range s.byKey[k] {
		if same(t) {
			return t
		}
	}
	if !prefix || len(k) < 20 {
		return nil
	}
	for kk, ts := range s.byKey {
		if len(kk) >= 20 && (strings.HasPrefix(kk, k) || strings.HasPrefix(k, kk)) {
			for _, t := range ts {
				if same(t) {
					return t
				}
			}
		}
	}
	return nil
}

func (r *runState) merge(t *Test, file string, num int, text []byte, msg string) {
	if t.File == "" {
		t.File = file
	}
	if msg != "" && r.selfLine[t] {
		r.setHeadline(t, num, text)
	}
}

func (r *runState) setHeadline(t *Test, num int, text []byte) {
	t.Line, t.Text = num, cut(strings.TrimSpace(string(text)))
	delete(r.selfLine, t)
}

func (r *runState) continueName(trimmed []byte) {
	t := r.naming
	r.namingN--
	if len(trimmed) == 0 || r.namingN <= 0 {
		r.naming = nil
		return
	}
	t.Name = cut(t.Name + " " + strings.TrimSuffix(string(trimmed), ":"))
	if bytes.HasSuffix(trimmed, []byte(":")) {
		r.naming = nil
		r.rekey(t)
	}
}

// rekey files a test under its final name once a multi-line title is complete.
func (r *runState) rekey(t *Test) {
	for k, ts := range r.cur.byKey {
		for i, v := range ts {
			if v == t {
				r.cur.byKey[k] = append(ts[:i:i], ts[i+1:]...)
			}
		}
	}
	k := r.key(t.Name)
	r.cur.byKey[k] = append(r.cur.byKey[k], t)
}

func (r *runState) namedHeadlineLine(num int, text []byte, name string) {
	name, _ = r.norm(name, "")
	k := r.key(name)
	for _, sess := range []*session{r.cur, r.last} {
		if sess == nil {
			continue
		}
		for _, t := range sess.byKey[k] {
			if r.selfLine[t] {
				r.setHeadline(t, num, text)
				return
			}
		}
	}
}

func (r *runState) assignFile(file string) {
	for _, t := range r.cur.tests {
		if t.File == "" {
			t.File = file
		}
	}
	r.cur.hasFileAfter = true
}

func (r *runState) summaryLine(num int, text string) {
	n := 0
	for _, re := range r.s.counts {
		if m := re.FindStringSubmatch(text); m != nil {
			v, _ := strconv.Atoi(group(re, m, "n"))
			n += v
		}
	}
	if r.cur.summary >= 0 || (r.s.summaryFirst && len(r.cur.tests) > 0) {
		r.close()
	}
	r.cur.summary, r.cur.summaryLine = n, num
}

func (r *runState) close() {
	r.done = append(r.done, r.cur)
	r.last = r.cur
	r.cur = newSession()
	r.pending, r.naming = nil, nil
}

func (r *runState) finish(res *Result) {
	r.close()
	res.Truncated = res.Truncated || r.truncated
	for _, sess := range r.done {
		tests := sess.tests
		if r.s.leafOnly {
			tests = leaves(tests)
		}
		if sess.summary < 0 {
			if r.s.requireSummary {
				continue
			}
		} else if len(tests) != sess.summary {
			res.Mismatches = append(res.Mismatches, Mismatch{Runner: r.s.runner, Line: sess.summaryLine, Summary: sess.summary, Extracted: len(tests)})
			continue
		} else if sess.summary > 0 {
			res.Counted++
		}
		for _, t := range tests {
			t.PassedInLog = r.passes[keyHash(r.key(t.Name))]
			res.Tests = append(res.Tests, *t)
		}
	}
}

// leaves drops a failure whose subtests failed: the subtests are the failures to act on.
func leaves(tests []*Test) []*Test {
	out := tests[:0:0]
	for _, t := range tests {
		parent := false
		for _, u := range tests {
			if u.File == t.File && strings.HasPrefix(u.Name, t.Name+"/") {
				parent = true
				break
			}
		}
		if !parent {
			out = append(out, t)
		}
	}
	return out
}

// prepare files every rule's hint parts in the shared hint table once, and gathers the
// runner's hints (all of them, or none when a rule has no hint and must see every line).
func (s *spec) prepare() {
	s.anyHint, s.everyLine = keywords.Set{}, false
	for _, r := range s.rules() {
		r.first = firstBytes(r.re)
		r.hintIDs = keywords.Set{}
		if r.hint == "" {
			s.everyLine = true
			continue
		}
		for _, h := range strings.Split(r.hint, "|") {
			id := hintID(h)
			r.hintIDs.Add(id)
			s.anyHint.Add(id)
		}
	}
}

func (s *spec) rules() []*rule {
	var out []*rule
	for i := range s.fails {
		out = append(out, &s.fails[i])
	}
	for i := range s.passes {
		out = append(out, &s.passes[i])
	}
	for _, r := range []*rule{s.sectionStart, s.suite, s.fileAfter, s.namedHeadline, s.summary} {
		if r != nil {
			out = append(out, r)
		}
	}
	return out
}

// keyHash is FNV-1a of a test key.
func keyHash(k string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(k); i++ {
		h ^= uint64(k[i])
		h *= 1099511628211
	}
	return h
}

func group(re *regexp.Regexp, m []string, name string) string {
	for i, n := range re.SubexpNames() { // a name may label several alternatives
		if n == name && i < len(m) && m[i] != "" {
			return m[i]
		}
	}
	return ""
}

func cut(s string) string {
	if len(s) <= maxText {
		return s
	}
	i := maxText
	for i > 0 && s[i]&0xc0 == 0x80 {
		i--
	}
	return s[:i] + "…"
}

// stripPrefix drops the "job<TAB>step<TAB>timestamp " prefix of logs saved with `gh run view
// --log`, and a bare ISO timestamp some CIs put before each line.
func stripPrefix(b []byte) []byte {
	if len(b) < 20 {
		return b
	}
	if s := logs.StripTimestamp(b); len(s) != len(b) {
		return s
	}
	i := bytes.IndexByte(b, '\t')
	if i < 0 {
		return b
	}
	j := bytes.IndexByte(b[i+1:], '\t')
	if j < 0 {
		return b
	}
	rest := b[i+1+j+1:]
	if s := logs.StripTimestamp(rest); len(s) != len(rest) {
		return s
	}
	return b
}
