package blob

import (
	"context"
	"fmt"
	"io"
	"os"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/fileblob" // file:///dir
	_ "gocloud.dev/blob/memblob"  // mem://
	"gocloud.dev/gcerrors"
)

// bucket is a log store in an object store (S3 and compatible, a local directory through
// fileblob, or memory for tests), for replicas that share no disk.
type bucket struct {
	url string
	b   *blob.Bucket
}

func openBucket(ctx context.Context, url string) (Store, error) {
	b, err := blob.OpenBucket(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("log store %s: %w", url, err)
	}
	return &bucket{url: url, b: b}, nil
}

// Put implements Store. The content is compressed into a local temporary file first, because the
// key (its hash) is only known at the end; the upload is atomic in the object store.
func (s *bucket) Put(ctx context.Context, raw io.Reader) (Object, error) {
	tmp, err := os.CreateTemp("", "totto-log-*")
	if err != nil {
		return Object{}, fmt.Errorf("log store %s: create temporary file: %w", s.url, err)
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}()
	obj, err := compress(ctx, tmp, raw)
	if err != nil {
		return Object{}, fmt.Errorf("log store %s: %w", s.url, err)
	}
	exists, err := s.b.Exists(ctx, obj.Key)
	if err != nil {
		return Object{}, fmt.Errorf("log store %s: %w", s.url, err)
	}
	if exists {
		return obj, nil
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return Object{}, fmt.Errorf("log store %s: %w", s.url, err)
	}
	w, err := s.b.NewWriter(ctx, obj.Key, &blob.WriterOptions{ContentType: "application/gzip"})
	if err != nil {
		return Object{}, fmt.Errorf("log store %s: %w", s.url, err)
	}
	if _, err := io.Copy(w, tmp); err != nil {
		w.Close()
		return Object{}, fmt.Errorf("log store %s: upload %s: %w", s.url, obj.Key, err)
	}
	if err := w.Close(); err != nil {
		return Object{}, fmt.Errorf("log store %s: upload %s: %w", s.url, obj.Key, err)
	}
	obj.Created = true
	return obj, nil
}

// Open implements Store.
func (s *bucket) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	r, err := s.b.NewReader(ctx, key, nil)
	if err != nil {
		if gcerrors.Code(err) == gcerrors.NotFound {
			return nil, fmt.Errorf("log store %s: log object %s: %w", s.url, key, os.ErrNotExist)
		}
		return nil, fmt.Errorf("log store %s: %w", s.url, err)
	}
	return newGunzip(key, r)
}

// Close implements Store.
func (s *bucket) Close() error { return s.b.Close() }
