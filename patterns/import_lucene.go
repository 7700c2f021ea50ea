package patterns

import (
	"strings"
)

// luceneClause is one field:value of a Lucene query string, with whether it sits under a NOT
// (or a '-' prefix) an odd number of times.
type luceneClause struct {
	Field   string
	Text    string
	Quoted  bool
	Negated bool
}

type luceneTokKind int

const (
	tokOpen luceneTokKind = iota
	tokClose
	tokAnd
	tokOr
	tokNot
	tokField // Text is the field name; the value follows as the next token
	tokTerm
)

type luceneTok struct {
	kind   luceneTokKind
	text   string
	quoted bool
}

// luceneClauses extracts the field:value clauses of a Lucene query string. It is not a full query
// parser: boolean structure is reduced to negation (AND and OR are not told apart), which is all
// an importer of substring patterns can use. Malformed input yields what could be read.
func luceneClauses(q string) []luceneClause {
	p := &luceneParser{toks: luceneTokens(q)}
	p.clauses("", false)
	return p.out
}

type luceneParser struct {
	toks []luceneTok
	pos  int
	out  []luceneClause
}

// clauses reads clauses until a closing parenthesis or the end; field is the default field for
// bare values (set inside `message:( … )`), neg the negation inherited from outside.
func (p *luceneParser) clauses(field string, neg bool) {
	pendingNot := false
	for p.pos < len(p.toks) {
		t := p.toks[p.pos]
		p.pos++
		switch t.kind {
		case tokClose:
			return
		case tokAnd, tokOr:
		case tokNot:
			pendingNot = !pendingNot
		case tokOpen:
			p.clauses(field, neg != pendingNot)
			pendingNot = false
		case tokField:
			if p.pos >= len(p.toks) {
				return
			}
			v := p.toks[p.pos]
			p.pos++
			switch v.kind {
			case tokOpen:
				p.clauses(t.text, neg != pendingNot)
			case tokTerm:
				p.out = append(p.out, luceneClause{Field: t.text, Text: v.text, Quoted: v.quoted, Negated: neg != pendingNot})
			default:
				p.pos-- // a field with no value: read the token normally
			}
			pendingNot = false
		case tokTerm:
			p.out = append(p.out, luceneClause{Field: field, Text: t.text, Quoted: t.quoted, Negated: neg != pendingNot})
			pendingNot = false
		}
	}
}

// luceneTokens splits a query string into tokens. Escapes (`\"`, `\:`) are resolved; a `\n` or
// `\t` escape inside a phrase, which the search engine's analyser treats as a word break, becomes a
// space.
func luceneTokens(q string) []luceneTok {
	var toks []luceneTok
	i := 0
	for i < len(q) {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			toks = append(toks, luceneTok{kind: tokOpen})
			i++
		case c == ')':
			toks = append(toks, luceneTok{kind: tokClose})
			i++
		case c == '-' || c == '!':
			toks = append(toks, luceneTok{kind: tokNot})
			i++
		case c == '+':
			i++
		case c == '"':
			text, n := lucenePhrase(q[i+1:])
			toks = append(toks, luceneTok{kind: tokTerm, text: text, quoted: true})
			i += 1 + n
		default:
			word, n, isField := luceneWord(q[i:])
			i += n
			switch {
			case isField:
				toks = append(toks, luceneTok{kind: tokField, text: word})
			case word == "AND" || word == "&&":
				toks = append(toks, luceneTok{kind: tokAnd})
			case word == "OR" || word == "||":
				toks = append(toks, luceneTok{kind: tokOr})
			case word == "NOT":
				toks = append(toks, luceneTok{kind: tokNot})
			default:
				toks = append(toks, luceneTok{kind: tokTerm, text: word})
			}
		}
	}
	return toks
}

// lucenePhrase reads a quoted phrase's body (after the opening quote) and returns it unescaped
// with the number of bytes consumed, closing quote included.
func lucenePhrase(s string) (string, int) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			return b.String(), i + 1
		case '\\':
			if i+1 < len(s) {
				i++
				switch s[i] {
				case 'n', 't', 'r':
					b.WriteByte(' ')
				default:
					b.WriteByte(s[i])
				}
			}
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String(), len(s)
}

// luceneWord reads a bare word up to whitespace or a parenthesis; a word ending in an unescaped
// ':' is a field name (`message:`), and `field:value` is split so that the value is read next.
func luceneWord(s string) (word string, n int, isField bool) {
	var b strings.Builder
	for n < len(s) {
		c := s[n]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == ')' {
			break
		}
		if c == '\\' && n+1 < len(s) {
			b.WriteByte(s[n+1])
			n += 2
			continue
		}
		if c == ':' {
			return b.String(), n + 1, true
		}
		b.WriteByte(c)
		n++
	}
	return b.String(), n, false
}
