package triage

import (
	"regexp"
	"strings"
	"sync"
)

// Mask placeholders: what MaskLine puts in place of a variable part of a failure line.
const (
	MaskTime     = "<time>"
	MaskUUID     = "<uuid>"
	MaskIP       = "<ip>"
	MaskPath     = "<path>"
	MaskHex      = "<hex>"
	MaskHash     = "<hash>"
	MaskDuration = "<duration>"
	MaskNumber   = "<n>"
)

// maskers turn a failure line into its shape, so the same failure with another port, temp path,
// commit hash or duration has one shape. Order matters: the specific shapes first. regex is what
// a suggested pattern puts in place of the placeholder: it accepts at least what was masked.
var maskers = []struct {
	re    *regexp.Regexp
	with  string
	regex string
}{
	{regexp.MustCompile(`\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?`), MaskTime, `\d{4}-\d{2}-\d{2}[T ][0-9:.,]+(?:Z|[+-][0-9:]+)?`},
	{regexp.MustCompile(`\b\d{2}:\d{2}:\d{2}(?:\.\d+)?\b`), MaskTime, `\d{2}:\d{2}:\d{2}(?:\.\d+)?`},
	{regexp.MustCompile(`\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b`), MaskUUID, `[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}`},
	{regexp.MustCompile(`\b(?:\d{1,3}\.){3}\d{1,3}\b`), MaskIP, `(?:\d{1,3}\.){3}\d{1,3}`},
	{regexp.MustCompile(`(?:[A-Za-z]:)?(?:[\\/][\w.@+-]+){2,}[\\/]?`), MaskPath, `\S+`},
	{regexp.MustCompile(`\b0x[0-9a-fA-F]+\b`), MaskHex, `0x[0-9a-fA-F]+`},
	{regexp.MustCompile(`\b[0-9a-f]{7,64}\b`), MaskHash, `[0-9a-f]{7,64}`},
	{regexp.MustCompile(`\b\d+(?:\.\d+)?\s?(?:ms|µs|us|ns|s|sec|secs|seconds|m|min|minutes|h)\b`), MaskDuration, `\d+(?:\.\d+)?\s?[a-zµ]+`},
	{regexp.MustCompile(`\d+(?:\.\d+)?`), MaskNumber, `\d+(?:\.\d+)?`},
}

// placeholderRe finds MaskLine's placeholders in a masked line.
var placeholderRe = regexp.MustCompile(`<(?:time|uuid|ip|path|hex|hash|duration|n)>`)

// MaskLine is the shape of a failure line: trimmed, with timestamps, UUIDs, IP addresses, paths,
// hex numbers, hashes, durations and numbers replaced by placeholders. Failures with the same
// shape are taken to be the same failure, which is how unexplained failures are grouped (web UI)
// and how pattern suggestions are found (Suggest); both use this one definition so a group in
// the UI and a suggestion in the check run agree.
//
// The same lines come back on every check run (a repository's recent unexplained failures), so
// shapes of short lines are remembered: nine regex passes per line were most of a check run's CPU.
func MaskLine(s string) string {
	if len(s) > maxMemoLine {
		return maskLine(s)
	}
	shapes.mu.Lock()
	shape, ok := shapes.m[s]
	shapes.mu.Unlock()
	if ok {
		return shape
	}
	shape = maskLine(s)
	shapes.mu.Lock()
	if len(shapes.m) >= maxMemoShapes {
		clear(shapes.m)
	}
	shapes.m[s] = shape
	shapes.mu.Unlock()
	return shape
}

func maskLine(s string) string {
	s = strings.TrimSpace(s)
	for _, m := range maskers {
		s = m.re.ReplaceAllString(s, m.with)
	}
	return s
}

// The memo of MaskLine: at most maxMemoShapes lines of at most maxMemoLine bytes (a few MB).
const (
	maxMemoShapes = 8192
	maxMemoLine   = 512
)

var shapes = struct {
	mu sync.Mutex
	m  map[string]string
}{m: map[string]string{}}

// LiteralHint is the longest run of line that masking left alone (trimmed of punctuation at its
// ends): a candidate literal pattern for the line's shape. It returns "" when none is left.
func LiteralHint(line, masked string) string {
	best := ""
	for _, part := range placeholderRe.Split(masked, -1) {
		part = strings.Trim(part, " \t:;,()[]{}=\"'")
		if len(part) > len(best) && strings.Contains(line, part) {
			best = part
		}
	}
	return best
}

// ShapeRegex is a regex matching every line of a masked shape: the constant parts quoted, each
// placeholder replaced by a regex accepting what it masked.
func ShapeRegex(masked string) string {
	var b strings.Builder
	last := 0
	for _, loc := range placeholderRe.FindAllStringIndex(masked, -1) {
		b.WriteString(regexp.QuoteMeta(masked[last:loc[0]]))
		ph := masked[loc[0]:loc[1]]
		for _, m := range maskers {
			if m.with == ph {
				b.WriteString(m.regex)
				break
			}
		}
		last = loc[1]
	}
	b.WriteString(regexp.QuoteMeta(masked[last:]))
	return b.String()
}
