package web

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/oauth2"
)

// Sign-in is GitHub's OAuth web flow through golang.org/x/oauth2, with PKCE (S256). Nothing is
// stored for a browser that has not finished signing in: the pending sign-in (state, PKCE
// verifier, where to return) travels in a sealed cookie that lives for signInTTL, so anonymous
// /login requests cost no database rows and no memory.
const (
	signInCookie = "totto_signin"
	signInTTL    = 10 * time.Minute
	// maxReturnBytes bounds the page to return to after signing in; a longer one returns to "/".
	maxReturnBytes = 1024
	// refreshLeeway refreshes a user token this long before GitHub says it expires.
	refreshLeeway = time.Minute
)

// pendingSignIn is what the callback must find to accept a code.
type pendingSignIn struct {
	State    string    `json:"s"`
	Verifier string    `json:"v"`
	Return   string    `json:"r"`
	Expires  time.Time `json:"e"`
}

// signInAD is the associated data of the pending sign-in seal: a sealed session token cannot be
// replayed as a pending sign-in, nor the reverse.
const signInAD = "totto pending sign-in"

func (s *server) oauthConfig() *oauth2.Config {
	return &oauth2.Config{
		ClientID:     s.deps.OAuth.ClientID,
		ClientSecret: s.deps.OAuth.ClientSecret,
		Endpoint: oauth2.Endpoint{AuthURL: s.deps.OAuth.WebURL + "/login/oauth/authorize",
			TokenURL: s.deps.OAuth.WebURL + "/login/oauth/access_token", AuthStyle: oauth2.AuthStyleInParams},
		RedirectURL: strings.TrimRight(s.deps.PublicURL, "/") + "/oauth/callback",
	}
}

// oauthContext makes x/oauth2 use the UI's GitHub client (its timeout, the tests' loopback).
func (s *server) oauthContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, s.deps.HTTPClient)
}

// login starts the OAuth web flow. The state and PKCE verifier tie the callback to this browser.
func (s *server) login(w http.ResponseWriter, r *http.Request) {
	if s.deps.OAuth.ClientID == "" {
		http.Error(w, "sign-in is not configured (DevInsecure mode): anyone can edit", http.StatusNotFound)
		return
	}
	ret := r.URL.Query().Get("return")
	if len(ret) > maxReturnBytes {
		ret = "/"
	}
	p := pendingSignIn{State: randomToken(), Verifier: oauth2.GenerateVerifier(), Return: safeReturn(ret),
		Expires: s.deps.Now().Add(signInTTL)}
	raw, err := json.Marshal(p)
	if err != nil {
		s.fail(w, r, fmt.Errorf("pending sign-in: %w", err))
		return
	}
	http.SetCookie(w, &http.Cookie{Name: signInCookie, Value: base64.RawURLEncoding.EncodeToString(s.sessions.crypto.seal(signInAD, string(raw))),
		Path: "/oauth/", HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode, MaxAge: int(signInTTL / time.Second)})
	http.Redirect(w, r, s.oauthConfig().AuthCodeURL(p.State, oauth2.S256ChallengeOption(p.Verifier)), http.StatusFound)
}

// pending reads the browser's pending sign-in; false when it has none, or it is forged, altered or
// older than signInTTL.
func (s *server) pending(r *http.Request) (pendingSignIn, bool) {
	var p pendingSignIn
	c, err := r.Cookie(signInCookie)
	if err != nil || len(c.Value) > 4096 {
		return p, false
	}
	sealed, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		return p, false
	}
	raw, err := s.sessions.crypto.open(signInAD, sealed)
	if err != nil || json.Unmarshal([]byte(raw), &p) != nil || p.State == "" || !s.deps.Now().Before(p.Expires) {
		return pendingSignIn{}, false
	}
	return p, true
}

// oauthCallback exchanges the code (with the PKCE verifier) for a user token, then replaces the
// session with a new one (a new id: no session fixation) carrying the user.
func (s *server) oauthCallback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, ok := s.pending(r)
	http.SetCookie(w, &http.Cookie{Name: signInCookie, Path: "/oauth/", MaxAge: -1, HttpOnly: true, Secure: s.secure})
	q := r.URL.Query()
	if !ok || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(p.State)) != 1 {
		http.Error(w, "sign-in state does not match this browser, or the sign-in took longer than 10 minutes; start again from /login", http.StatusBadRequest)
		return
	}
	if q.Get("code") == "" {
		http.Error(w, "GitHub sign-in failed: no code in the callback ("+q.Get("error")+")", http.StatusBadRequest)
		return
	}
	tok, err := s.oauthConfig().Exchange(s.oauthContext(ctx), q.Get("code"), oauth2.VerifierOption(p.Verifier))
	if err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("oauth code exchange failed")
		http.Error(w, "GitHub sign-in failed: the code was refused; start again from /login", http.StatusBadGateway)
		return
	}
	ut := s.userToken(tok)
	var user struct {
		Login string `json:"login"`
	}
	if err := s.githubGET(ctx, ut.Access, "/user", &user); err != nil || user.Login == "" {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("oauth user lookup failed")
		http.Error(w, "GitHub sign-in failed: could not read the signed-in user", http.StatusBadGateway)
		return
	}
	if err := s.sessions.drop(ctx, sessionOf(ctx).ID); err != nil { // the pre-login id is dead
		sessionFailed(w, r, err)
		return
	}
	fresh := s.sessions.create()
	fresh.Login, fresh.User = user.Login, ut
	fresh.Expires = ut.bound(fresh.Expires)
	if err := s.sessions.save(ctx, fresh); err != nil {
		sessionFailed(w, r, err)
		return
	}
	s.setCookie(w, fresh)
	http.Redirect(w, r, safeReturn(p.Return), http.StatusFound)
}

