package command

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/totto-ci/totto/triage"
)

// Bounds on what Parse looks at, so a huge or hostile comment costs a bounded amount of work.
const (
	// MaxCommentBytes is how much of a comment body is read (GitHub allows 65,536 characters, at
	// most 4 bytes each).
	MaxCommentBytes = 256 << 10
	// MaxCommentLines is how many lines of a comment are read.
	MaxCommentLines = 5000
	// MaxCommands is how many commands one comment may carry; later ones are ignored.
	MaxCommands = 10
	// MaxJobBytes and MaxReasonBytes bound a command's arguments.
	MaxJobBytes    = 256
	MaxReasonBytes = 1024
	// MaxCommitBytes bounds the COMMIT of "at COMMIT": the length of a SHA-256 commit id.
	MaxCommitBytes = 64
)

// Prefix starts every command line.
const Prefix = "/totto"

// Parse finds the /totto commands in a pull-request or commit comment body.
//
// A command is a line whose first non-blank text (at most three spaces of indentation) is
// "/totto". Lines in fenced code blocks (``` or ~~~), indented code (four spaces or a tab),
// block quotes (">") and HTML comments are ignored, so quoting or documenting a command never runs
// it. Every command in the comment is returned, in order, up to MaxCommands: a maintainer may mark
// several jobs at once, one per line. Only the first MaxCommentLines lines and MaxCommentBytes
// bytes are read (a line cut by the byte limit is dropped, not parsed half). A comment without
// commands returns nil.
func Parse(body string) []Command {
	truncated := false
	if len(body) > MaxCommentBytes {
		body = body[:MaxCommentBytes]
		truncated = true
	}
	var (
		cmds      []Command
		fenceChar byte
		fenceLen  int
		inComment bool
	)
	for lineNo := 1; lineNo <= MaxCommentLines && len(cmds) < MaxCommands; lineNo++ {
		line, rest, found := strings.Cut(body, "\n")
		if !found && truncated {
			break
		}
		body = rest
		line = strings.TrimSuffix(line, "\r")
		switch {
		case fenceLen > 0:
			if closesFence(line, fenceChar, fenceLen) {
				fenceLen = 0
			}
		case inComment:
			inComment = !strings.Contains(line, "-->")
		default:
			indent, text := splitIndent(line)
			switch {
			case indent >= 4:
				// Indented code (or a paragraph continuation): never a command.
			case strings.HasPrefix(text, ">"):
				// Block quote: somebody quoting a command.
			case strings.HasPrefix(text, "<!--"):
				inComment = !strings.Contains(text[4:], "-->")
			default:
				if c, n, ok := opensFence(text); ok {
					fenceChar, fenceLen = c, n
				} else if cmd := ParseLine(text); cmd.Kind != None {
					cmd.Line = lineNo
					cmds = append(cmds, cmd)
				}
			}
		}
		if !found {
			break
		}
	}
	return cmds
}

// splitIndent returns a line's indentation width (a tab advances to the next multiple of 4) and
// the text after it.
func splitIndent(line string) (int, string) {
	w := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case ' ':
			w++
		case '\t':
			w += 4 - w%4
		default:
			return w, line[i:]
		}
	}
	return w, ""
}

// opensFence reports whether text (already unindented) opens a fenced code block, and its fence.
func opensFence(text string) (byte, int, bool) {
	if len(text) < 3 || (text[0] != '`' && text[0] != '~') {
		return 0, 0, false
	}
	c := text[0]
	n := 0
	for n < len(text) && text[n] == c {
		n++
	}
	if n < 3 || (c == '`' && strings.IndexByte(text[n:], '`') >= 0) {
		// A backtick fence's info string cannot hold backticks: ```x``` is inline code.
		return 0, 0, false
	}
	return c, n, true
}

// closesFence reports whether line closes a fence of at least n characters c.
func closesFence(line string, c byte, n int) bool {
	indent, text := splitIndent(line)
	if indent >= 4 {
		return false
	}
	k := 0
	for k < len(text) && text[k] == c {
		k++
	}
	return k >= n && strings.TrimSpace(text[k:]) == ""
}

