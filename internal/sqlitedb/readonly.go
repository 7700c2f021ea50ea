package sqlitedb

import (
	"strings"
	"unicode"
)

// readOnly reports whether a statement outside a transaction can run without the writer slot.
// It must never call a write read-only (the write would then wait in SQLite's busy handler, or
// fail); calling a read a write only costs a turn in the queue. So: SELECT, or a WITH whose text
// names no writing keyword, is a read; everything else (PRAGMA included) takes the slot.
func readOnly(query string) bool {
	first, rest := firstWord(query)
	switch first {
	case "SELECT":
		return !hasWord(rest, "RETURNING")
	case "WITH":
		for _, w := range []string{"INSERT", "UPDATE", "DELETE", "REPLACE", "RETURNING"} {
			if hasWord(rest, w) {
				return false
			}
		}
		return true
	}
	return false
}

// firstWord skips white space and comments and returns the first keyword in upper case, with the
// text after it.
func firstWord(q string) (string, string) {
	for {
		q = strings.TrimLeftFunc(q, unicode.IsSpace)
		switch {
		case strings.HasPrefix(q, "--"):
			i := strings.IndexByte(q, '\n')
			if i < 0 {
				return "", ""
			}
			q = q[i+1:]
		case strings.HasPrefix(q, "/*"):
			i := strings.Index(q[2:], "*/")
			if i < 0 {
				return "", ""
			}
			q = q[i+4:]
		default:
			end := strings.IndexFunc(q, func(r rune) bool { return !unicode.IsLetter(r) })
			if end < 0 {
				end = len(q)
			}
			return strings.ToUpper(q[:end]), q[end:]
		}
	}
}

// hasWord reports whether w (upper case) occurs in s as a whole word, in any case.
func hasWord(s, w string) bool {
	u := strings.ToUpper(s)
	for i := 0; ; {
		j := strings.Index(u[i:], w)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(w)
		if (j == 0 || !isWordByte(u[j-1])) && (end == len(u) || !isWordByte(u[end])) {
			return true
		}
		i = j + 1
	}
}

func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= 0x80
}
