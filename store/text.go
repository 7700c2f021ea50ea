package store

import "strings"

// CleanText makes log text storable in any database: invalid UTF-8 becomes U+FFFD and NUL bytes
// (which Postgres rejects in text) become U+2400 "␀", so a binary or mis-encoded log is stored
// and shown rather than failing the scan.
func CleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "\u2400")
	}
	return s
}
