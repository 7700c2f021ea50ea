package patterns

import (
	"fmt"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// A multi-line pattern's `then:` entry is a small mapping of its own:
//
//	then: {regex: 'Caused by: .*Timeout', within: 5}

// checkThen validates a multi-line pattern's second expression with the rules of the first, and
// its window. Every problem is reported on the `then` field, its message saying which part.
func checkThen(p *Pattern) []fieldProblem {
	t := p.Then
	var out []fieldProblem
	second := Pattern{Name: p.Name, Kind: t.Kind, Expr: t.Expr}
	for _, fp := range checkExpr(&second) {
		field := fp.field
		if t.Kind != Regex && t.Kind != Literal {
			field = fieldRegex + "` or `" + fieldLiteral
		}
		out = append(out, fieldProblem{field: fieldThen, msg: fieldThen + ": `" + field + "`: " + fp.msg, warning: fp.warning})
	}
	if t.Within < 1 || t.Within > MaxThenWithin {
		out = append(out, fieldProblem{field: fieldThen, msg: fmt.Sprintf(
			"%s: `%s` must be a number of lines from 1 to %d (how far after the first line the second expression may match), got %d",
			fieldThen, fieldWithin, MaxThenWithin, t.Within)})
	}
	return out
}

// then decodes a `then:` mapping; checkThen judges its values.
func (d *decoder) then(label string, k, v *yaml.Node) *Then {
	v = resolveAlias(v)
	if v.Kind != yaml.MappingNode {
		d.errorf(v.Line, label, "`%s` must be a mapping, e.g. `%s: {regex: 'Caused by', %s: 5}`, got %s",
			k.Value, k.Value, fieldWithin, nodeKind(v))
		return nil
	}
	t := &Then{}
	seen := map[string]int{}
	for j := 0; j+1 < len(v.Content); j += 2 {
		fk, fv := v.Content[j], v.Content[j+1]
		if first, dup := seen[fk.Value]; dup {
			d.errorf(fk.Line, label, "`%s.%s` given twice (first on line %d)", k.Value, fk.Value, first)
			continue
		}
		seen[fk.Value] = fk.Line
		switch fk.Value {
		case fieldRegex, fieldLiteral:
			if t.Kind != "" {
				d.errorf(fk.Line, label, "`%s` has both `regex` and `literal`; give exactly one", k.Value)
				continue
			}
			t.Kind = Kind(fk.Value)
			t.Expr = d.scalar(label, fk, fv)
		case fieldWithin:
			t.Within = d.int(label, fk, fv)
		default:
			d.errorf(fk.Line, label, "unknown field `%s.%s`: `%s` holds `regex` or `literal`, and `%s`",
				k.Value, fk.Value, k.Value, fieldWithin)
		}
	}
	return t
}

// thenNode writes a `then:` mapping in flow style, as the documentation shows it.
func thenNode(t *Then) (*yaml.Node, error) {
	if t.Kind != Regex && t.Kind != Literal {
		return nil, fmt.Errorf("then: kind %q is neither %q nor %q", t.Kind, Regex, Literal)
	}
	return &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle, Content: []*yaml.Node{
		str(string(t.Kind)), str(t.Expr),
		str(fieldWithin), {Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(t.Within)},
	}}, nil
}
