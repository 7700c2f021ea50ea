package cause

import (
	"bytes"

	"github.com/totto-ci/totto/logs"
)

// marks is what cleanLine learnt from CI markers in a line. The normalising reader usually strips
// these already; cleaning again here keeps the Finder right on raw or partly normalised input
// (a provisional reader, `gh run view --log` output, logs pasted by users).
type marks struct {
	errorMarker bool   // GitHub Actions "##[error]"
	stepStart   bool   // a "##[group]" header or a Travis fold start
	stepName    string // the step's name when stepStart is set (may be empty)
	headerGroup bool   // the group is a GitHub Actions step header ("##[group]Run …")
	groupEnd    bool   // "##[endgroup]"
}

var (
	ghaError   = []byte("##[error]")
	ghaPrefix  = []byte("##[")
	ghaGroup   = []byte("##[group]")
	travisFold = []byte("travis_fold:")
	travisTime = []byte("travis_time:")
)

// cleanLine returns text without CI timestamps and markers (it may return a subslice of text and
// never modifies it) and what the markers said.
func cleanLine(text []byte) ([]byte, marks) {
	var m marks
	text = stripRunViewPrefix(text)
	text = logs.StripTimestamp(text)
	if bytes.HasPrefix(text, ghaPrefix) {
		end := bytes.IndexByte(text, ']')
		if end > 0 {
			switch {
			case bytes.HasPrefix(text, ghaError):
				m.errorMarker = true
			case bytes.HasPrefix(text, ghaGroup):
				m.stepStart = true
				m.stepName = string(bytes.TrimSpace(text[end+1:]))
				m.headerGroup = bytes.HasPrefix(text[end+1:], []byte("Run "))
			case bytes.HasPrefix(text, []byte("##[endgroup]")):
				m.groupEnd = true
			}
			text = text[end+1:]
		}
	}
	for hasTravisMarker(text) {
		i := bytes.Index(text, travisFold)
		j := bytes.Index(text, travisTime)
		if i < 0 && j < 0 {
			break
		}
		if i >= 0 && (j < 0 || i < j) {
			rest := text[i+len(travisFold):]
			if bytes.HasPrefix(rest, []byte("start:")) {
				m.stepStart = true
				m.stepName = string(markerToken(rest[len("start:"):]))
			}
			text = joinAround(text, i, i+len(travisFold)+len(markerToken(rest)))
			continue
		}
		rest := text[j+len(travisTime):]
		text = joinAround(text, j, j+len(travisTime)+len(markerToken(rest)))
	}
	return text, m
}

// hasTravisMarker reports whether text holds "travis_", which starts both Travis markers: one
// search for its rarest byte rules out both on most lines.
func hasTravisMarker(text []byte) bool {
	for off := 0; ; {
		i := bytes.IndexByte(text[off:], '_')
		if i < 0 {
			return false
		}
		p := off + i
		if p >= 6 && string(text[p-6:p]) == "travis" {
			return true
		}
		off = p + 1
	}
}

// markerToken is the marker argument: everything up to whitespace or a carriage-return remnant.
func markerToken(b []byte) []byte {
	for i, c := range b {
		if c == ' ' || c == '\t' || c == '\r' {
			return b[:i]
		}
	}
	return b
}

// joinAround removes text[a:b]; it copies only when the removed part is not a prefix.
func joinAround(text []byte, a, b int) []byte {
	if a == 0 {
		return text[b:]
	}
	out := make([]byte, 0, len(text)-(b-a))
	out = append(out, text[:a]...)
	return append(out, text[b:]...)
}

// stripRunViewPrefix removes the "job<TAB>step<TAB>" prefix that `gh run view --log` puts before
// each timestamped GitHub Actions line.
func stripRunViewPrefix(text []byte) []byte {
	i := bytes.IndexByte(text[:min(len(text), 201)], '\t')
	if i < 0 {
		return text
	}
	j := bytes.IndexByte(text[i+1:], '\t')
	if j < 0 || j > 300 {
		return text
	}
	rest := text[i+1+j+1:]
	if logs.TimestampLen(rest) > 0 {
		return rest
	}
	return text
}
