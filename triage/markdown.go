package triage

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Everything quoted in a check run (log lines, job names, pattern names, annotation reasons) comes
// from people or programs we do not control. These helpers make such text inert: it renders as
// the same characters and never as markup, links, HTML or notifications.

// zwj is the zero-width joiner put after '@' and '#' so that GitHub neither mentions a user nor
// links an issue, while the text still reads the same.
const zwj = "\u200d"

// oneLine replaces control characters and line/paragraph separators by spaces, so a value can never
// start a new markdown block or end a table row.
func oneLine(s string) string {
	if !strings.ContainsFunc(s, isBreaking) && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if isBreaking(r) {
			b.WriteByte(' ')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isBreaking(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == '\u0085'
}

// clip shortens s to at most n runes, marking the cut with an ellipsis.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, k := 0, 0
	for i = range s {
		if k == n-1 {
			break
		}
		k++
	}
	return s[:i] + "…"
}

// codeSpan renders s as an inline code span whose fence is longer than any backtick run in s, so
// nothing inside can close it. Inside a table cell the caller must still escape '|' (tableCell).
func codeSpan(s string) string {
	s = oneLine(s)
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	// The padding spaces are stripped by the renderer, and make a leading or trailing backtick safe.
	return fence + " " + s + " " + fence
}

// InertCode renders text from outside (a comment's arguments, a job name) as an inline code span
// on one line that nothing inside can close: GitHub shows it verbatim, with no mention, issue
// reference, link or markup. Every fragment a reply echoes goes through it, as check runs quote.
func InertCode(s string) string { return codeSpan(s) }

// longestRun returns the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	best, cur := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			cur++
			if cur > best {
				best = cur
			}
		} else {
			cur = 0
		}
	}
	return best
}

// tableCell makes rendered inline markdown safe inside a GFM table cell: a '|' would end the cell
// even inside a code span unless escaped, and GFM unescapes "\|" inside code spans too.
func tableCell(md string) string { return strings.ReplaceAll(md, "|", `\|`) }

// mentionRE finds what GitHub would turn into a notification or a reference: @user, @org/team,
// #123 and GH-123.
var mentionRE = regexp.MustCompile(`@|#(?:[0-9])|(?i:\bgh)-[0-9]`)

// neutralise puts a zero-width joiner after every '@' and before the number of '#123' and 'GH-123'.
func neutralise(s string) string {
	if !mentionRE.MatchString(s) {
		return s
	}
	return mentionRE.ReplaceAllStringFunc(s, func(m string) string {
		switch {
		case m == "@":
			return "@" + zwj
		case m[0] == '#':
			return "#" + zwj + m[1:]
		default: // gh-1
			return m[:3] + zwj + m[3:]
		}
	})
}

// text renders s as inert inline markdown: every ASCII punctuation character is backslash-escaped
// (CommonMark allows that for all of them, and it defuses emphasis, links, images, HTML, entities
// and autolinks alike), mentions and issue references are neutralised, and breaks become spaces.
func text(s string) string {
	s = neutralise(oneLine(s))
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 && unicode.IsPunct(rune(c)) || c < 0x80 && unicode.IsSymbol(rune(c)) {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// urlRE finds web links in free text (pattern descriptions, annotation reasons) so they can be
// rendered as real links while the text around them stays inert.
var urlRE = regexp.MustCompile(`https?://[^\s<>"'\x60]+`)

// textWithLinks renders s like text, except that http(s) URLs in it become links.
func textWithLinks(s string) string {
	s = oneLine(s)
	var b strings.Builder
	last := 0
	for _, loc := range urlRE.FindAllStringIndex(s, -1) {
		u := strings.TrimRight(s[loc[0]:loc[1]], ".,;:!?)]}")
		end := loc[0] + len(u)
		safe, ok := safeURL(u)
		if !ok {
			continue
		}
		b.WriteString(text(s[last:loc[0]]))
		b.WriteString("[" + text(u) + "](" + safe + ")")
		last = end
	}
	b.WriteString(text(s[last:]))
	return b.String()
}

// safeURL returns u ready to be a markdown link destination, or false when it is not an absolute
// http(s) URL (so javascript:, data: and relative links are never rendered as links).
func safeURL(u string) (string, bool) {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return "", false
	}
	s := p.String()
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '(', ')', '<', '>', ' ', '"', '\'', '`', '\\', '|', '[', ']':
			b.WriteString("%" + strings.ToUpper(hex2(c)))
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&0xf]})
}

// link renders an inert link text to u, or just the text when u is not a safe link.
func link(label, u string) string {
	safe, ok := safeURL(u)
	if !ok {
		return text(label)
	}
	return "[" + text(label) + "](" + safe + ")"
}

// htmlEscaper escapes HTML's specials and, as defence in depth, the characters markdown link and
// code syntax is made of, in case a renderer ever parses markdown inside the element.
var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;",
	"[", "&#91;", "]", "&#93;", "(", "&#40;", ")", "&#41;", "`", "&#96;", "|", "&#124;", "*", "&#42;", "_", "&#95;")

// html escapes s for text inside an HTML element (a <summary>), where markdown is not processed but
// HTML is, and neutralises mentions.
func html(s string) string { return htmlEscaper.Replace(neutralise(oneLine(s))) }

// codeBlock renders lines as a fenced code block whose fence no line can close.
func codeBlock(lines []string) string {
	n := 3
	for _, l := range lines {
		if k := longestRun(l, '`') + 1; k > n {
			n = k
		}
	}
	fence := strings.Repeat("`", n)
	var b strings.Builder
	b.WriteString(fence + "text\n")
	for _, l := range lines {
		b.WriteString(oneLine(l))
		b.WriteByte('\n')
	}
	b.WriteString(fence + "\n")
	return b.String()
}
