package ident

import (
	"strings"
	"testing"
)

func TestParseRepo(t *testing.T) {
	for _, in := range []string{"octo/widgets", "Octo-Org/w.i_d-gets", "a/b", "o/" + strings.Repeat("n", 100)} {
		r, err := ParseRepo(in)
		if err != nil || r.String() != in {
			t.Errorf("ParseRepo(%q) = %+v, %v; want it back unchanged", in, r, err)
		}
	}
	for in, why := range map[string]string{
		"":                                 "want owner/name",
		"widgets":                          "want owner/name",
		"/widgets":                         "owner",
		"octo/":                            "name",
		"octo/w/x":                         "name",
		"octo/..":                          "name",
		"./x":                              "owner",
		"octo/wid gets":                    "name",
		"oc%2Fto/w":                        "owner",
		"octo/" + strings.Repeat("n", 101): "name",
	} {
		if _, err := ParseRepo(in); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("ParseRepo(%q) = %v, want an error naming the %s", in, err, why)
		}
	}
}

func TestRepoIs(t *testing.T) {
	a := Repo{Owner: "Octo", Name: "Widgets"}
	if !a.Is(Repo{Owner: "octo", Name: "widgets"}) {
		t.Error("GitHub names are compared ignoring case")
	}
	if a.Is(Repo{Owner: "octo", Name: "gadgets"}) || a.Is(Repo{Owner: "victim", Name: "Widgets"}) {
		t.Error("another repository is not the same")
	}
}

func TestStatusProvider(t *testing.T) {
	if p := StatusProvider("buildkite/app"); p != "status:buildkite/app" || p == ProviderStatus {
		t.Errorf("StatusProvider = %q", p)
	}
}

func TestParseRepoErrorIsBounded(t *testing.T) {
	_, err := ParseRepo(strings.Repeat("x", 1<<20))
	if err == nil || len(err.Error()) > 300 {
		t.Fatalf("error of %d bytes for a 1 MiB name: %.80v", len(err.Error()), err)
	}
}
