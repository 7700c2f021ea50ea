package cause

import "bytes"

// exacts holds, for the rules that match many lines of ordinary output (warnings, "error" and
// "fail" as words), a hand-written matcher that answers exactly what the rule's regular expression
// answers, at a fraction of its cost: those expressions are unanchored alternations of words,
// which the regexp package tries at every byte of the line. TestScoreRuleMatchesReference and
// FuzzScoreRule check each against its expression.
var exacts = map[string]func(text []byte) bool{
	// `\b([Ww]arn(ing)?|WARN(ING)?)\b|[Dd]eprecat|DEPRECAT`
	"warning": func(t []byte) bool {
		return warnWords.in(t) ||
			containsAny(t, "Deprecat", "deprecat", "DEPRECAT")
	},
	"weak-words": weakWords.in,
	"could-not":  couldNotWords.in,
	// `(^|[^\w./-])([Ee]rrors?|ERRORS?)([^\w./-]|$)`
	"error-word": errorWords.in,
	// `(^|[^\w./-])([Ff]ail(ed|ure|ing)?|FAIL(ED|URE|ING)?)([^\w./-]|$)`
	"fail-word":      failWords.in,
	"exception-word": func(t []byte) bool { return containsAny(t, "Exception", "exception", "EXCEPTION") },
	"timeout": func(t []byte) bool {
		return containsAny(t, "Timed out", "timed out", "TIMED OUT", "TimeOut", "Timeout", "timeOut", "timeout",
			"TIMEOUT", "Deadline exceeded", "deadline exceeded")
	},
	// `\berror (TS|CS|FS|BC)\d+:`
	"ts-dotnet-error": tsDotnetError,
	// `(\b0 (errors?|failures?|failed)\b|[Ff]ailures: 0, [Ee]rrors: 0|[Ee]rrors: 0, [Ff]ailures: 0|
	// \b([Ff]ailed|[Ff]ailures|FAILED|[Ff]ail): 0\b)`
	"zero-failures": func(t []byte) bool {
		return zeroWords.in(t) ||
			containsAny(t, "Failures: 0, Errors: 0", "Failures: 0, errors: 0", "failures: 0, Errors: 0",
				"failures: 0, errors: 0", "Errors: 0, Failures: 0", "Errors: 0, failures: 0",
				"errors: 0, Failures: 0", "errors: 0, failures: 0")
	},
	// `^[\s*=#>!-]*(FAILED|[Ff]ailed|FAIL|FAILURE|[Ff]ailure|ERROR|[Ee]rror)[\s*=#<!.-]*$`
	"bare-verdict": func(t []byte) bool {
		t = bytes.TrimLeft(t, " \t\n\f\r*=#>!-")
		t = bytes.TrimRight(t, " \t\n\f\r*=#<!.-")
		switch string(t) {
		case "FAILED", "Failed", "failed", "FAIL", "FAILURE", "Failure", "failure", "ERROR", "Error", "error":
			return true
		}
		return false
	},
	// `^\++ ([a-z_./$\[]|\[\[)`
	"xtrace": func(t []byte) bool {
		n := 0
		for n < len(t) && t[n] == '+' {
			n++
		}
		if n == 0 || n+1 >= len(t) || t[n] != ' ' {
			return false
		}
		c := t[n+1]
		return 'a' <= c && c <= 'z' || oneOf(c, []byte("_./$["))
	},
	"werror-flag": func(t []byte) bool { return containsAny(t, "-Werror", "-Wno-error") },
	// `(\b([Ss]kipped|SKIPPED|xfailed|XFAIL|pending|ignored)\b|^SKIP\b|^\s*TODO passed)`
	"skipped": func(t []byte) bool {
		return skipWords.in(t) ||
			bytes.HasPrefix(t, []byte("SKIP")) && (len(t) == 4 || !isWordByte(t[4])) ||
			bytes.HasPrefix(trimSpaceLeft(t), []byte("TODO passed"))
	},
	// `(^\s*(✓|✔)|\bPASS(ED)?\b|^ok\s|\.\.\. ok$|\d+ passed\b)`
	"passing": func(t []byte) bool {
		l := trimSpaceLeft(t)
		return bytes.HasPrefix(l, []byte("✓")) || bytes.HasPrefix(l, []byte("✔")) ||
			passWords.in(t) ||
			bytes.HasPrefix(t, []byte("ok")) && len(t) > 2 && isSpaceRE(t[2]) ||
			bytes.HasSuffix(t, []byte("... ok")) ||
			countedPassed(t)
	},
}

