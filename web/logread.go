package web

import (
	"context"
	"fmt"
	"strings"

	"github.com/totto-ci/totto/logs"
	"github.com/totto-ci/totto/patterns"
)

// logLine is one line as the UI shows it: redacted, with the matched span split out so the
// template can highlight it.
type logLine struct {
	Num         int
	Pre, Hit    string
	Post        string
	Matched     bool
	Overwritten bool
}

// readLines streams a stored log through the normaliser and keeps lines [from, to] only, so a
// 100 MB log costs one bounded window of memory; reading stops right after `to`.
func (s *server) readLines(ctx context.Context, key string, from, to int) ([]logs.Line, error) {
	rc, err := s.deps.Blobs.Open(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("open log %s: %w", key, err)
	}
	defer rc.Close()
	r := logs.NewReader(rc)
	var out []logs.Line
	for r.Next() {
		l := r.Line()
		if l.Num < from {
			continue
		}
		if l.Num > to {
			break
		}
		l.Text = append([]byte(nil), l.Text...) // the reader reuses its buffer
		out = append(out, l)
	}
	if err := r.Err(); err != nil {
		return out, fmt.Errorf("read log %s: %w", key, err)
	}
	return out, nil
}

// showLines turns normalised lines into display lines, redacted as one block (a private key
// spanning lines is hidden whole), highlighting the first match on a line.
func (s *server) showLines(ls []logs.Line, byLine map[int]patterns.Match) []logLine {
	texts := make([]string, len(ls))
	for i, l := range ls {
		texts[i] = string(l.Text)
	}
	red := s.redactor.Lines(texts)
	out := make([]logLine, 0, len(ls))
	for i, l := range ls {
		m, ok := byLine[l.Num]
		out = append(out, showLine(l.Num, texts[i], red[i], m, ok, l.Overwritten))
	}
	return out
}

// showLine is one display line of text, whose redaction is red. A line whose redaction changed
// it is highlighted whole, since byte offsets no longer apply.
func showLine(num int, text, red string, m patterns.Match, matched, overwritten bool) logLine {
	ll := logLine{Num: num, Pre: red, Matched: matched, Overwritten: overwritten}
	if !matched {
		return ll
	}
	if red == text && m.Start >= 0 && m.End <= len(text) && m.Start < m.End {
		ll.Pre, ll.Hit, ll.Post = text[:m.Start], text[m.Start:m.End], text[m.End:]
		return ll
	}
	ll.Pre, ll.Hit = "", red
	return ll
}

// contextBlock is a match with the lines around it.
type contextBlock struct {
	Line  int
	Lines []logLine
	Err   string
}

// matchContext reads ±n lines around each wanted line of one log in a single pass.
func (s *server) matchContext(ctx context.Context, key string, ms []patterns.Match, n int) map[int]contextBlock {
	out := map[int]contextBlock{}
	if len(ms) == 0 {
		return out
	}
	lo, hi := ms[0].Line, ms[0].Line
	byLine := map[int]patterns.Match{}
	for _, m := range ms {
		lo, hi = min(lo, m.Line), max(hi, m.Line)
		byLine[m.Line] = m
	}
	ls, err := s.readLines(ctx, key, max(1, lo-n), hi+n)
	for _, m := range ms {
		b := contextBlock{Line: m.Line}
		if err != nil {
			b.Err = err.Error()
		}
		var window []logs.Line
		for _, l := range ls {
			if l.Num >= m.Line-n && l.Num <= m.Line+n {
				window = append(window, l)
			}
		}
		if len(window) == 0 {
			// The log expired or is unreadable: the stored match text still explains it.
			window = []logs.Line{{Num: m.Line, Text: []byte(m.Text)}}
		}
		only := map[int]patterns.Match{m.Line: byLine[m.Line]}
		b.Lines = s.showLines(window, only)
		out[m.Line] = b
	}
	return out
}

// trimList splits a comma-separated form field into trimmed, non-empty items.
func trimList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}
