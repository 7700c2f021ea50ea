package sqlstore

import "testing"

func TestRebind(t *testing.T) {
	tests := []struct {
		numbered bool
		in, want string
	}{
		{false, "SELECT ? , ?", "SELECT ? , ?"},
		{true, "SELECT ? , ?", "SELECT $1 , $2"},
		{true, "SELECT 1", "SELECT 1"},
		{true, "INSERT INTO t VALUES (?, ?, ?)", "INSERT INTO t VALUES ($1, $2, $3)"},
	}
	for _, tc := range tests {
		d := Dialect{Numbered: tc.numbered}
		if got := d.Rebind(tc.in); got != tc.want {
			t.Errorf("Rebind(%q, numbered=%t) = %q, want %q", tc.in, tc.numbered, got, tc.want)
		}
	}
}
