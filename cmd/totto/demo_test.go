package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
)

// The demo history is what a new user sees first: the built-in packs explain the three
// infrastructure flakes, nothing excuses the real failures, and seeding twice changes nothing.
func TestSeedDemo(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "totto.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	blobs, err := blob.Open(ctx, filepath.Join(dir, "logs"))
	if err != nil {
		t.Fatal(err)
	}
	defer blobs.Close()

	if err := seedDemo(ctx, st, blobs); err != nil {
		t.Fatalf("seed: %v", err)
	}
	first, err := st.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := seedDemo(ctx, st, blobs); err != nil {
		t.Fatalf("second seed: %v", err)
	}
	second, _ := st.Stats(ctx)
	if first != second {
		t.Fatalf("seeding twice changed the store: %+v then %+v", first, second)
	}
	// 9 jobs; 5 distinct logs (the go test log appears twice); every log scanned.
	if first.Jobs != 9 || first.Logs != 5 || first.UnscannedPairs != 0 {
		t.Fatalf("stats = %+v", first)
	}
	ms, err := st.Matches(ctx, store.MatchFilter{})
	if err != nil {
		t.Fatal(err)
	}
	explained := map[string]bool{}
	for _, m := range ms {
		explained[m.Pattern] = true
	}
	for _, want := range []string{"apt hash sum mismatch", "docker hub pull rate limit", "npm registry network error"} {
		if !explained[want] {
			t.Errorf("no match of %q in the demo history; matches: %v", want, explained)
		}
	}
	if len(explained) != 3 {
		t.Errorf("want exactly the three flakes matched, got %v", explained)
	}
}
