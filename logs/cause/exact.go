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
		return hasWord(t, asciiBoundary, "Warn", "warn", "Warning", "warning", "WARN", "WARNING") ||
			containsAny(t, "Deprecat", "deprecat", "DEPRECAT")
	},
	"weak-words": func(t []byte) bool {
		return hasWord(t, asciiBoundary,
			"Invalid", "invalid", "Undefined", "undefined", "Unexpected", "unexpected",
			"Missing", "missing", "Denied", "denied", "Refused", "refused", "Not found", "not found",
			"Mismatch", "mismatch", "Does not", "does not", "Doesn't", "doesn't",
			"Not allowed", "not allowed", "Not supported", "not supported", "Not defined", "not defined",
			"Unknown", "unknown", "Exceeded", "exceeded",
			"INVALID", "UNDEFINED", "UNEXPECTED", "MISSING", "DENIED", "REFUSED", "NOT FOUND", "UNKNOWN")
	},
	"could-not": func(t []byte) bool {
		return hasWord(t, asciiBoundary,
			"Could not", "could not", "Couldn't", "couldn't", "Cannot", "cannot", "Can't", "can't",
			"Unable to", "unable to", "Failed to", "failed to", "COULD NOT", "CANNOT", "UNABLE TO", "FAILED TO")
	},
	// `(^|[^\w./-])([Ee]rrors?|ERRORS?)([^\w./-]|$)`
	"error-word": func(t []byte) bool {
		return hasWord(t, pathBoundary, "Error", "Errors", "error", "errors", "ERROR", "ERRORS")
	},
	// `(^|[^\w./-])([Ff]ail(ed|ure|ing)?|FAIL(ED|URE|ING)?)([^\w./-]|$)`
	"fail-word": func(t []byte) bool {
		return hasWord(t, pathBoundary,
			"Fail", "Failed", "Failure", "Failing", "fail", "failed", "failure", "failing",
			"FAIL", "FAILED", "FAILURE", "FAILING")
	},
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
		return hasWord(t, asciiBoundary, "0 error", "0 errors", "0 failure", "0 failures", "0 failed",
			"Failed: 0", "failed: 0", "Failures: 0", "failures: 0", "FAILED: 0", "Fail: 0", "fail: 0") ||
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
		return hasWord(t, asciiBoundary, "Skipped", "skipped", "SKIPPED", "xfailed", "XFAIL", "pending", "ignored") ||
			bytes.HasPrefix(t, []byte("SKIP")) && (len(t) == 4 || !isWordByte(t[4])) ||
			bytes.HasPrefix(trimSpaceLeft(t), []byte("TODO passed"))
	},
	// `(^\s*(✓|✔)|\bPASS(ED)?\b|^ok\s|\.\.\. ok$|\d+ passed\b)`
	"passing": func(t []byte) bool {
		l := trimSpaceLeft(t)
		return bytes.HasPrefix(l, []byte("✓")) || bytes.HasPrefix(l, []byte("✔")) ||
			hasWord(t, asciiBoundary, "PASS", "PASSED") ||
			bytes.HasPrefix(t, []byte("ok")) && len(t) > 2 && isSpaceRE(t[2]) ||
			bytes.HasSuffix(t, []byte("... ok")) ||
			countedPassed(t)
	},
}

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

// hasWord reports whether one of words occurs in t with bound satisfied on both sides (the start
// and the end of t always are).
func hasWord(t []byte, bound boundary, words ...string) bool {
	for _, w := range words {
		for off := 0; off+len(w) <= len(t); {
			i := bytes.Index(t[off:], []byte(w))
			if i < 0 {
				break
			}
			p, e := off+i, off+i+len(w)
			if (p == 0 || bound(t[p-1])) && (e == len(t) || bound(t[e])) {
				return true
			}
			off = p + 1
		}
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
