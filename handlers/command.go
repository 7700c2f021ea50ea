package handlers

// CommandKind says what a /totto slash command asks for.
type CommandKind int

// The slash commands. CommandNone is the zero value: the line was not a command.
const (
	CommandNone CommandKind = iota
	// CommandKnownBroken opens a known-broken annotation for a job glob from this commit on.
	CommandKnownBroken
	// CommandFixed closes the open known-broken annotation of a job glob at this commit.
	CommandFixed
	// CommandRescan re-classifies the commit's failures.
	CommandRescan
	// CommandHelp asks for the list of commands.
	CommandHelp
	// CommandInvalid is a /totto line that could not be understood; Message says why.
	CommandInvalid
)

// String is the kind as written in logs and replies.
func (k CommandKind) String() string {
	switch k {
	case CommandNone:
		return "none"
	case CommandKnownBroken:
		return "known-broken"
	case CommandFixed:
		return "fixed"
	case CommandRescan:
		return "rescan"
	case CommandHelp:
		return "help"
	case CommandInvalid:
		return "invalid"
	}
	return "unknown"
}

// Command is one /totto command found in a comment, ready for the handler to check permissions
// and act on it.
type Command struct {
	Kind CommandKind
	// Job is the job-name glob of known-broken and fixed, unquoted.
	Job string
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
	"- `/totto known-broken JOB [reason…]`: mark JOB broken from this commit on, so its failures stop counting against pull requests (JOB may be a glob like `lint*`; quote it if it has spaces: `\"build (ubuntu, 3.11)\"`).\n" +
	"- `/totto fixed JOB`: end JOB's known-broken range at this commit.\n" +
	"- `/totto rescan`: classify this commit's failures again.\n" +
	"- `/totto help`: show this list.\n\n" +
	"Commands in code blocks, indented code, quotes and HTML comments are ignored."
