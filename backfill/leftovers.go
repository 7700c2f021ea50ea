package backfill

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// tempPrefix names a download outside the cache: totto-backfill-PID-RANDOM, so that the files of
// a backfill that was killed can be told from those of one still running.
const tempPrefix = "totto-backfill-"

// staleAge is how old a leftover without a process id (an older totto's) must be to be removed.
const staleAge = 24 * time.Hour

// removeLeftovers removes the download files of killed backfills (in the temporary directory and
// in the cache) and reports how many and how many bytes.
func removeLeftovers(ctx context.Context, c *Cache) (int, int64) {
	n, bytes := sweep(os.TempDir(), tempPrefix, "")
	if c != nil {
		cn, cb := sweep(c.dir, cachePartPrefix, ".part")
		n, bytes = n+cn, bytes+cb
	}
	if n > 0 {
		zerolog.Ctx(ctx).Info().Int("files", n).Int64("bytes", bytes).Msg("removed downloads left by a killed backfill")
	}
	return n, bytes
}

// sweep removes dir's files named prefix+PID-…+suffix whose process is gone.
func sweep(dir, prefix, suffix string) (int, int64) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, 0
	}
	n, bytes := 0, int64(0)
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, suffix) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		pidText, _, hasPID := strings.Cut(strings.TrimPrefix(name, prefix), "-")
		pid, err := strconv.Atoi(pidText)
		switch {
		case hasPID && err == nil:
			if pid == os.Getpid() || alive(pid) {
				continue
			}
		case time.Since(info.ModTime()) < staleAge:
			continue
		}
		if os.Remove(filepath.Join(dir, name)) == nil {
			n++
			bytes += info.Size()
		}
	}
	return n, bytes
}
