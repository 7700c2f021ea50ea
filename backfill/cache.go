package backfill

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Cache keeps raw log downloads on disk, so a rebuilt store is refilled without downloading
// again the logs the cache still holds. It holds at most max bytes, enforced when it is opened
// and after every download. Over the cap, logs this process has stored are evicted first (least
// recently used first: by modification time, refreshed on every hit), and only then logs it has
// not read, so a rebuild reading the cache does not evict what it is about to read. A log longer
// than the kept tail is not cached.
type Cache struct {
	dir string
	max int64
	mu  sync.Mutex
	// storedHere are entries whose log this process stored: evicted first.
	storedHere map[string]bool
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
	c := &Cache{dir: dir, max: maxBytes, storedHere: map[string]bool{}}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.evict(); err != nil {
		return nil, err
	}
	return c, nil
}

// stored notes that key's log is in the store, which makes it the first to evict.
func (c *Cache) stored(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.storedHere[c.path(key)] = true
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
	f, err := os.CreateTemp(c.dir, cachePartPrefix+strconv.Itoa(os.Getpid())+"-*.part")
	if err != nil {
		return nil, fmt.Errorf("log cache: %w", err)
	}
	return f, nil
}

// cachePartPrefix names downloads in progress in the cache directory: download-PID-RANDOM.part.
const cachePartPrefix = "download-"

// commit moves a completed (and stored) download into place under key and evicts down to the cap.
func (c *Cache) commit(tmp, key string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := os.Rename(tmp, c.path(key)); err != nil {
		return fmt.Errorf("log cache: %w", err)
	}
	c.touch(c.path(key))
	c.storedHere[c.path(key)] = true
	return c.evict()
}

type cacheEntry struct {
	path   string
	size   int64
	used   time.Time
	stored bool
}

// evict removes entries until the total is under the cap: stored ones first, least recently
// used first.
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
		entries = append(entries, cacheEntry{p, info.Size(), info.ModTime(), c.storedHere[p]})
		total += info.Size()
		return nil
	})
	if err != nil {
		return fmt.Errorf("log cache %s: %w", c.dir, err)
	}
	slices.SortFunc(entries, func(a, b cacheEntry) int {
		if a.stored != b.stored {
			if a.stored {
				return -1
			}
			return 1
		}
		return a.used.Compare(b.used)
	})
	for _, e := range entries {
		if total <= c.max {
			break
		}
		if err := os.Remove(e.path); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("log cache: evicting %s: %w", e.path, err)
		}
		total -= e.size
		delete(c.storedHere, e.path)
	}
	return nil
}
