package web

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// SessionKeySize is the length of the key that protects sessions (an AES-256 key).
const SessionKeySize = 32

// ParseSessionKey reads server.session_key (64 hex digits, or 32 bytes in standard or URL-safe
// base64). Every process behind one load balancer must share it, so that a session made by one
// is usable on another and after a restart. An empty value returns nil: New then makes a key for
// this process alone.
func ParseSessionKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if b, err := hex.DecodeString(s); err == nil && len(b) == SessionKeySize {
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == SessionKeySize {
			return b, nil
		}
	}
	return nil, fmt.Errorf("session key (%d characters) is not %d bytes in hex or base64; make one with `openssl rand -hex 32`", len(s), SessionKeySize)
}

// sessionCrypto seals the user's GitHub token for storage and derives the CSRF token of a
// session, both from the one configured key (through separate derived keys).
type sessionCrypto struct {
	aead cipher.AEAD
	csrf []byte
}

func newSessionCrypto(key []byte) (*sessionCrypto, error) {
	if len(key) == 0 {
		key = make([]byte, SessionKeySize)
		_, _ = rand.Read(key) // crypto/rand.Read never fails on supported platforms
	}
	if len(key) != SessionKeySize {
		return nil, fmt.Errorf("web: session key is %d bytes, want %d", len(key), SessionKeySize)
	}
	enc, err := hkdf.Key(sha256.New, key, nil, "totto web session token", 32)
	if err != nil {
		return nil, fmt.Errorf("web: derive the token key: %w", err)
	}
	csrf, err := hkdf.Key(sha256.New, key, nil, "totto web csrf", 32)
	if err != nil {
		return nil, fmt.Errorf("web: derive the CSRF key: %w", err)
	}
	block, err := aes.NewCipher(enc)
	if err != nil {
		return nil, fmt.Errorf("web: token cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("web: token cipher: %w", err)
	}
	return &sessionCrypto{aead: aead, csrf: csrf}, nil
}

// seal encrypts a token for the session id (the id is authenticated data: a sealed token copied
// into another session's row does not open there). An empty token seals to nil.
func (c *sessionCrypto) seal(id, token string) []byte {
	if token == "" {
		return nil
	}
	nonce := make([]byte, c.aead.NonceSize(), c.aead.NonceSize()+len(token)+c.aead.Overhead())
	_, _ = rand.Read(nonce)
	return c.aead.Seal(nonce, nonce, []byte(token), []byte(id))
}

// open reverses seal; it fails when the key differs (another process's generated key) or the
// data was altered.
func (c *sessionCrypto) open(id string, sealed []byte) (string, error) {
	if len(sealed) == 0 {
		return "", nil
	}
	n := c.aead.NonceSize()
	if len(sealed) < n+c.aead.Overhead() {
		return "", fmt.Errorf("sealed token of %d bytes is too short", len(sealed))
	}
	plain, err := c.aead.Open(nil, sealed[:n], sealed[n:], []byte(id))
	if err != nil {
		return "", fmt.Errorf("open sealed token: %w", err)
	}
	return string(plain), nil
}

// csrfToken is the session's form token: a MAC of its id, so every process holding the key
// checks it without storing it, and it changes whenever the id does.
func (c *sessionCrypto) csrfToken(id string) string {
	m := hmac.New(sha256.New, c.csrf)
	m.Write([]byte(id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
