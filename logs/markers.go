package logs

import "bytes"

// GitHub Actions names for the implicit steps a job log does not announce with a "Run " header;
// the UI shows them under these names, so patterns can scope to them.
const (
	stepSetUpJob      = "Set up job"
	stepInitContainer = "Initialize containers"
	stepPostJob       = "Post job cleanup."
	stepCompleteJob   = "Complete job"
)

var (
	markerPrefix   = []byte("##[")
	commandPrefix  = []byte("[command]")
	runPrefix      = []byte("Run ")
	postJobLine    = []byte(stepPostJob)
	orphanLine     = []byte("Cleaning up orphan processes")
	dockerVersion  = []byte("Checking docker version")
	foldStart      = []byte("travis_fold:start:")
	foldEnd        = []byte("travis_fold:end:")
	travisTime     = []byte("travis_time:")
	travisPrefix   = []byte("travis_")
	markerGroup    = "group"
	markerEndGroup = "endgroup"
	markerError    = "error"
)

// markerStart marks the bytes a marked line can start with: a timestamp digit, "##[" or
// "travis_"; other lines skip marker parsing entirely.
var markerStart = [256]bool{'0': true, '1': true, '2': true, '3': true, '4': true, '5': true,
	'6': true, '7': true, '8': true, '9': true, '#': true, 't': true}

// stepState follows the step structure announced by CI markers across lines.
type stepState struct {
	step      string
	gha       bool // a GitHub Actions timestamp was seen: StepIndex is meaningful
	stepIndex int
	stepRaw   int // RawLine of the current step's first line
	fold      string
	section   string // the open "##[group]" within the step ("" when none)
	ending    bool   // this line ends the section
}

// apply strips the CI markers of one line, records what they say in line and in the state, and
// returns the remaining text.
func (s *stepState) apply(text []byte, line *Line, format Format) []byte {
	if len(text) == 0 {
		s.number(line)
		return text
	}
	if format != FormatTravis {
		text = s.applyGitHub(text, line, format == FormatGitHubActions)
	}
	if format != FormatGitHubActions && bytes.HasPrefix(text, travisPrefix) {
		text = s.applyTravis(text)
	}
	s.number(line)
	return text
}

// applyGitHub strips a GitHub Actions timestamp and "##[name]" marker.
func (s *stepState) applyGitHub(text []byte, line *Line, known bool) []byte {
	stamped := false
	if n := timestampLen(text); n > 0 {
		text = text[n:]
		s.gha, stamped = true, true
	}
	if bytes.HasPrefix(text, markerPrefix) {
		name, rest, ok := markerName(text)
		if !ok {
			return text
		}
		switch string(name) { // no allocation: the compiler compares in place
		case markerGroup:
			s.group(rest, line.RawLine)
		case markerEndGroup:
			s.ending = s.section != ""
		case markerError:
			line.ErrorMarker = true
		}
		return rest
	}
	if (stamped || known) && bytes.HasPrefix(text, commandPrefix) {
		return text[len(commandPrefix):]
	}
	if s.gha {
		switch {
		case bytes.Equal(text, postJobLine):
			s.newStep(stepPostJob, line.RawLine)
		case bytes.Equal(text, orphanLine) && s.step != stepCompleteJob:
			s.newStep(stepCompleteJob, line.RawLine)
		}
	}
	return text
}

// group handles a "##[group]TITLE" line: a "Run " title is a step header, and the first
// "Checking docker version" group opens the implicit container step; any other group is a
// section inside the current step (GitHub Actions groups do not nest, and user groups appear
// inside steps), so it leaves the step alone. Every group, the header's too, is the section its
// lines belong to until its "##[endgroup]".
func (s *stepState) group(title []byte, raw int) {
	switch {
	case bytes.HasPrefix(title, runPrefix):
		name := s.step
		if string(title) != name { // allocate only for a new name
			name = string(title)
		}
		s.newStep(name, raw)
	case bytes.Equal(title, dockerVersion) && s.stepIndex <= 1:
		s.newStep(stepInitContainer, raw)
	}
	if string(title) != s.section { // allocate only for a new title
		s.section = string(title)
	}
	s.ending = false
}

// newStep starts the next GitHub Actions step; "Set up job" is always step 1.
func (s *stepState) newStep(name string, raw int) {
	s.gha = true
	if s.stepIndex == 0 {
		s.stepIndex = 1
	}
	s.stepIndex++
	s.step, s.section = name, "" // a group does not outlive its step
	s.stepRaw = raw
}

// number sets StepIndex and StepLine once the log is known to be a GitHub Actions job log.
func (s *stepState) number(line *Line) {
	if !s.gha {
		return
	}
	if s.stepIndex == 0 {
		s.stepIndex, s.step, s.stepRaw = 1, stepSetUpJob, line.RawLine
	}
	line.StepIndex = s.stepIndex
	line.StepLine = line.RawLine - s.stepRaw + 1
}

// applyTravis removes a travis_fold or travis_time marker (always a whole piece in real logs,
// ended by "\r" and followed by ESC[0K) and follows fold names as the step.
func (s *stepState) applyTravis(text []byte) []byte {
	var rest []byte
	switch {
	case bytes.HasPrefix(text, foldStart):
		name, r := token(text[len(foldStart):])
		if s.fold != string(name) {
			s.fold = string(name)
		}
		s.step, rest = s.fold, r
	case bytes.HasPrefix(text, foldEnd):
		name, r := token(text[len(foldEnd):])
		if string(name) == s.fold {
			s.fold, s.step = "", ""
		}
		rest = r
	case bytes.HasPrefix(text, travisTime):
		_, rest = token(text[len(travisTime):])
	default:
		return text
	}
	return rest
}

// token splits b at its first space or tab, dropping that separator.
func token(b []byte) (tok, rest []byte) {
	i := bytes.IndexAny(b, " \t")
	if i < 0 {
		return b, b[len(b):]
	}
	return b[:i], b[i+1:]
}

// markerName parses "##[name]rest" with name made of lower-case letters and '-'.
func markerName(text []byte) (name, rest []byte, ok bool) {
	for i := len(markerPrefix); i < len(text) && i < 32; i++ {
		c := text[i]
		if c == ']' {
			if i == len(markerPrefix) {
				return nil, text, false
			}
			return text[len(markerPrefix):i], text[i+1:], true
		}
		if (c < 'a' || c > 'z') && c != '-' {
			return nil, text, false
		}
	}
	return nil, text, false
}

// timestampLen returns the length of a GitHub Actions "2024-01-02T03:04:05.1234567Z " prefix
// (the space may be missing on an empty line), or 0.
func timestampLen(b []byte) int {
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' {
		return 0
	}
	for _, k := range [...]int{0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18} {
		if b[k] < '0' || b[k] > '9' {
			return 0
		}
	}
	i := 19
	if b[i] == '.' {
		i++
		for i < len(b) && i < 40 && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i >= len(b) || b[i] != 'Z' {
		return 0
	}
	i++
	if i == len(b) {
		return i
	}
	if b[i] != ' ' {
		return 0
	}
	return i + 1
}
