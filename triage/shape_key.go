package triage

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// ShapeKey names a failure across logs: a hash of the shape (MaskLine) of its cause line, so the
// same failure with another port, temp path or duration has one shape key, short and fixed-length
// enough to index; "" for a blank line. The store keeps it per log (store.FailureHistories).
func ShapeKey(causeLine string) string {
	if strings.TrimSpace(causeLine) == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(MaskLine(causeLine)))
	return hex.EncodeToString(sum[:16])
}