// The word lists of the exact matchers above.
var (
	warnWords = newWordList(asciiBoundary, "Warn", "warn", "Warning", "warning", "WARN", "WARNING")
	weakWords = newWordList(asciiBoundary,
		"Invalid", "invalid", "Undefined", "undefined", "Unexpected", "unexpected", "Missing",
		"missing", "Denied", "denied", "Refused", "refused", "Not found", "not found", "Mismatch",
		"mismatch", "Does not", "does not", "Doesn't", "doesn't", "Not allowed", "not allowed",
		"Not supported", "not supported", "Not defined", "not defined", "Unknown", "unknown",
		"Exceeded", "exceeded", "INVALID", "UNDEFINED", "UNEXPECTED", "MISSING", "DENIED",
		"REFUSED", "NOT FOUND", "UNKNOWN")
	couldNotWords = newWordList(asciiBoundary,
		"Could not", "could not", "Couldn't", "couldn't", "Cannot", "cannot", "Can't", "can't",
		"Unable to", "unable to", "Failed to", "failed to", "COULD NOT", "CANNOT", "UNABLE TO",
		"FAILED TO")
	errorWords = newWordList(pathBoundary, "Error", "Errors", "error", "errors", "ERROR", "ERRORS")
	failWords  = newWordList(pathBoundary,
		"Fail", "Failed", "Failure", "Failing", "fail", "failed", "failure", "failing", "FAIL",
		"FAILED", "FAILURE", "FAILING")
	zeroWords = newWordList(asciiBoundary,
		"0 error", "0 errors", "0 failure", "0 failures", "0 failed", "Failed: 0", "failed: 0",
		"Failures: 0", "failures: 0", "FAILED: 0", "Fail: 0", "fail: 0")
	skipWords = newWordList(asciiBoundary, "Skipped", "skipped", "SKIPPED", "xfailed", "XFAIL", "pending", "ignored")
	passWords = newWordList(asciiBoundary, "PASS", "PASSED")
)

// isWordByte is the regular expressions' \w ([0-9A-Za-z_]).
func isWordByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}

// A boundary says whether the byte next to a word (beside) allows the word there.
type boundary func(beside byte) bool

// asciiBoundary is \b next to a word that starts and ends with a word byte: the byte beside is not
// a word byte. Bytes of multi-byte characters are not word bytes, as in the regexp package.
func asciiBoundary(c byte) bool { return !isWordByte(c) }

// pathBoundary is [^\w./-]: the word is not part of an identifier, path or file name.
func pathBoundary(c byte) bool { return !isWordByte(c) && c != '.' && c != '/' && c != '-' }

// wordList finds whether one of its words occurs in a line with a boundary on both sides (the
// start and the end of the line always are one). It reads the line once: a word can start only
// where the boundary allows it and only with one of the words' first bytes, which rules out
// almost every position with two table look-ups. One search per word costs several times more
// on the long alternations ("weak-words" has 38 words), and no less on short ones.
type wordList struct {
	bound    [256]bool  // the bytes bound allows beside a word
	first    [256]uint8 // 1 + the index in groups of the words starting with a byte, 0 for none
	groups   [][]string
	shortest int
}

func newWordList(bound boundary, ws ...string) *wordList {
	w := &wordList{shortest: len(ws[0])}
	for c := range 256 {
		w.bound[c] = bound(byte(c))
	}
	for _, word := range ws {
		c := word[0]
		if w.first[c] == 0 {
			w.groups = append(w.groups, nil)
			w.first[c] = uint8(len(w.groups))
		}
		w.groups[w.first[c]-1] = append(w.groups[w.first[c]-1], word)
		w.shortest = min(w.shortest, len(word))
	}
	return w
}

// in reports whether one of the words occurs in t with the boundary on both sides.
func (w *wordList) in(t []byte) bool {
	atStart := true // t[i-1] allows a word to start at i
	for i := 0; i+w.shortest <= len(t); i++ {
		c := t[i]
		if g := w.first[c]; g != 0 && atStart {
			for _, word := range w.groups[g-1] {
				e := i + len(word)
				if e <= len(t) && string(t[i:e]) == word && (e == len(t) || w.bound[t[e]]) {
					return true
				}
			}
		}
		atStart = w.bound[c]
	}
	return false
}

// containsAny reports whether one of lits occurs in t.
func containsAny(t []byte, lits ...string) bool {
	for _, l := range lits {
		if bytes.Contains(t, []byte(l)) {
			return true
		}
	}
	return false
}

// tsDotnetError is `\berror (TS|CS|FS|BC)\d+:`.
func tsDotnetError(t []byte) bool {
	const w = "error "
	for off := 0; ; {
		i := bytes.Index(t[off:], []byte(w))
		if i < 0 {
			return false
		}
		p := off + i
		off = p + 1
		if p > 0 && isWordByte(t[p-1]) {
			continue
		}
		r := t[p+len(w):]
		if len(r) < 4 {
			continue
		}
		switch string(r[:2]) {
		case "TS", "CS", "FS", "BC":
		default:
			continue
		}
		d := 2
		for d < len(r) && '0' <= r[d] && r[d] <= '9' {
			d++
		}
		if d > 2 && d < len(r) && r[d] == ':' {
			return true
		}
	}
}

// countedPassed is `\d+ passed\b`.
func countedPassed(t []byte) bool {
	const w = " passed"
	for off := 0; ; {
		i := bytes.Index(t[off:], []byte(w))
		if i < 0 {
			return false
		}
		p, e := off+i, off+i+len(w)
		if p > 0 && '0' <= t[p-1] && t[p-1] <= '9' && (e == len(t) || !isWordByte(t[e])) {
			return true
		}
		off = p + 1
	}
}
