package backfill

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Cache keeps raw log downloads on disk, so a re-scan or re-normalisation after the store was
// rebuilt never downloads a log twice. It holds at most MaxBytes; the least recently used logs
// (by modification time, refreshed on every hit) are evicted first.
type Cache struct {
	dir string
	max int64
	mu  sync.Mutex
	// last is the newest use time handed out: uses get strictly increasing times, so the LRU
	// order holds even when the file system's clock resolution is coarse.
	last time.Time
}

func (c *Cache) touch(p string) {
	now := time.Now()
	if !now.After(c.last) {
		now = c.last.Add(time.Microsecond)
	}
	c.last = now
	_ = os.Chtimes(p, now, now)
}

// OpenCache creates dir if needed; maxBytes <= 0 means no cap.
func OpenCache(dir string, maxBytes int64) (*Cache, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("log cache %s: %w", dir, err)
	}
	return &Cache{dir: dir, max: maxBytes}, nil
}

func (c *Cache) path(key string) string {
	h := sha256.Sum256([]byte(key))
	return filepath.Join(c.dir, hex.EncodeToString(h[:16])+".log")
}

// Open returns the cached log for key and its size, marking it recently used; ok is false on a miss.
func (c *Cache) Open(key string) (f *os.File, size int64, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.path(key)
	f, err := os.Open(p)
	if err != nil {
		return nil, 0, false
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, false
	}
	c.touch(p)
	return f, st.Size(), true
}

// tempFile is where a download is written before Commit makes it the entry for its key.
func (c *Cache) tempFile() (*os.File, error) {
	f, err := os.CreateTemp(c.dir, "download-*.part")
	if err != nil {
		return nil, fmt.Errorf("log cache: %w", err)
	}
	return f, nil
}

// commit moves a completed download into place under key and evicts down to the cap.
func (c *Cache) commit(tmp, key string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := os.Rename(tmp, c.path(key)); err != nil {
		return fmt.Errorf("log cache: %w", err)
	}
	c.touch(c.path(key))
	return c.evict()
}

type cacheEntry struct {
	path string
	size int64
	used time.Time
}

// evict removes least recently used entries until the total is under the cap.
func (c *Cache) evict() error {
	if c.max <= 0 {
		return nil
	}
	var entries []cacheEntry
	var total int64
	err := filepath.WalkDir(c.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".log") {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return nil // removed meanwhile
		}
		entries = append(entries, cacheEntry{p, info.Size(), info.ModTime()})
		total += info.Size()
		return nil
	})
	if err != nil {
		return fmt.Errorf("log cache %s: %w", c.dir, err)
	}
	slices.SortFunc(entries, func(a, b cacheEntry) int { return a.used.Compare(b.used) })
	for _, e := range entries {
		if total <= c.max {
			break
		}
		if err := os.Remove(e.path); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("log cache: evicting %s: %w", e.path, err)
		}
		total -= e.size
	}
	return nil
}
