package handlers

import (
	"fmt"
	"testing"
	"time"

	"github.com/totto-ci/totto/store"
)

// TestRepoCache: hits while fresh, misses after the TTL, after forget and clear, and evicts the
// least recently used repository past the bound.
func TestRepoCache(t *testing.T) {
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		do   func(c *repoCache)
		want map[string]bool // full name → expected hit
	}{
		{"fresh entry hits", func(c *repoCache) { c.put(store.Repository{FullName: "acme/a"}) }, map[string]bool{"acme/a": true, "acme/b": false}},
		{"expired entry misses", func(c *repoCache) {
			c.put(store.Repository{FullName: "acme/a"})
			now = now.Add(repoCacheTTL)
		}, map[string]bool{"acme/a": false}},
		{"forgotten entry misses", func(c *repoCache) {
			c.put(store.Repository{FullName: "acme/a"})
			c.put(store.Repository{FullName: "acme/b"})
			c.forget("acme/a")
		}, map[string]bool{"acme/a": false, "acme/b": true}},
		{"cleared cache misses", func(c *repoCache) {
			c.put(store.Repository{FullName: "acme/a"})
			c.clear()
			c.put(store.Repository{FullName: "acme/b"})
		}, map[string]bool{"acme/a": false, "acme/b": true}},
		{"least recently used evicted", func(c *repoCache) {
			for i := range repoCacheSize {
				c.put(store.Repository{FullName: fmt.Sprintf("acme/r%d", i)})
			}
			c.get("acme/r0") // used: r1 is now the oldest
			c.put(store.Repository{FullName: "acme/new"})
		}, map[string]bool{"acme/r0": true, "acme/r1": false, "acme/r2": true, "acme/new": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &repoCache{now: func() time.Time { return now }}
			tt.do(c)
			for name, want := range tt.want {
				r, hit := c.get(name)
				if hit != want || (hit && r.FullName != name) {
					t.Errorf("get(%q) = %q, %t; want hit %t", name, r.FullName, hit, want)
				}
			}
			if len(c.entries) != c.order.Len() || len(c.entries) > repoCacheSize {
				t.Errorf("%d map entries, %d in LRU order, bound %d", len(c.entries), c.order.Len(), repoCacheSize)
			}
		})
	}
}
