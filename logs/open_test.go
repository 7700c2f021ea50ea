package logs

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func gz(t *testing.T, s string) []byte {
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

func TestDecompress(t *testing.T) {
	two := append(gz(t, "first\n"), gz(t, "second\n")...)
	corrupt := gz(t, strings.Repeat("line of log\n", 1000))
	corrupt[len(corrupt)/2] ^= 0xff
	tests := []struct {
		name, wantErr string
		in            []byte
		want          string
	}{
		{"plain", "", []byte("a\nb\n"), "a\nb\n"},
		{"empty", "", nil, ""},
		{"one byte", "", []byte{0x1f}, "\x1f"},
		{"gzip", "", gz(t, "zipped\n"), "zipped\n"},
		{"concatenated members", "", two, "first\nsecond\n"},
		{"bad header", "header is corrupt", []byte{0x1f, 0x8b, 0x00, 0x00}, ""},
		{"corrupt body", "decompressing gzip log", corrupt, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Decompress(bytes.NewReader(tt.in))
			var got []byte
			if err == nil {
				got, err = io.ReadAll(r)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	// A gzip log without a .gz name is still recognised by its bytes.
	path := filepath.Join(dir, "job.log")
	if err := os.WriteFile(path, gz(t, "\x1b[31mFAIL\x1b[0m\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rc, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	r := NewReader(rc)
	if !r.Next() || string(r.Line().Text) != "FAIL" || r.Next() || r.Err() != nil {
		t.Fatalf("got %q, err %v", r.Line().Text, r.Err())
	}
	if _, err := Open(filepath.Join(dir, "missing.log")); err == nil || !strings.Contains(err.Error(), "missing.log") {
		t.Errorf("missing file: err = %v", err)
	}
}

func TestOpenRealGzipLog(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpusDir(t), "logs", "logchunks-dev", "samples", "Go", "*", "failed", "*.log.gz"))
	if len(files) == 0 {
		t.Skip("LogChunks Go logs not available")
	}
	rc, err := Open(files[0])
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	if want := readLog(t, files[0]); !bytes.Equal(data, want) {
		t.Errorf("%s: Open gave %d bytes, want %d", files[0], len(data), len(want))
	}
}
