// Package redact hides secrets in log text before any surface shows it: the check run, the web
// UI's job page, pattern contexts and trials, the JSON API and the CLI's output all go through one
// Redactor, so a secret hidden in one place is hidden in all of them. It is block-aware: a PEM
// private key spanning many lines is hidden whole, and so are the base64 lines of a key whose
// header lies outside the lines being shown.
package redact

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/totto-ci/totto/patterns"
)

// Marker replaces a secret.
const Marker = "[REDACTED]"

// Rule is an operator's redaction rule (config.yml `redact.rules`): every match of Regex is
// replaced by Marker, or only its `secret` group when it has one (so `(token=)(?P<secret>\S+)`
// keeps the key name in view).
type Rule struct {
	Name  string `yaml:"name"`
	Regex string `yaml:"regex"`
}

type rule struct {
	name  string
	re    *regexp.Regexp
	hints []string // lower-case; nil: always tried
	// secret is the index of the named group to replace (operator rules); 0: the built-in
	// convention (groups 1 and 2 are kept, the rest of the match is the secret).
	secret int
	custom bool
}

// Redactor applies the built-in rules and the operator's. Build one with New; Default has the
// built-in rules only.
type Redactor struct {
	rules []rule
}

// Default redacts with the built-in rules only.
var Default = &Redactor{rules: builtin}

// New returns a redactor with the built-in rules plus extra; an invalid rule is an error naming
// it (a rule that matches empty text, or is too large, would be run on every line shown).
func New(extra []Rule) (*Redactor, error) {
	r := &Redactor{rules: append([]rule(nil), builtin...)}
	for i, x := range extra {
		what := fmt.Sprintf("redact.rules[%d]", i)
		if x.Name != "" {
			what += fmt.Sprintf(" (%q)", x.Name)
		}
		if x.Regex == "" {
			return nil, fmt.Errorf("%s: no regex", what)
		}
		re, err := regexp.Compile(x.Regex)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		if re.MatchString("") {
			return nil, fmt.Errorf("%s: regex %q matches empty text; it must match the secret itself", what, x.Regex)
		}
		// Every rule runs on every line shown: the bound on patterns' programs applies.
		if n := patterns.RegexInsts(x.Regex); n > patterns.MaxRegexInsts {
			return nil, fmt.Errorf("%s: regex compiles to %d instructions, at most %d", what, n, patterns.MaxRegexInsts)
		}
		r.rules = append(r.rules, rule{name: x.Name, re: re, secret: re.SubexpIndex("secret"), custom: true})
	}
	return r, nil
}

// Text redacts one line or several joined by "\n", keeping the number of lines so line numbers
// stay right. Pass a block of consecutive lines whole: secrets spanning lines are recognised only
// within what is passed.
func (r *Redactor) Text(s string) string {
	if r == nil {
		r = Default
	}
	if !strings.Contains(s, "\n") {
		return r.line(s)
	}
	return strings.Join(r.Lines(strings.Split(s, "\n")), "\n")
}

// Lines redacts consecutive log lines as one block and returns as many lines.
func (r *Redactor) Lines(lines []string) []string {
	if r == nil {
		r = Default
	}
	out := make([]string, len(lines))
	copy(out, lines)
	r.pem(out)
	keyBody := false
	for i, l := range out {
		// A private key's body whose BEGIN line is not among the lines (a window cut through
		// the key) is still recognised by its shape, and so is the short line ending it.
		if looksLikeKeyBody(l) || (keyBody && isBase64(strings.TrimSpace(l)) && strings.TrimSpace(l) != "") {
			out[i], keyBody = Marker, looksLikeKeyBody(l)
			continue
		}
		keyBody = false
		out[i] = r.line(l)
	}
	return out
}

// pem replaces every private key block (from BEGIN to END, or to the last line) line by line, and
// the base64 lines before an END line whose BEGIN is not among the lines.
func (r *Redactor) pem(lines []string) {
	for i := 0; i < len(lines); i++ {
		if isPEMEnd(lines[i]) {
			for k := i - 1; k >= 0 && isBase64(strings.TrimSpace(lines[k])) && strings.TrimSpace(lines[k]) != ""; k-- {
				lines[k] = Marker
			}
			continue
		}
		if !pemBlock.MatchString(lines[i]) {
			continue
		}
		j := i
		for ; j < len(lines); j++ {
			if isPEMEnd(lines[j]) {
				break
			}
		}
		lines[i] = Marker + " private key"
		for k := i + 1; k <= j && k < len(lines); k++ {
			lines[k] = Marker
		}
		i = j
	}
}

func isPEMEnd(l string) bool {
	return strings.Contains(l, "-----END ") && strings.Contains(l, "PRIVATE KEY-----")
}

// line applies the one-line rules.
func (r *Redactor) line(s string) string {
	if s == "" {
		return s
	}
	if strings.Contains(s, "PRIVATE KEY-----") && pemBlock.MatchString(s) {
		s = pemBlock.ReplaceAllString(s, Marker+" private key")
	}
	lower := strings.ToLower(s)
	for _, ru := range r.rules {
		if ru.hints != nil && !containsAny(lower, ru.hints) {
			continue
		}
		switch {
		case !ru.custom:
			s = ru.re.ReplaceAllString(s, "${1}"+Marker+"${2}")
		case ru.secret > 0:
			s = replaceGroup(ru.re, s, ru.secret)
		default:
			s = ru.re.ReplaceAllLiteralString(s, Marker)
		}
	}
	return s
}

// replaceGroup replaces group g of every match of re in s by Marker.
func replaceGroup(re *regexp.Regexp, s string, g int) string {
	var b strings.Builder
	last := 0
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
		if m[2*g] < 0 {
			continue
		}
		b.WriteString(s[last:m[2*g]])
		b.WriteString(Marker)
		last = m[2*g+1]
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// looksLikeKeyBody reports whether a line is one line of a base64 key body (PEM writes 64
// characters a line, MIME 76): long, base64 only, and mixing upper case, lower case and digits,
// which hex digests and words do not.
func looksLikeKeyBody(l string) bool {
	l = strings.TrimSpace(l)
	if len(l) < 40 || len(l) > 128 || !isBase64(l) {
		return false
	}
	return strings.ContainsAny(l, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") && strings.ContainsAny(l, "abcdefghijklmnopqrstuvwxyz") &&
		strings.ContainsAny(l, "0123456789")
}

func isBase64(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=') {
			return false
		}
	}
	return true
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
