package queue

import "testing"

func TestParseURL(t *testing.T) {
	tests := []struct {
		in      string
		backend backend
		target  string
		wantErr bool
	}{
		{in: "sqlite:totto.db", backend: backendSQLite, target: "totto.db"},
		{in: "sqlite:/var/lib/totto/db.sqlite", backend: backendSQLite, target: "/var/lib/totto/db.sqlite"},
		{in: "sqlite:///abs/x.db", backend: backendSQLite, target: "/abs/x.db"},
		{in: "postgres://u@h:5432/db?sslmode=disable", backend: backendPostgres, target: "postgres://u@h:5432/db?sslmode=disable"},
		{in: "postgresql://h/db", backend: backendPostgres, target: "postgresql://h/db"},
		{in: "sqlite:", wantErr: true},
		{in: "mysql://h/db", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			b, target, err := parseURL(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("parseURL(%q) = %v, %q; want error", tt.in, b, target)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseURL(%q): %v", tt.in, err)
			}
			if b != tt.backend || target != tt.target {
				t.Fatalf("parseURL(%q) = %v, %q; want %v, %q", tt.in, b, target, tt.backend, tt.target)
			}
		})
	}
}
