package logs

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
)

// gzipMagic starts every gzip stream; logs are recognised by content because providers and
// users name compressed logs inconsistently (.gz, .log, no extension at all).
var gzipMagic = []byte{0x1f, 0x8b}

// IsGzip reports whether content starting with head is a gzip stream.
func IsGzip(head []byte) bool {
	return len(head) >= len(gzipMagic) && head[0] == gzipMagic[0] && head[1] == gzipMagic[1]
}

// Decompress returns r itself when it is plain text and a gunzipping reader when it starts with
// the gzip magic bytes, so callers never need to know how a log was stored. Concatenated gzip
// members are read as one stream. A corrupt gzip header is an error here; corruption later in
// the stream is returned by Read.
func Decompress(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(len(gzipMagic))
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("reading log header: %w", err)
	}
	if !IsGzip(head) {
		return br, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("log looks gzip-compressed but its header is corrupt: %w", err)
	}
	return &gzipErrors{zr: zr}, nil
}

// gzipErrors names the format in mid-stream errors, which gzip reports without context.
type gzipErrors struct {
	zr *gzip.Reader
}

func (g *gzipErrors) Read(p []byte) (int, error) {
	n, err := g.zr.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("decompressing gzip log: %w", err)
	}
	return n, err
}

// Open opens a log file for reading, decompressing it when it is gzip (by content, not name).
// Reading "-" as standard input is left to the command line.
func Open(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening log: %w", err)
	}
	r, err := Decompress(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("opening log %s: %w", path, err)
	}
	return readCloser{Reader: r, Closer: f}, nil
}

// readCloser closes the file under a decompressing reader.
type readCloser struct {
	io.Reader
	io.Closer
}
