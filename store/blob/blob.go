// Package blob keeps log contents: gzip-compressed, content-addressed by the sha256 of the raw
// bytes (so a log fetched twice is stored once), in a directory on disk by default or in an object
// store for deployments with several replicas.
package blob

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Store holds log contents by key.
type Store interface {
	// Put stores raw log bytes and returns where they went. It is atomic: on any error nothing
	// is left under the key, and the caller must not record the log.
	Put(ctx context.Context, raw io.Reader) (Object, error)
	// Open streams a stored log's raw bytes. A corrupt object is reported by the reader's Read
	// (wrapping ErrCorrupt), never by a crash.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes a stored log's content (retention); a missing one is not an error.
	Delete(ctx context.Context, key string) error
	// Close releases the store.
	Close() error
}

// Object describes a stored log.
type Object struct {
	Key    string // storage key: "<sha[0:2]>/<sha>.gz"
	SHA256 string // hex sha256 of the raw bytes
	Size   int64  // raw (uncompressed) size
	// Created is false when identical content was already stored.
	Created bool
}

// ErrCorrupt marks a stored object that cannot be decompressed.
var ErrCorrupt = fmt.Errorf("corrupt log object")

// ErrNoS3 says the binary was built without the S3 driver.
var ErrNoS3 = errors.New("this totto binary has no S3 driver: build it with `go build -tags s3` (the container image has it)")

// KeyFor is the storage key of content with hex sha256 sum.
func KeyFor(sum string) string { return sum[:2] + "/" + sum + ".gz" }

// Open opens the log store a location names: a plain directory path (the default), or a URL
// file:///dir, mem:// or s3://bucket?region=… for object stores.
func Open(ctx context.Context, location string) (Store, error) {
	if location == "" {
		return nil, fmt.Errorf("log store: empty location")
	}
	if dir, ok := strings.CutPrefix(location, "file://"); ok {
		// A local directory is always the Dir store (content-addressed, gzip, atomic rename),
		// whether it is written as a path or as file:///PATH, so the App and the CLI agree on the
		// layout of the same directory.
		if dir == "" {
			return nil, fmt.Errorf("log store %q: no directory", location)
		}
		return OpenDir(dir)
	}
	if scheme, _, ok := strings.Cut(location, "://"); ok && scheme != "" {
		if scheme == "s3" && !s3Built {
			return nil, fmt.Errorf("log store %s: %w", location, ErrNoS3)
		}
		return openBucket(ctx, location)
	}
	return OpenDir(location)
}

// gunzip wraps a compressed object so that decompression errors name the key and wrap
// ErrCorrupt.
type gunzip struct {
	key string
	zr  *gzip.Reader
	src io.Closer
}

func newGunzip(key string, src io.ReadCloser) (io.ReadCloser, error) {
	zr, err := gzip.NewReader(src)
	if err != nil {
		src.Close()
		return nil, fmt.Errorf("log object %s: %w: %w", key, ErrCorrupt, err)
	}
	return &gunzip{key: key, zr: zr, src: src}, nil
}

func (g *gunzip) Read(p []byte) (int, error) {
	n, err := g.zr.Read(p)
	if err != nil && err != io.EOF {
		return n, fmt.Errorf("log object %s: %w: %w", g.key, ErrCorrupt, err)
	}
	return n, err
}

func (g *gunzip) Close() error {
	g.zr.Close()
	return g.src.Close()
}
