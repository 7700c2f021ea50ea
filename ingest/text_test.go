package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"strings"
	"testing"
)

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Every way a log is stored (a stream, a file on disk) decompresses gzip and refuses binary
// content with ErrBinary, storing nothing.
func TestStoreDetectsGzipAndRefusesBinary(t *testing.T) {
	st, blobs := open(t)
	ctx := context.Background()
	text := "step 1\nFAIL: TestX\nexit 1\n"
	elf := "\x7fELF\x02\x01\x01\x00\x00\x00" + strings.Repeat("x", 100)
	type storeFn func(raw []byte, max int64) (string, error)
	stream := func(raw []byte, max int64) (string, error) {
		l, err := StoreLog(ctx, st, blobs, bytes.NewReader(raw), max)
		if err != nil {
			return "", err
		}
		return content(t, blobs, l), nil
	}
	file := func(raw []byte, max int64) (string, error) {
		l, err := StoreLogFile(ctx, st, blobs, bytes.NewReader(raw), int64(len(raw)), max, nil)
		if err != nil {
			return "", err
		}
		return content(t, blobs, l), nil
	}
	for name, store := range map[string]storeFn{"StoreLog": stream, "StoreLogFile": file} {
		if got, err := store([]byte(text), 0); err != nil || got != text {
			t.Errorf("%s plain: %q, %v", name, got, err)
		}
		if got, err := store(gzipped(t, text), 0); err != nil || got != text {
			t.Errorf("%s gzip: %q, %v; want the decompressed log", name, got, err)
		}
		if got, err := store(gzipped(t, text), 12); err != nil || got != "exit 1\n" {
			t.Errorf("%s gzip over the limit: %q, %v; want the decompressed tail", name, got, err)
		}
		if _, err := store([]byte(elf), 0); !errors.Is(err, ErrBinary) {
			t.Errorf("%s binary: %v, want ErrBinary", name, err)
		}
		if _, err := store(gzipped(t, elf), 0); !errors.Is(err, ErrBinary) {
			t.Errorf("%s gzip of binary: %v, want ErrBinary", name, err)
		}
		// A NUL in the part kept is binary even when the start was cut off.
		if _, err := store([]byte(text+"tail\x00\x01\x02\n"), 10); !errors.Is(err, ErrBinary) {
			t.Errorf("%s binary tail: %v, want ErrBinary", name, err)
		}
	}
	// The whole log and its tail, each stored once; nothing of the binary inputs.
	if s, err := st.Stats(ctx); err != nil || s.Logs != 2 {
		t.Errorf("stored logs: %d, %v; want 2", s.Logs, err)
	}
}
