package patterns

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Limits that keep one careless or hostile pattern file from slowing every scan: they are far
// above what real catalogues use (the largest real one has about 1,400 patterns, its longest
// expression is under 300 bytes).
const (
	MaxPatternsPerFile  = 10000
	MaxExprBytes        = 4 << 10
	MaxNameLen          = 200
	MaxTagLen           = 64
	MaxDescriptionBytes = 16 << 10
	// MaxRegexInsts bounds a regex's compiled program. Matching costs time in proportion to the
	// program's size times the log's, and a short expression can compile to a huge program
	// (`(.*){1000}` is 4,002 instructions and takes about a minute on a 4 MB log). The largest
	// real pattern (built-in packs and every imported catalogue in the corpus) compiles to 823.
	MaxRegexInsts = 2000
)

// minLiteralLen is the shortest literal that does not earn a "too broad" warning.
const minLiteralLen = 3

// Field names of a pattern entry, as written in the file.
const (
	fieldName        = "name"
	fieldRegex       = "regex"
	fieldLiteral     = "literal"
	fieldTags        = "tags"
	fieldDescription = "description"
	fieldPriority    = "priority"
	fieldJobs        = "jobs"
	fieldSteps       = "steps"
	fieldLastLines   = "last_lines"
	fieldThen        = "then"
	fieldWithin      = "within"
)

var knownFields = []string{fieldName, fieldRegex, fieldLiteral, fieldTags, fieldDescription,
	fieldPriority, fieldJobs, fieldSteps, fieldLastLines, fieldThen}

// fieldAliases maps names other tools use (or people guess) to ours, for "did you mean" hints.
var fieldAliases = map[string]string{
	"regexp": fieldRegex, "re": fieldRegex, "pattern": fieldRegex, "expression": fieldRegex + "` or `" + fieldLiteral,
	"expr": fieldRegex + "` or `" + fieldLiteral, "tag": fieldTags, "labels": fieldTags, "job": fieldJobs,
	"step": fieldSteps, "applicable_steps": fieldSteps, "lines_from_end": fieldLastLines,
	"specificity": fieldPriority, "next": fieldThen, "followed_by": fieldThen, "multiline": fieldThen, "desc": fieldDescription, "id": fieldName, "title": fieldName,
}

// tagRe is the tag syntax: lower case so that `Flaky` and `flaky` are not two tags.
var tagRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// fieldProblem is a problem found in one field of a pattern, before it has a file position.
type fieldProblem struct {
	field   string
	msg     string
	warning bool
}

// Check validates a pattern built in code (the web UI, `totto patterns add`, importers) with the
// same rules a pattern file gets, so that every way in enforces one definition of valid.
// Problems have no file or line; the pattern is valid when Check(p).Errors() is empty.
func Check(p Pattern) Problems {
	var out Problems
	for _, fp := range checkPattern(&p) {
		msg := fp.msg
		if !strings.HasPrefix(msg, fp.field+": ") {
			msg = fp.field + ": " + msg
		}
		out = append(out, Problem{Pattern: p.Name, Msg: msg, Warning: fp.warning})
	}
	return out
}

func checkPattern(p *Pattern) []fieldProblem {
	var out []fieldProblem
	bad := func(field, format string, args ...any) {
		out = append(out, fieldProblem{field: field, msg: fmt.Sprintf(format, args...)})
	}
	switch {
	case p.Name == "":
		bad(fieldName, "missing name")
	case len(p.Name) > MaxNameLen:
		bad(fieldName, "name is %d bytes long, at most %d", len(p.Name), MaxNameLen)
	case strings.IndexFunc(p.Name, unicode.IsControl) >= 0:
		bad(fieldName, "name contains a control character (newline, tab…)")
	}
	out = append(out, checkExpr(p)...)
	for _, t := range p.Tags {
		switch {
		case len(t) > MaxTagLen:
			bad(fieldTags, "tag %q is %d bytes long, at most %d", t, len(t), MaxTagLen)
		case !tagRe.MatchString(t):
			hint := ""
			if s := NormaliseTag(t); s != "" && s != t {
				hint = fmt.Sprintf(" (did you mean %q?)", s)
			}
			bad(fieldTags, "tag %q must match %s: lower case letters, digits, '.', '_' and '-'%s", t, tagRe, hint)
		}
	}
	if len(p.Description) > MaxDescriptionBytes {
		bad(fieldDescription, "description is %d bytes long, at most %d", len(p.Description), MaxDescriptionBytes)
	}
	for _, g := range p.Jobs {
		if msg := checkGlob(g); msg != "" {
			bad(fieldJobs, "%s", msg)
		}
	}
	for _, g := range p.Steps {
		if msg := checkGlob(g); msg != "" {
			bad(fieldSteps, "%s", msg)
		}
	}
	if p.LastLines < 0 {
		bad(fieldLastLines, "must be 0 (the whole log) or a positive number of lines, got %d", p.LastLines)
	}
	if p.Then != nil {
		out = append(out, checkThen(p)...)
	}
	return out
}

