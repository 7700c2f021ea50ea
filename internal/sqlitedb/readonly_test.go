package sqlitedb

import "testing"

func TestReadOnly(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  bool
	}{
		{"SELECT 1", true},
		{"  select id FROM jobs WHERE x = ?", true},
		{"-- a comment\nSELECT 1", true},
		{"/* hint */ SELECT 1", true},
		{"WITH t AS (SELECT 1) SELECT * FROM t", true},
		{"WITH deleted_at AS (SELECT 1) SELECT * FROM deleted_at", true},
		{"SELECT updated_at FROM jobs", true},
		{"SELECT 1 RETURNING x", false},
		{"WITH t AS (SELECT 1) INSERT INTO x SELECT * FROM t", false},
		{"with t as (select 1) update x set a = 1", false},
		{"WITH t AS (SELECT 1) DELETE FROM x", false},
		{"WITH t AS (SELECT 'delete') SELECT * FROM t", false}, // a write word in a literal: cautious
		{"INSERT INTO deliveries (id) VALUES (?)", false},
		{"UPDATE river_job SET state = 'running' RETURNING *", false},
		{"DELETE FROM x", false},
		{"REPLACE INTO x VALUES (1)", false},
		{"PRAGMA journal_mode", false},
		{"BEGIN", false},
		{"", false},
		{"-- only a comment", false},
		{"/* unterminated", false},
	} {
		if got := readOnly(tc.query); got != tc.want {
			t.Errorf("readOnly(%q) = %v, want %v", tc.query, got, tc.want)
		}
	}
}
