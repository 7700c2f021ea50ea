package triage

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// OutputHash identifies a rendered output, so the caller can store it with the check run and skip
// the GitHub API call when a re-triage renders the same thing.
func OutputHash(o Output) string {
	h := sha256.New()
	for _, s := range []string{o.Title, o.Summary, o.Text, o.Conclusion} {
		// Length-prefixed, so moving text between fields changes the hash.
		h.Write([]byte(strconv.Itoa(len(s)) + ":"))
		h.Write([]byte(s))
	}
	return hex.EncodeToString(h.Sum(nil))
}