// ParseLine parses one line of a comment with any indentation removed. It returns None when
// the line is not a /totto command, so Parse and tests share one definition of a command.
func ParseLine(line string) Command {
	line = strings.TrimSpace(line)
	if len(line) < len(Prefix) || !strings.EqualFold(line[:len(Prefix)], Prefix) {
		return Command{}
	}
	args := line[len(Prefix):]
	if args != "" {
		r, _ := utf8.DecodeRuneInString(args)
		if !unicode.IsSpace(r) {
			// "/tottox" or "/totto-bot" is somebody else's command.
			return Command{}
		}
	}
	args = strings.TrimSpace(args)
	sub, args := cutWord(args)
	switch strings.ToLower(sub) {
	case "", "help":
		if args != "" {
			return invalid("help takes no arguments")
		}
		return Command{Kind: Help, Help: HelpText}
	case "rescan":
		if args != "" {
			return invalid("rescan takes no arguments, got " + triage.InertCode(clipText(args, 40)))
		}
		return Command{Kind: Rescan}
	case "known-broken":
		job, reason, err := jobArg(args)
		if err != nil {
			return invalid("known-broken: " + err.Error())
		}
		commit, reason, err := commitArg(reason)
		if err != nil {
			return invalid("known-broken: " + err.Error())
		}
		reason = strings.TrimSpace(reason)
		if len(reason) > MaxReasonBytes {
			return invalid(fmt.Sprintf("known-broken: the reason is %d bytes long; at most %d are kept", len(reason), MaxReasonBytes))
		}
		return Command{Kind: KnownBroken, Job: job, Commit: commit, Reason: reason}
	case "fixed":
		job, extra, err := jobArg(args)
		if err != nil {
			return invalid("fixed: " + err.Error())
		}
		commit, extra, err := commitArg(extra)
		if err != nil {
			return invalid("fixed: " + err.Error())
		}
		if strings.TrimSpace(extra) != "" {
			return invalid("fixed takes one JOB and an optional " + triage.InertCode("at COMMIT") + ", got more after " + triage.InertCode(job) + "; quote a job name with spaces")
		}
		return Command{Kind: Fixed, Job: job, Commit: commit}
	default:
		return invalid("unknown command " + triage.InertCode(clipText(sub, 40)))
	}
}

// commitArg takes an optional "at COMMIT" off the front of args. The commit is kept as written
// (clipped to MaxCommitBytes); the pipeline resolves it against the repository's commits, which
// is where a short or unknown SHA is refused.
func commitArg(args string) (commit, rest string, err error) {
	word, after := cutWord(strings.TrimSpace(args))
	if !strings.EqualFold(word, "at") {
		return "", args, nil
	}
	commit, rest = cutWord(after)
	if commit == "" {
		return "", "", fmt.Errorf("%s needs a commit SHA after it", triage.InertCode("at"))
	}
	if len(commit) > MaxCommitBytes {
		return "", "", fmt.Errorf("the commit after %s is %d bytes long; a SHA has at most %d hex digits", triage.InertCode("at"), len(commit), MaxCommitBytes)
	}
	return commit, rest, nil
}

func invalid(msg string) Command {
	return Command{Kind: Invalid, Message: msg, Help: HelpText}
}

// cutWord splits off the first whitespace-separated word.
func cutWord(s string) (string, string) {
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimLeftFunc(s[i:], unicode.IsSpace)
}

// jobArg reads the JOB argument: a word, or text in double quotes (with \" and \\ escapes), single
// quotes or backticks, for job names with spaces like "build (ubuntu, 3.11)".
func jobArg(args string) (job, rest string, err error) {
	if args == "" {
		return "", "", fmt.Errorf("missing JOB")
	}
	switch q := args[0]; q {
	case '"', '\'', '`':
		var b strings.Builder
		closed := false
		i := 1
		for ; i < len(args); i++ {
			c := args[i]
			if q == '"' && c == '\\' && i+1 < len(args) && (args[i+1] == '"' || args[i+1] == '\\') {
				b.WriteByte(args[i+1])
				i++
				continue
			}
			if c == q {
				closed = true
				i++
				break
			}
			b.WriteByte(c)
		}
		if !closed {
			return "", "", fmt.Errorf("JOB %s has no closing %s", triage.InertCode(clipText(args, 40)), triage.InertCode(string(q)))
		}
		job, rest = b.String(), args[i:]
		if rest != "" {
			r, _ := utf8.DecodeRuneInString(rest)
			if !unicode.IsSpace(r) {
				return "", "", fmt.Errorf("JOB %s: expected a space after the closing %s", triage.InertCode(clipText(args, 40)), triage.InertCode(string(q)))
			}
		}
	default:
		job, rest = cutWord(args)
	}
	job = strings.TrimSpace(job)
	switch {
	case job == "":
		return "", "", fmt.Errorf("JOB is empty")
	case len(job) > MaxJobBytes:
		return "", "", fmt.Errorf("JOB is %d bytes long; at most %d", len(job), MaxJobBytes)
	case triage.CheckJobGlob(job) != nil:
		return "", "", fmt.Errorf("JOB %s contains control characters, bidirectional controls or invalid UTF-8", triage.InertCode(clipText(job, 40)))
	}
	return job, rest, nil
}

// clipText shortens s for quoting in a message.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
