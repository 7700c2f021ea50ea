package blob

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func roundTrip(t *testing.T, s Store) {
	t.Helper()
	ctx := t.Context()
	content := strings.Repeat("error: something failed\n", 1000) + "\xff\x00binary tail"
	a, err := s.Put(ctx, strings.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	if !a.Created || a.Size != int64(len(content)) || len(a.SHA256) != 64 || a.Key != KeyFor(a.SHA256) {
		t.Fatalf("put: %+v", a)
	}
	b, err := s.Put(ctx, strings.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	if b.Created || b.Key != a.Key {
		t.Fatalf("second put of the same content: %+v, want the same key, not created", b)
	}
	r, err := s.Open(ctx, a.Key)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || string(got) != content {
		t.Fatalf("read back %d bytes, err %v", len(got), err)
	}
	if _, err := s.Open(ctx, KeyFor(strings.Repeat("0", 64))); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("open missing: %v, want ErrNotExist", err)
	}
}

func TestDirRoundTrip(t *testing.T) {
	s, err := Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, s)
	entries, _ := filepath.Glob(filepath.Join(s.(*Dir).Root(), ".put-*"))
	if len(entries) != 0 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}

func TestBuckets(t *testing.T) {
	for _, u := range []string{"mem://", "file://" + filepath.ToSlash(t.TempDir())} {
		t.Run(u, func(t *testing.T) {
			s, err := Open(t.Context(), u)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			roundTrip(t, s)
		})
	}
	if _, err := Open(t.Context(), "nosuch://x"); err == nil {
		t.Fatal("unknown scheme accepted")
	}
}

// TestS3Driver: without -tags s3 an s3:// location fails with the message naming the build tag;
// with it, the driver is there (opening a bucket makes no request).
func TestS3Driver(t *testing.T) {
	s, err := Open(t.Context(), "s3://totto-logs?region=us-east-1")
	if s3Built {
		if err != nil {
			t.Fatalf("built with the S3 driver, open: %v", err)
		}
		s.Close()
		return
	}
	if !errors.Is(err, ErrNoS3) || !strings.Contains(err.Error(), "-tags s3") {
		t.Fatalf("without the S3 driver: %v, want ErrNoS3 naming the build tag", err)
	}
}

func TestDirUnwritable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: directory permissions are not enforced")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	s, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Put(t.Context(), strings.NewReader("x"))
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("put into a read-only directory: %v, want an error naming it", err)
	}
}

// fullFile fails writes past a budget with ENOSPC, as a full disk does.
type fullFile struct {
	*os.File
	budget int
}

func (f *fullFile) Write(p []byte) (int, error) {
	if len(p) > f.budget {
		n, _ := f.File.Write(p[:f.budget])
		f.budget = 0
		return n, syscall.ENOSPC
	}
	f.budget -= len(p)
	return f.File.Write(p)
}

func TestDirDiskFull(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.create = func(dir, pattern string) (tempFile, error) {
		f, err := os.CreateTemp(dir, pattern)
		return &fullFile{File: f, budget: 100}, err
	}
	// Incompressible content, so the gzip stream outgrows the budget.
	content := make([]byte, 1<<20)
	for i := range content {
		content[i] = byte(i*7919 ^ i>>3)
	}
	_, err = s.Put(t.Context(), bytes.NewReader(content))
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), dir) {
		t.Fatalf("put on a full disk: %v, want ENOSPC naming the directory", err)
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 0 {
		t.Fatalf("a failed put left %d entries", len(left))
	}
}

func TestCorruptObject(t *testing.T) {
	s, err := OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	obj, err := s.Put(t.Context(), strings.NewReader(strings.Repeat("line\n", 5000)))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(s.Root(), obj.Key)
	data, _ := os.ReadFile(path)
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"not gzip", []byte("plain text")},
		{"truncated", data[:len(data)/2]},
		{"flipped", append(append([]byte{}, data[:20]...), bytes.Repeat([]byte{0xAA}, len(data)-20)...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			r, err := s.Open(t.Context(), obj.Key)
			if err == nil {
				_, err = io.ReadAll(r)
				r.Close()
			}
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), obj.Key) {
				t.Fatalf("reading a corrupt object: %v, want ErrCorrupt naming the key", err)
			}
		})
	}
	if _, err := s.Open(t.Context(), "../../etc/passwd"); err == nil {
		t.Fatal("a key outside the directory was opened")
	}
}

// Compressors are recycled between puts: puts running at once, and one after a put that failed
// half way, each store exactly their own content.
func TestConcurrentPutsKeepTheirContent(t *testing.T) {
	s, err := Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	// A put that fails mid-copy leaves its compressor mid-stream.
	if _, err := s.Put(ctx, io.MultiReader(strings.NewReader(strings.Repeat("half ", 5000)), failingReader{})); err == nil {
		t.Fatal("a put whose reader failed succeeded")
	}
	contents := make([]string, 8)
	keys := make([]string, len(contents))
	errs := make(chan error, len(contents))
	for i := range contents {
		contents[i] = strings.Repeat(string(rune('a'+i))+" line of log\n", 2000*(i+1))
		go func() {
			o, err := s.Put(ctx, strings.NewReader(contents[i]))
			keys[i] = o.Key
			errs <- err
		}()
	}
	for range contents {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range contents {
		r, err := s.Open(ctx, keys[i])
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		r.Close()
		if err != nil || !bytes.Equal(got, []byte(c)) {
			t.Errorf("content %d read back as %d bytes (want %d), err %v", i, len(got), len(c), err)
		}
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }
