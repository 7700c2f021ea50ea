package patterns

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Problem is one thing wrong with a pattern file, located precisely enough that the person who
// wrote the file can fix it without guessing: a file, a line and, when known, the pattern's name.
type Problem struct {
	File    string
	Line    int
	Pattern string
	Msg     string
	// Warning problems do not drop the pattern: it loads and works, but probably not as intended
	// (too broad, or too slow to prefilter).
	Warning bool
}

// String formats the problem as `file:line: pattern "name": msg`, the shape editors and CI
// annotations recognise.
func (p Problem) String() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		if p.Line > 0 {
			b.WriteString(":")
			b.WriteString(strconv.Itoa(p.Line))
		}
		b.WriteString(": ")
	}
	if p.Warning {
		b.WriteString("warning: ")
	}
	if p.Pattern != "" {
		fmt.Fprintf(&b, "pattern %q: ", p.Pattern)
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Problems reports every problem of a pattern file at once, so one run of `totto patterns
// validate` (or one failed config load) shows the author everything to fix.
type Problems []Problem

// Error lists the problems one per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Errors returns only the problems that dropped a pattern or the file, so callers can decide to
// fail on errors while still showing warnings.
func (ps Problems) Errors() Problems {
	var out Problems
	for _, p := range ps {
		if !p.Warning {
			out = append(out, p)
		}
	}
	return out
}

// Warnings returns only the problems that did not drop anything.
func (ps Problems) Warnings() Problems {
	var out Problems
	for _, p := range ps {
		if p.Warning {
			out = append(out, p)
		}
	}
	return out
}

// LoadFile reads and parses a pattern file; see Parse for what is returned on problems.
func LoadFile(path string) ([]Pattern, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read pattern file: %w", err)
	}
	return Parse(path, data)
}

// yamlLineRe finds the line number yaml.v3 puts in its syntax error messages.
var yamlLineRe = regexp.MustCompile(`^yaml: line (\d+): `)

// Parse decodes a pattern file (top-level `patterns:` list) and validates every entry. It returns
// the valid patterns, with Source set to file and IDs 1..n in file order among the valid ones,
// together with a Problems error (nil when there are none) listing every error and warning. An
// invalid entry never stops the others from loading: a typo in one pattern must not switch off a
// repository's whole catalogue.
func Parse(file string, data []byte) ([]Pattern, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, Problems{yamlProblem(file, err)}
	}
	d := &decoder{file: file}
	ps := d.document(&root)
	for i := range ps {
		ps[i].ID = int64(i + 1)
		ps[i].Source = file
	}
	if len(d.problems) == 0 {
		return ps, nil
	}
	sort.SliceStable(d.problems, func(i, j int) bool { return d.problems[i].Line < d.problems[j].Line })
	return ps, d.problems
}

func yamlProblem(file string, err error) Problem {
	msg := err.Error()
	line := 0
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	return Problem{File: file, Line: line, Msg: "YAML syntax error: " + msg}
}

// decoder walks the YAML node tree, collecting problems with their line numbers.
type decoder struct {
	file     string
	problems Problems
}

func (d *decoder) errorf(line int, pattern, format string, args ...any) {
	d.problems = append(d.problems, Problem{File: d.file, Line: line, Pattern: pattern, Msg: fmt.Sprintf(format, args...)})
}

func (d *decoder) warnf(line int, pattern, format string, args ...any) {
	d.problems = append(d.problems, Problem{File: d.file, Line: line, Pattern: pattern, Msg: fmt.Sprintf(format, args...), Warning: true})
}

