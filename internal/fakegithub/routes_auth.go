package fakegithub

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Installation is an installation of the fake's App, as GET /app/installations lists it.
type Installation struct {
	ID          int64
	Account     string
	Permissions map[string]string
	Events      []string
	Suspended   bool
}

// AppAuth makes the fake check App authentication as GitHub does: GET /app, GET /app/installations
// and installation-token requests need a JWT signed (RS256) with key's private half whose issuer is
// the fake's AppID. It also answers those two endpoints with the App's permissions and events and
// the given installations. Without it, tokens are issued to anyone (the default for other tests).
func (s *Server) AppAuth(key *rsa.PublicKey, permissions map[string]string, events []string, installations ...Installation) {
	s.mu.Lock()
	s.appKey, s.appPermissions, s.appEvents, s.installations = key, permissions, events, installations
	s.mu.Unlock()
	s.Handle("GET /app", s.getApp)
	s.Handle("GET /app/installations", s.listInstallations)
}

type authState struct {
	appKey         *rsa.PublicKey
	appPermissions map[string]string
	appEvents      []string
	installations  []Installation
}

// checkAppJWT answers 401 as GitHub does and returns false unless the request carries a valid App
// JWT (when AppAuth is on).
func (s *Server) checkAppJWT(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	key, appID := s.appKey, s.AppID
	s.mu.Unlock()
	if key == nil {
		return true
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "A JSON web token could not be decoded"})
		return false
	}
	var claims struct {
		Iss any   `json:"iss"`
		Exp int64 `json:"exp"`
		Iat int64 `json:"iat"`
	}
	parts := strings.Split(token, ".")
	var payload []byte
	var err error
	if len(parts) == 3 {
		payload, err = base64.RawURLEncoding.DecodeString(parts[1])
	}
	if len(parts) != 3 || err != nil || json.Unmarshal(payload, &claims) != nil {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "A JSON web token could not be decoded"})
		return false
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err != nil || rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig) != nil {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "A JSON web token could not be decoded"})
		return false
	}
	if fmt.Sprint(claims.Iss) != strconv.FormatInt(appID, 10) {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Integration not found"})
		return false
	}
	if now := time.Now().Unix(); claims.Exp < now || claims.Exp-claims.Iat > 600 {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "'Expiration time' claim ('exp') is too far in the future"})
		return false
	}
	return true
}

func (s *Server) getApp(w http.ResponseWriter, r *http.Request) {
	if !s.checkAppJWT(w, r) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	app := appJSON(s.AppID)
	app["slug"], app["name"] = "totto", "totto"
	app["permissions"], app["events"] = s.appPermissions, s.appEvents
	writeJSON(w, http.StatusOK, app)
}

func (s *Server) listInstallations(w http.ResponseWriter, r *http.Request) {
	if !s.checkAppJWT(w, r) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]any{}
	for _, in := range s.installations {
		m := map[string]any{
			"id": in.ID, "account": map[string]any{"login": in.Account, "id": in.ID, "type": "Organization"},
			"repository_selection": "all", "app_id": s.AppID, "target_id": in.ID, "target_type": "Organization",
			"permissions": in.Permissions, "events": in.Events, "created_at": "2026-01-01T00:00:00Z",
			"updated_at": "2026-01-01T00:00:00Z", "single_file_name": nil, "app_slug": "totto",
			"access_tokens_url": fmt.Sprintf("%s/api/v3/app/installations/%d/access_tokens", s.URL, in.ID),
			"repositories_url":  s.URL + "/api/v3/installation/repositories",
			"html_url":          fmt.Sprintf("https://github.com/organizations/%s/settings/installations/%d", in.Account, in.ID),
		}
		if in.Suspended {
			m["suspended_at"] = "2026-11-01T00:00:00Z"
		}
		out = append(out, m)
	}
	writeJSON(w, http.StatusOK, out)
}