func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r.Context())
	if err := s.sessions.drop(r.Context(), sess.ID); err != nil {
		sessionFailed(w, r, err)
		return
	}
	s.setCookie(w, s.sessions.create())
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// userToken is the GitHub user token a session acts with. GitHub App user tokens expire (8 h by
// default) and come with a refresh token (6 months); tokens of Apps that opted out never expire.
type userToken struct {
	Access        string    `json:"a"`
	Refresh       string    `json:"r,omitempty"`
	Expiry        time.Time `json:"e,omitzero"`
	RefreshExpiry time.Time `json:"re,omitzero"`
}

// userToken reads a token response, timing its expiries on the UI's clock.
func (s *server) userToken(tok *oauth2.Token) userToken {
	now := s.deps.Now()
	ut := userToken{Access: tok.AccessToken, Refresh: tok.RefreshToken}
	if tok.ExpiresIn > 0 {
		ut.Expiry = now.Add(time.Duration(tok.ExpiresIn) * time.Second)
	} else if !tok.Expiry.IsZero() {
		ut.Expiry = tok.Expiry
	}
	if n, ok := tok.Extra("refresh_token_expires_in").(float64); ok && n > 0 && ut.Refresh != "" {
		ut.RefreshExpiry = now.Add(time.Duration(n) * time.Second)
	}
	return ut
}

// bound shortens a session's end so that it never outlives what its token can do: the refresh
// token's end, or the access token's when there is nothing to refresh it with.
func (ut userToken) bound(end time.Time) time.Time {
	limit := ut.Expiry
	if ut.Refresh != "" {
		limit = ut.RefreshExpiry
	}
	if !limit.IsZero() && limit.Before(end) {
		return limit
	}
	return end
}

// stale reports whether the access token has expired (or is about to) at now.
func (ut userToken) stale(now time.Time) bool {
	return !ut.Expiry.IsZero() && !now.Add(refreshLeeway).Before(ut.Expiry)
}

// errSignedOut says a session's token can no longer be renewed: the user must sign in again.
var errSignedOut = errors.New("the GitHub sign-in expired or was revoked")

// freshen renews the session's expired user token with its refresh token, once per session at a
// time in this process (GitHub's refresh tokens are single use). A token that cannot be renewed
// ends the session; GitHub being unreachable is an error for this request only.
func (s *server) freshen(ctx context.Context, sess *session) (*session, error) {
	if !sess.User.stale(s.deps.Now()) {
		return sess, nil
	}
	v, err, _ := s.refreshing.Do(sess.ID, func() (any, error) {
		// Another request (or replica) may have renewed it meanwhile.
		cur, err := s.sessions.get(ctx, sess.ID)
		if err != nil {
			return nil, err
		}
		if cur.Login == "" {
			return nil, errSignedOut
		}
		if !cur.User.stale(s.deps.Now()) {
			return cur, nil
		}
		if cur.User.Refresh == "" {
			return nil, errSignedOut
		}
		old := &oauth2.Token{RefreshToken: cur.User.Refresh, Expiry: time.Unix(1, 0)}
		tok, err := s.oauthConfig().TokenSource(s.oauthContext(ctx), old).Token()
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			zerolog.Ctx(ctx).Info().Str("login", cur.Login).Str("error", re.ErrorCode).Msg("GitHub refused to renew a user token; signing the session out")
			return nil, errSignedOut
		}
		if err != nil {
			return nil, fmt.Errorf("renew the GitHub token of %s: %w", cur.Login, err)
		}
		ut := s.userToken(tok)
		if ut.Refresh == "" {
			ut.Refresh = cur.User.Refresh
			ut.RefreshExpiry = cur.User.RefreshExpiry
		}
		cur.User = ut
		cur.Expires = ut.bound(cur.Expires)
		if err := s.sessions.save(ctx, cur); err != nil {
			return nil, err
		}
		return cur, nil
	})
	if errors.Is(err, errSignedOut) {
		if derr := s.sessions.drop(ctx, sess.ID); derr != nil {
			return nil, derr
		}
		return s.sessions.anonymous(sess.ID), nil
	}
	if err != nil {
		return nil, err
	}
	return v.(*session), nil
}