// checkExpr applies the expression rules to a pattern's kind and expression (its own, or a
// multi-line pattern's second one, see checkThen).
func checkExpr(p *Pattern) []fieldProblem {
	var out []fieldProblem
	bad := func(field, format string, args ...any) {
		out = append(out, fieldProblem{field: field, msg: fmt.Sprintf(format, args...)})
	}
	exprField := string(p.Kind)
	switch p.Kind {
	case Regex, Literal:
	default:
		bad(fieldRegex, "needs exactly one of `regex` or `literal`")
		return out
	}
	switch {
	case p.Expr == "":
		bad(exprField, "empty expression")
	case len(p.Expr) > MaxExprBytes:
		bad(exprField, "expression is %d bytes long, at most %d", len(p.Expr), MaxExprBytes)
	case !utf8.ValidString(p.Expr):
		bad(exprField, "expression is not valid UTF-8 (normalised log lines always are, so it could only match part of a replacement character)")
	case p.Kind == Literal && strings.ContainsAny(p.Expr, "\r\n"):
		bad(exprField, "literal contains a line break, but an expression matches one line at a time (a signature over several lines is a `then:` expression)")
	case p.Kind == Literal && len(p.Expr) < minLiteralLen:
		out = append(out, fieldProblem{field: exprField, warning: true,
			msg: fmt.Sprintf("literal %q is shorter than %d bytes and will match a great many lines", p.Expr, minLiteralLen)})
	case p.Kind == Regex:
		out = append(out, checkRegex(p)...)
	}
	return out
}

// checkRegex compiles with Go's RE2 engine, whose errors (bad syntax, repetition too large,
// program too large) are passed on verbatim because they point at the offending part.
func checkRegex(p *Pattern) []fieldProblem {
	re, err := regexp.Compile(p.Expr)
	if err != nil {
		return []fieldProblem{{field: fieldRegex, msg: "bad regex: " + err.Error()}}
	}
	if n := RegexInsts(p.Expr); n > MaxRegexInsts {
		return []fieldProblem{{field: fieldRegex, msg: fmt.Sprintf("regex compiles to %d instructions, at most %d: "+
			"a counted repetition of a group (like `(.*){100}`) multiplies its size; use `.*` or a smaller count", n, MaxRegexInsts)}}
	}
	if re.MatchString("") {
		// Such a regex has no required literal either; this is the more useful of the two warnings.
		return []fieldProblem{{field: fieldRegex, warning: true,
			msg: "regex matches an empty line, so it probably matches far more lines than intended"}}
	}
	var out []fieldProblem
	// The matcher knows which regexes its literal prefilter can skip lines for; one it cannot is
	// tried on every line, which is worth a warning but not a rejection.
	if msg := PrefilterWarning(*p); msg != "" {
		msg = strings.TrimPrefix(msg, fmt.Sprintf("pattern %q: ", p.Name))
		out = append(out, fieldProblem{field: fieldRegex, msg: msg, warning: true})
	}
	return out
}

// RegexInsts is the size of expr's compiled program (as Go's regexp compiles it), or 0 when expr
// does not compile.
func RegexInsts(expr string) int {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return 0
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return 0
	}
	return len(prog.Inst)
}

// NormaliseTag turns a free-form label from another tool into a valid tag (lower case, runs of
// other characters become '-'), or "" when nothing usable is left. Importers use it.
func NormaliseTag(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		ok := (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '.' || r == '_' || r == '-'
		if !ok {
			dash = b.Len() > 0
			continue
		}
		if dash {
			b.WriteByte('-')
			dash = false
		}
		b.WriteRune(r)
	}
	t := strings.TrimLeft(b.String(), "._-")
	if len(t) > MaxTagLen {
		t = t[:MaxTagLen]
	}
	return t
}

