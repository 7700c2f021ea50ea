package blob

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// Dir is a log store in a local directory. Objects are written to a temporary file in the same
// directory and renamed into place, so a crash leaves no partial object under a key.
type Dir struct {
	root string
	// create makes the temporary file; tests replace it to simulate a full disk.
	create func(dir, pattern string) (tempFile, error)
}

// tempFile is what Put needs of a temporary file.
type tempFile interface {
	io.Writer
	Sync() error
	Close() error
	Name() string
}

// OpenDir opens (creating if needed) a directory log store and checks that it is writable.
func OpenDir(root string) (*Dir, error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("log store %s: %w", root, err)
	}
	return &Dir{root: root, create: func(dir, pattern string) (tempFile, error) { return os.CreateTemp(dir, pattern) }}, nil
}

// Root is the directory.
func (d *Dir) Root() string { return d.root }

// Put implements Store.
func (d *Dir) Put(ctx context.Context, raw io.Reader) (Object, error) {
	tmp, err := d.create(d.root, ".put-*")
	if err != nil {
		return Object{}, fmt.Errorf("log store %s: create temporary file: %w", d.root, err)
	}
	committed := false
	defer func() {
		if !committed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	obj, err := compress(ctx, tmp, raw)
	if err != nil {
		return Object{}, fmt.Errorf("log store %s: %w", d.root, err)
	}
	if err := tmp.Sync(); err != nil {
		return Object{}, fmt.Errorf("log store %s: sync: %w", d.root, err)
	}
	if err := tmp.Close(); err != nil {
		return Object{}, fmt.Errorf("log store %s: close: %w", d.root, err)
	}
	final := filepath.Join(d.root, filepath.FromSlash(obj.Key))
	if _, err := os.Stat(final); err == nil {
		return obj, nil // already stored; the deferred cleanup removes the temporary file
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return Object{}, fmt.Errorf("log store %s: %w", d.root, err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return Object{}, fmt.Errorf("log store %s: move object into place: %w", d.root, err)
	}
	committed = true
	obj.Created = true
	return obj, nil
}

// gzipWriters recycles compressors: each holds about a megabyte of tables, which a log of a few
// kilobytes would otherwise allocate afresh (a third of the App's allocation under load).
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed) // a valid level never errors
	return zw
}}

// compress gzips raw into w, hashing and counting the raw bytes on the way.
func compress(ctx context.Context, w io.Writer, raw io.Reader) (Object, error) {
	h := sha256.New()
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(w)
	defer func() {
		zw.Reset(io.Discard) // drop the reference to w
		gzipWriters.Put(zw)
	}()
	n, err := io.Copy(io.MultiWriter(zw, h), ctxReader{ctx, raw})
	if err != nil {
		return Object{}, fmt.Errorf("write log: %w", err)
	}
	if err := zw.Close(); err != nil {
		return Object{}, fmt.Errorf("write log: %w", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	return Object{Key: KeyFor(sum), SHA256: sum, Size: n}, nil
}

// ctxReader stops a long copy when the context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Open implements Store.
func (d *Dir) Open(_ context.Context, key string) (io.ReadCloser, error) {
	if !filepath.IsLocal(filepath.FromSlash(key)) {
		return nil, fmt.Errorf("log store %s: invalid key %q", d.root, key)
	}
	f, err := os.Open(filepath.Join(d.root, filepath.FromSlash(key)))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("log store %s: log object %s: %w", d.root, key, os.ErrNotExist)
		}
		return nil, fmt.Errorf("log store %s: %w", d.root, err)
	}
	return newGunzip(key, f)
}

// Close implements Store.
func (d *Dir) Close() error { return nil }
