package patterns

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// drciPattern is one entry of Dr. CI's (kostmo/circleci-failure-tracker) patterns-dump.json.
type drciPattern struct {
	Author  string `json:"author"`
	Created string `json:"created"`
	Payload struct {
		ID     int64 `json:"db_id"`
		Record struct {
			ApplicableSteps []string `json:"applicable_steps"`
			Description     string   `json:"description"`
			Expression      struct {
				Tag      string          `json:"tag"`
				Contents json.RawMessage `json:"contents"`
			} `json:"expression"`
			IsRetired    bool     `json:"is_retired"`
			LinesFromEnd *int     `json:"lines_from_end"`
			Specificity  int      `json:"specificity"`
			Tags         []string `json:"tags"`
		} `json:"record"`
	} `json:"payload"`
}

// importDrCI reads a Dr. CI patterns-dump.json. Specificity becomes priority, applicable_steps
// the step scope (exact names), lines_from_end last_lines. Dr. CI had no names, so the
// description names the pattern. Retired patterns are skipped: their curators replaced or dropped
// them, and importing them would bring back what they had decided against. A regex's second
// element (a flag Dr. CI kept beside the expression) does not change matching and is dropped.
func importDrCI(path string) (ImportResult, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return ImportResult{}, fmt.Errorf("read pattern dump: %w", err)
	}
	var dump []drciPattern
	if err := json.Unmarshal(data, &dump); err != nil {
		return ImportResult{}, fmt.Errorf("parse pattern dump JSON: %w", err)
	}
	var res ImportResult
	for _, e := range dump {
		rec := e.Payload.Record
		id := e.Payload.ID
		if rec.IsRetired {
			res.notef("skipped Dr. CI pattern #%d %q: retired", id, rec.Description)
			continue
		}
		p := Pattern{
			Name:     strings.TrimSpace(rec.Description),
			Priority: rec.Specificity,
			Description: fmt.Sprintf("Dr. CI pattern #%d (%s, %s).", id, e.Author,
				strings.SplitN(e.Created, "T", 2)[0]),
		}
		if p.Name == "" {
			p.Name = fmt.Sprintf("Dr. CI pattern #%d", id)
		}
		if rec.LinesFromEnd != nil {
			p.LastLines = *rec.LinesFromEnd
		}
		for _, s := range rec.ApplicableSteps {
			p.Steps = append(p.Steps, escapeGlob(s))
		}
		for _, t := range rec.Tags {
			if nt := NormaliseTag(t); nt != "" {
				p.Tags = append(p.Tags, nt)
			}
		}
		if err := drciExpression(&p, rec.Expression.Tag, rec.Expression.Contents); err != nil {
			res.notef("skipped Dr. CI pattern #%d %q: %v", id, rec.Description, err)
			continue
		}
		res.Patterns = append(res.Patterns, p)
	}
	return res, nil
}

// drciExpression decodes {"tag": "LiteralExpression", "contents": "text"} or
// {"tag": "RegularExpression", "contents": ["regex", flag]}.
func drciExpression(p *Pattern, tag string, contents json.RawMessage) error {
	switch tag {
	case "LiteralExpression":
		p.Kind = Literal
		if err := json.Unmarshal(contents, &p.Expr); err != nil {
			return fmt.Errorf("literal contents: %w", err)
		}
	case "RegularExpression":
		p.Kind = Regex
		var pair []json.RawMessage
		if err := json.Unmarshal(contents, &pair); err != nil || len(pair) == 0 {
			return fmt.Errorf("regular expression contents %s: want [regex, flag]", contents)
		}
		if err := json.Unmarshal(pair[0], &p.Expr); err != nil {
			return fmt.Errorf("regular expression contents: %w", err)
		}
	default:
		return fmt.Errorf("unknown expression kind %q", tag)
	}
	return nil
}