// pattern decodes entry i of the `patterns:` list and validates it; ok is false when it has an
// error and must not load.
func (d *decoder) pattern(i int, n *yaml.Node) (Pattern, bool) {
	n = resolveAlias(n)
	label := fmt.Sprintf("#%d", i+1)
	if n.Kind != yaml.MappingNode {
		d.errorf(n.Line, label, "each pattern is a mapping (name, regex or literal, tags, …), got %s", nodeKind(n))
		return Pattern{}, false
	}
	for j := 0; j+1 < len(n.Content); j += 2 {
		if n.Content[j].Value == fieldName && n.Content[j+1].Kind == yaml.ScalarNode && n.Content[j+1].Value != "" {
			label = n.Content[j+1].Value
			break
		}
	}
	before := len(d.problems)
	var p Pattern
	lines := map[string]int{}
	typeErr := map[string]bool{} // fields already reported as the wrong type
	for j := 0; j+1 < len(n.Content); j += 2 {
		k, v := n.Content[j], n.Content[j+1]
		if first, dup := lines[k.Value]; dup {
			d.errorf(k.Line, label, "field `%s` given twice (first on line %d)", k.Value, first)
			continue
		}
		lines[k.Value] = k.Line
		mark := len(d.problems)
		switch k.Value {
		case fieldName:
			p.Name = d.scalar(label, k, v)
		case fieldRegex, fieldLiteral:
			if p.Kind != "" {
				d.errorf(k.Line, label, "has both `regex` and `literal`; give exactly one")
				continue
			}
			p.Kind = Kind(k.Value)
			p.Expr = d.scalar(label, k, v)
		case fieldDescription:
			p.Description = d.scalar(label, k, v)
		case fieldTags:
			p.Tags = d.list(label, k, v)
		case fieldJobs:
			p.Jobs = d.list(label, k, v)
		case fieldSteps:
			p.Steps = d.list(label, k, v)
		case fieldPriority:
			p.Priority = d.int(label, k, v)
		case fieldLastLines:
			p.LastLines = d.int(label, k, v)
		case fieldThen:
			p.Then = d.then(label, k, v)
		default:
			d.errorf(k.Line, label, "unknown field `%s`%s", k.Value, suggestField(k.Value))
		}
		if len(d.problems) > mark {
			typeErr[k.Value] = true
		}
	}
	if p.Kind == "" {
		lines[fieldRegex] = n.Line
	}
	for _, fp := range checkPattern(&p) {
		if typeErr[fp.field] {
			continue
		}
		line, ok := lines[fp.field]
		if !ok {
			line = n.Line
		}
		d.problems = append(d.problems, Problem{File: d.file, Line: line, Pattern: label, Msg: fp.msg, Warning: fp.warning})
	}
	return p, len(d.problems[before:].Errors()) == 0
}

// scalar reads a text field. Numbers and booleans are accepted as their text (`literal: 404`);
// an empty value reads as "" and is reported by checkPattern (missing name, empty expression).
func (d *decoder) scalar(label string, k, v *yaml.Node) string {
	v = resolveAlias(v)
	if v.Kind != yaml.ScalarNode {
		d.errorf(v.Line, label, "`%s` must be a string, got %s", k.Value, nodeKind(v))
		return ""
	}
	if v.Tag == "!!null" {
		return ""
	}
	return v.Value
}

// list reads a list of strings (tags, globs).
func (d *decoder) list(label string, k, v *yaml.Node) []string {
	v = resolveAlias(v)
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		d.errorf(v.Line, label, "`%s` must be a list, e.g. `%s: [%s]`, got %s", k.Value, k.Value, v.Value, nodeKind(v))
		return nil
	}
	out := make([]string, 0, len(v.Content))
	for _, e := range v.Content {
		e = resolveAlias(e)
		if e.Kind != yaml.ScalarNode || e.Tag == "!!null" {
			d.errorf(e.Line, label, "`%s` entries must be strings, got %s", k.Value, nodeKind(e))
			continue
		}
		out = append(out, e.Value)
	}
	return out
}

// int reads an integer field; `priority: high` is an error naming the value.
func (d *decoder) int(label string, k, v *yaml.Node) int {
	v = resolveAlias(v)
	var x int64
	if v.Kind == yaml.ScalarNode && v.Tag == "!!int" && v.Decode(&x) == nil && x == int64(int32(x)) {
		return int(x)
	}
	d.errorf(v.Line, label, "`%s` must be an integer, got %s", k.Value, nodeKind(v))
	return 0
}

// suggestField proposes the known field closest to an unknown one, when one is obvious.
func suggestField(f string) string {
	lf := strings.ToLower(f)
	if a, ok := fieldAliases[lf]; ok {
		return fmt.Sprintf(" (did you mean `%s`?)", a)
	}
	best, bestDist := "", 3
	for _, k := range knownFields {
		if dist := editDistance(lf, k); dist < bestDist {
			best, bestDist = k, dist
		}
	}
	if best == "" {
		return fmt.Sprintf("; known fields: %s", strings.Join(knownFields, ", "))
	}
	return fmt.Sprintf(" (did you mean `%s`?)", best)
}

// editDistance is the Levenshtein distance between two short ASCII field names.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// resolveAlias follows a YAML alias (`*x`) to its anchor's node. Values are read once, never
// expanded recursively, so alias-heavy input cannot blow up.
func resolveAlias(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}
