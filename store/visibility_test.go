package store_test

import (
	"testing"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/sqlite"
)

// TestRecordRepository: what `totto ingest` and `totto backfill` record for a repository's
// visibility, with and without --public, new and already known from webhooks.
func TestRecordRepository(t *testing.T) {
	for _, tc := range []struct {
		name   string
		known  *bool // visibility stored beforehand; nil: repository unknown
		public bool
		want   bool // private
	}{
		{"new, no --public", nil, false, true},
		{"new, --public", nil, true, false},
		{"known public, no --public", ptr(false), false, false},
		{"known private, no --public", ptr(true), false, true},
		{"known private, --public", ptr(true), true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := sqlite.Open(t.Context(), "sqlite::memory:")
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if tc.known != nil {
				if _, err := st.UpsertRepository(t.Context(), store.Repository{FullName: "acme/app", Active: true, Private: *tc.known}); err != nil {
					t.Fatal(err)
				}
			}
			r, err := store.RecordRepository(t.Context(), st, "acme/app", tc.public)
			if err != nil {
				t.Fatal(err)
			}
			if r.Private != tc.want || !r.Active {
				t.Errorf("recorded private=%t active=%t, want private=%t active", r.Private, r.Active, tc.want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
