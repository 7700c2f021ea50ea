package handlers

import (
	"container/list"
	"sync"
	"time"

	"github.com/totto-ci/totto/store"
)

// Bounds of the Intake's repository cache: enough for every repository of a large organisation,
// and short-lived enough that a change made by another process is seen within a minute.
const (
	repoCacheSize = 4096
	repoCacheTTL  = time.Minute
)

// repoCache remembers repositories the Intake has read or written, so that acknowledging a CI
// job event for a known repository costs no database read: at hundreds of deliveries a second
// that read was a third of the acknowledgement's round trips. Entries are dropped when this
// Intake changes a repository (visibility, installation) and after repoCacheTTL, in case another
// process did. The zero value is an empty cache ready to use.
type repoCache struct {
	mu      sync.Mutex
	entries map[string]*list.Element
	order   list.List // front: most recently used; values are *repoCacheEntry
	now     func() time.Time
}

type repoCacheEntry struct {
	repo    store.Repository
	expires time.Time
}

func (c *repoCache) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

// get returns the cached repository named fullName, if fresh.
func (c *repoCache) get(fullName string) (store.Repository, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[fullName]
	if !ok {
		return store.Repository{}, false
	}
	e := el.Value.(*repoCacheEntry)
	if !c.clock().Before(e.expires) {
		c.order.Remove(el)
		delete(c.entries, fullName)
		return store.Repository{}, false
	}
	c.order.MoveToFront(el)
	return e.repo, true
}

// put remembers r as stored, evicting the least recently used entry past repoCacheSize.
func (c *repoCache) put(r store.Repository) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = make(map[string]*list.Element)
	}
	e := &repoCacheEntry{repo: r, expires: c.clock().Add(repoCacheTTL)}
	if el, ok := c.entries[r.FullName]; ok {
		el.Value = e
		c.order.MoveToFront(el)
		return
	}
	c.entries[r.FullName] = c.order.PushFront(e)
	for c.order.Len() > repoCacheSize {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.entries, last.Value.(*repoCacheEntry).repo.FullName)
	}
}

// forget drops fullName, after this Intake changed it in the store.
func (c *repoCache) forget(fullName string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[fullName]; ok {
		c.order.Remove(el)
		delete(c.entries, fullName)
	}
}

// clear drops everything, after a change that touches repositories not named one by one (an
// installation deactivated).
func (c *repoCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = nil
	c.order.Init()
}