// document decodes the document: a mapping whose `patterns` key holds the list. Other top-level keys
// are warnings, not errors, because the same shape lives inside `.github/totto.yml`, which has
// other sections.
func (d *decoder) document(root *yaml.Node) []Pattern {
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil // an empty file is an empty catalogue
	}
	doc := root.Content[0]
	if doc.Kind == yaml.ScalarNode && doc.Tag == "!!null" {
		return nil
	}
	if doc.Kind != yaml.MappingNode {
		d.errorf(doc.Line, "", "a pattern file is a mapping with a top-level `patterns:` list, got %s", nodeKind(doc))
		return nil
	}
	var list *yaml.Node
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		if k.Value != "patterns" {
			d.warnf(k.Line, "", "top-level key %q is ignored: a pattern file only reads `patterns:`", k.Value)
			continue
		}
		if list != nil {
			d.errorf(k.Line, "", "duplicate top-level key `patterns` (first on line %d)", list.Line)
			continue
		}
		list = v
	}
	if list == nil {
		d.errorf(doc.Line, "", "no top-level `patterns:` list")
		return nil
	}
	if list.Kind == yaml.ScalarNode && list.Tag == "!!null" {
		return nil
	}
	if list.Kind != yaml.SequenceNode {
		d.errorf(list.Line, "", "`patterns` must be a list of patterns, got %s", nodeKind(list))
		return nil
	}
	entries := list.Content
	if len(entries) > MaxPatternsPerFile {
		d.errorf(entries[MaxPatternsPerFile].Line, "",
			"too many patterns: %d, at most %d per file are loaded; the rest are ignored (split the file)",
			len(entries), MaxPatternsPerFile)
		entries = entries[:MaxPatternsPerFile]
	}
	out := make([]Pattern, 0, len(entries))
	firstLine := map[string]int{}
	for i, n := range entries {
		p, ok := d.pattern(i, n)
		if !ok {
			continue
		}
		if first, dup := firstLine[p.Name]; dup {
			d.errorf(n.Line, p.Name, "duplicate name (first defined on line %d); names must be unique within a file", first)
			continue
		}
		firstLine[p.Name] = n.Line
		out = append(out, p)
	}
	return out
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("%q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "a document"
}

// marshalIndent is the indentation Marshal uses, two spaces, as in the documented examples.
const marshalIndent = 2

// Marshal writes patterns in the pattern-file shape that Parse reads (IDs and Source are not part
// of the format). Import and export use it, so what totto writes is always what it reads back.
func Marshal(ps []Pattern) ([]byte, error) {
	list := &yaml.Node{Kind: yaml.SequenceNode}
	for i := range ps {
		n, err := patternNode(&ps[i])
		if err != nil {
			return nil, err
		}
		list.Content = append(list.Content, n)
	}
	if len(ps) == 0 {
		list.Style = yaml.FlowStyle
	}
	doc := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{str("patterns"), list}}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(marshalIndent)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encode patterns: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode patterns: %w", err)
	}
	return buf.Bytes(), nil
}

func patternNode(p *Pattern) (*yaml.Node, error) {
	var exprKey string
	switch p.Kind {
	case Regex:
		exprKey = fieldRegex
	case Literal:
		exprKey = fieldLiteral
	default:
		return nil, fmt.Errorf("marshal pattern %q: kind %q is neither %q nor %q", p.Name, p.Kind, Regex, Literal)
	}
	m := &yaml.Node{Kind: yaml.MappingNode}
	add := func(k string, v *yaml.Node) { m.Content = append(m.Content, str(k), v) }
	add(fieldName, str(p.Name))
	add(exprKey, str(p.Expr))
	if len(p.Tags) > 0 {
		add(fieldTags, strList(p.Tags))
	}
	if p.Description != "" {
		add(fieldDescription, str(p.Description))
	}
	if p.Priority != 0 {
		add(fieldPriority, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(p.Priority)})
	}
	if len(p.Jobs) > 0 {
		add(fieldJobs, strList(p.Jobs))
	}
	if len(p.Steps) > 0 {
		add(fieldSteps, strList(p.Steps))
	}
	if p.LastLines != 0 {
		add(fieldLastLines, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(p.LastLines)})
	}
	if p.Then != nil {
		t, err := thenNode(p.Then)
		if err != nil {
			return nil, fmt.Errorf("marshal pattern %q: %w", p.Name, err)
		}
		add(fieldThen, t)
	}
	return m, nil
}

// str makes a string scalar; the explicit tag makes the encoder quote values such as "yes",
// "123" or "null" that would otherwise read back as another type.
func str(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if strings.ContainsAny(s, "\n\r\t") || strings.TrimSpace(s) != s {
		// yaml.v3 may emit such a value as a block scalar that does not read back the same (a
		// leading newline is lost); a double-quoted scalar escapes every character exactly.
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

func strList(ss []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, s := range ss {
		n.Content = append(n.Content, str(s))
	}
	return n
}
