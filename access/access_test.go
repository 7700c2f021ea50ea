package access

import (
	"context"
	"errors"
	"testing"
)

// fakeChecker answers from tables and counts questions.
type fakeChecker struct {
	read, write map[string]bool // "login repo"
	orgAdmin    map[string]bool // "login owner"
	asked       int
}

func (f *fakeChecker) CanRead(_ context.Context, login, repo string) (bool, error) {
	f.asked++
	return f.read[login+" "+repo], nil
}

func (f *fakeChecker) CanWrite(_ context.Context, login, repo string) (bool, error) {
	f.asked++
	return f.write[login+" "+repo], nil
}

func (f *fakeChecker) IsOrgAdmin(_ context.Context, login, owner string) (bool, error) {
	f.asked++
	return f.orgAdmin[login+" "+owner], nil
}

func TestAllowed(t *testing.T) {
	c := &fakeChecker{
		read:     map[string]bool{"octo acme/vault": true},
		write:    map[string]bool{"octo acme/vault": true, "mallory evil/lab": true},
		orgAdmin: map[string]bool{"octo acme": true},
	}
	vault := Target{Owner: "acme", Repo: "acme/vault", Private: true}
	public := Target{Owner: "acme", Repo: "acme/widgets"}
	for _, tc := range []struct {
		login string
		a     Action
		t     Target
		want  bool
	}{
		{"", ReadRepository, public, true},
		{"", ReadRepository, vault, false},
		{"mallory", ReadRepository, vault, false},
		{"octo", ReadRepository, vault, true},
		{"", ChangeRepositoryPattern, public, false},
		{"mallory", ChangeRepositoryPattern, vault, false},
		{"mallory", ChangeRepositoryPattern, Target{Owner: "evil", Repo: "evil/lab"}, true},
		{"octo", ChangeAnnotation, vault, true},
		{"mallory", RunCommand, public, false},
		{"octo", ChangeAccountPattern, Target{Owner: "acme"}, true},
		{"mallory", ChangeAccountPattern, Target{Owner: "acme"}, false},
		{"Mallory", ChangeAccountPattern, Target{Owner: "mallory"}, true}, // a user account is its own owner
	} {
		got, err := Allowed(t.Context(), c, tc.login, tc.a, tc.t)
		if err != nil || got != tc.want {
			t.Errorf("%q %s on %+v = %v, %v; want %v", tc.login, tc.a, tc.t, got, err, tc.want)
		}
	}
	before := c.asked
	if ok, err := Allowed(t.Context(), c, "octo", ChangeOperatorPattern, Target{}); ok || !errors.Is(err, ErrOperatorOnly) {
		t.Errorf("operator action allowed to a user: %v %v", ok, err)
	}
	if c.asked != before {
		t.Error("GitHub was asked about an operator-only action")
	}
	if _, err := Allowed(t.Context(), c, "octo", Action("teleport"), public); err == nil {
		t.Error("an action without a rule was decided")
	}
	for a := range Rules {
		if Rules[a].String() == "" {
			t.Errorf("action %q has no description of its need", a)
		}
	}
}
