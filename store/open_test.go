package store_test

import (
	"testing"

	"github.com/totto-ci/totto/store"
)

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://u:secret@h:5432/db?sslmode=disable", "postgres://u:xxxxx@h:5432/db?sslmode=disable"},
		{"postgres://u@h/db", "postgres://u@h/db"},
		{"postgres://h/db", "postgres://h/db"},
		{"sqlite:totto.db", "sqlite:totto.db"},
		{"postgresql://u:p@ss@h/db", "postgresql://u:xxxxx@h/db"},
	}
	for _, tc := range tests {
		if got := store.Redact(tc.in); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"a\xffb", "a\uFFFDb"},
		{"nul\x00byte", "nul\u2400byte"},
		{"\xc3\x28", "\uFFFD("},
		{"ünï", "ünï"},
	}
	for _, tc := range tests {
		if got := store.CleanText(tc.in); got != tc.want {
			t.Errorf("CleanText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
