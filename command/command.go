package command

// Kind says what a /totto slash command asks for.
type Kind int

// The slash commands. None is the zero value: the line was not a command.
const (
	None Kind = iota
	// KnownBroken opens a known-broken annotation for a job glob from this commit on.
	KnownBroken
	// Fixed closes the open known-broken annotation of a job glob at this commit.
	Fixed
	// Rescan re-classifies the commit's failures.
	Rescan
	// Help asks for the list of commands.
	Help
	// Invalid is a /totto line that could not be understood; Message says why.
	Invalid
)

// String is the kind as written in logs and replies.
func (k Kind) String() string {
	switch k {
	case None:
		return "none"
	case KnownBroken:
		return "known-broken"
	case Fixed:
		return "fixed"
	case Rescan:
		return "rescan"
	case Help:
		return "help"
	case Invalid:
		return "invalid"
	}
	return "unknown"
}

// Command is one /totto command found in a comment, ready for the handler to check permissions
// and act on it.
type Command struct {
	Kind Kind
	// Job is the job-name glob of known-broken and fixed, unquoted.
	Job string
	// Commit is the COMMIT of known-broken and fixed's optional "at COMMIT", as written (a full
	// or short SHA); empty means the commit the comment is on.
	Commit string
	// Reason is the free text after the job of known-broken, as written (it often links an issue).
	Reason string
	// Message is the reply for an invalid command: what was wrong, in one sentence of markdown
	// whose every fragment of the comment is an inert code span (triage.InertCode).
	Message string
	// Help is HelpText for help and invalid commands (the handler replies with it), else empty.
	Help string
	// Line is the 1-based line of the comment the command is on.
	Line int
}

// HelpText is the reply to /totto help and the tail of the reply to a command totto did not
// understand.
const HelpText = "totto understands these commands, one per line, at the start of the line:\n\n" +
	"- `/totto known-broken JOB [at COMMIT] [reason…]`: mark JOB broken from this commit (or COMMIT, a full or short SHA) on, so its failures stop counting against pull requests (JOB may be a glob like `lint*`; quote it if it has spaces: `\"build (ubuntu, 3.11)\"`).\n" +
	"- `/totto fixed JOB [at COMMIT]`: end JOB's known-broken range at this commit (or COMMIT).\n" +
	"- `/totto rescan`: classify this commit's failures again.\n" +
	"- `/totto help`: show this list.\n\n" +
	"Commands in code blocks, indented code, quotes and HTML comments are ignored."
