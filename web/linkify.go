package web

import (
	"html/template"
	"net/url"
	"regexp"
	"strings"
)

// linkRe finds web addresses in free text: http or https only, up to whitespace or a quote or
// angle bracket, so nothing but a plain web link becomes clickable.
var linkRe = regexp.MustCompile(`https?://[^\s<>"']+`)

// linkify renders free text (a pattern's description) escaped, with its http(s) addresses as
// links. Trailing sentence punctuation stays text; an address that does not parse as an absolute
// http(s) URL with a host stays text.
func linkify(s string) template.HTML {
	var b strings.Builder
	last := 0
	for _, loc := range linkRe.FindAllStringIndex(s, -1) {
		start, end := loc[0], loc[1]
		end = start + len(strings.TrimRight(s[start:end], ".,;:!?)]}"))
		u, err := url.Parse(s[start:end])
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			continue
		}
		b.WriteString(template.HTMLEscapeString(s[last:start]))
		href := template.HTMLEscapeString(u.String())
		b.WriteString(`<a href="` + href + `" rel="nofollow noopener noreferrer">` + template.HTMLEscapeString(s[start:end]) + `</a>`)
		last = end
	}
	b.WriteString(template.HTMLEscapeString(s[last:]))
	return template.HTML(b.String()) //nolint:gosec // every piece above is escaped
}
