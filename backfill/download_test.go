package backfill

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/totto-ci/totto/ingest"
)

// A download longer than the kept tail occupies only the tail (plus one byte) on disk, and reads
// back exactly as the stream's tail at the stream's offsets.
func TestDownloadKeepsOnlyTheTail(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	stream := make([]byte, 100_000)
	for i := range stream {
		stream[i] = byte('a' + i%26)
		if i%80 == 79 {
			stream[i] = '\n'
		}
	}
	const max = 4096
	d, err := newDownload(nil, max)
	if err != nil {
		t.Fatal(err)
	}
	defer d.discard()
	rnd := rand.New(rand.NewPCG(1, 2))
	for rest := stream; len(rest) > 0; { // writes of every size, some longer than the window
		n := min(len(rest), 1+rnd.IntN(3*max))
		if _, err := d.Write(rest[:n]); err != nil {
			t.Fatal(err)
		}
		rest = rest[n:]
	}
	if st, _ := d.f.Stat(); st.Size() > max+1 || d.size != int64(len(stream)) || d.whole() {
		t.Fatalf("on disk %d bytes, size %d, whole %v", st.Size(), d.size, d.whole())
	}
	got := make([]byte, max+1)
	if _, err := d.ReadAt(got, int64(len(stream)-max-1)); err != nil && err != io.EOF {
		t.Fatal(err)
	}
	if !bytes.Equal(got, stream[len(stream)-max-1:]) {
		t.Fatal("the tail read back differs from the stream's")
	}
	if _, err := d.ReadAt(got[:1], 10); err == nil {
		t.Fatal("reading before the tail must fail")
	}
	// Stored from the download, the log is the same as stored from the whole stream.
	e := newEnv(t)
	full, err := os.CreateTemp(t.TempDir(), "full")
	if err != nil {
		t.Fatal(err)
	}
	full.Write(stream)
	want, err := ingest.StoreLogFile(context.Background(), e.st, e.blobs, full, int64(len(stream)), max, nil)
	if err != nil {
		t.Fatal(err)
	}
	l, err := ingest.StoreLogFile(context.Background(), e.st, e.blobs, d, d.size, max, nil)
	if err != nil || l.SHA256 != want.SHA256 || !l.Truncated || l.ID != want.ID {
		t.Fatalf("stored from the tail: %+v, %v; want %+v", l, err, want)
	}
}
