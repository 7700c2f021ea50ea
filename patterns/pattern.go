// Package patterns holds the curated failure patterns totto scans CI logs with: the pattern model,
// the YAML file format, validation, importers from other tools' catalogues, and the multi-pattern
// matcher that finds every match in a streamed log.
package patterns

// Kind says how a pattern's expression is interpreted.
type Kind string

const (
	// Regex expressions use Go RE2 syntax and are applied to one normalised line at a time.
	Regex Kind = "regex"
	// Literal expressions are exact, case-sensitive substrings of a line.
	Literal Kind = "literal"
)

// Well-known tags. Tags are free-form; these are the ones triage gives meaning to.
const (
	TagFlaky        = "flaky"
	TagKnownProblem = "known-problem"
	TagInfra        = "infra"
)

// Pattern is one curated, labelled failure signature. The expression is immutable once a pattern
// has an ID: editing it retires the pattern and creates a new one, so a per-log "highest pattern
// id scanned" watermark stays valid.
type Pattern struct {
	// ID is stable once stored; 0 for patterns not (yet) stored. Loaders assign ids by file order
	// (1, 2, …) so that un-stored pattern sets still have distinct ids.
	ID          int64    `json:"id,omitempty" yaml:"-"`
	Name        string   `json:"name" yaml:"name"`
	Kind        Kind     `json:"kind" yaml:"-"`
	Expr        string   `json:"expression" yaml:"-"`
	Tags        []string `json:"tags,omitempty" yaml:"tags,omitempty"`
	Description string   `json:"description,omitempty" yaml:"description,omitempty"`
	// Priority: higher wins when several patterns match one log. Default 0.
	Priority int `json:"priority,omitempty" yaml:"priority,omitempty"`
	// Jobs and Steps are glob scopes (path.Match syntax); empty means every job / step.
	Jobs  []string `json:"jobs,omitempty" yaml:"jobs,omitempty"`
	Steps []string `json:"steps,omitempty" yaml:"steps,omitempty"`
	// LastLines restricts matches to the last N lines of the log; 0 means the whole log.
	LastLines int `json:"last_lines,omitempty" yaml:"last_lines,omitempty"`
	// Then, when set, makes this a multi-line pattern: a line matching the expression counts only
	// if a later line within Then.Within lines matches Then's expression too.
	Then *Then `json:"then,omitempty" yaml:"-"`
	// Source says where the pattern came from: "builtin:<pack>", "repo:<path>", "ui", "import:<tool>", or a file path.
	Source string `json:"source,omitempty" yaml:"-"`
}

// Then is the second expression of a multi-line pattern (`then: {regex|literal, within: K}` in
// the file): it must match one of the K lines after the line the pattern's own expression
// matched. Signatures that span lines (an error and the cause printed under it, a test name and
// its assertion) are told apart from their single lines this way.
type Then struct {
	Kind   Kind   `json:"kind"`
	Expr   string `json:"expression"`
	Within int    `json:"within"`
}

// MaxThenWithin bounds a multi-line pattern's window: the scan keeps each pattern's unanswered
// first lines for that many lines, so the window bounds its memory.
const MaxThenWithin = 1000

// HasTag reports whether the pattern carries tag t.
func (p *Pattern) HasTag(t string) bool {
	for _, x := range p.Tags {
		if x == t {
			return true
		}
	}
	return false
}

// Match is one occurrence of a pattern in a normalised log. The line text is kept with the match
// so that it can be shown even after the log itself has expired.
type Match struct {
	PatternID int64    `json:"pattern_id"`
	Pattern   string   `json:"pattern"`
	Tags      []string `json:"tags"`
	Priority  int      `json:"-"`
	// Line is the 1-based line number in the normalised log (see logs.Reader for the numbering).
	Line int `json:"line"`
	// Start and End are the byte span of the match within the line text.
	Start int `json:"start"`
	End   int `json:"end"`
	// Captures are the regex's capture groups (empty for literals and group-less regexes).
	Captures []string `json:"captures,omitempty"`
	Text     string   `json:"text"`
	// ThenLine is the line a multi-line pattern's second expression matched (0 for single-line
	// patterns); the match itself is on the first line.
	ThenLine int `json:"then_line,omitempty"`
	// Truncated is set when the line was longer than the scan limit and only a prefix was scanned.
	Truncated bool `json:"truncated,omitempty"`
}
