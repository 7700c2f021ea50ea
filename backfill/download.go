package backfill

import (
	"fmt"
	"io"
	"os"
	"strconv"
)

// download is where a log being fetched is written: a temporary file (in the cache directory
// when there is one) that keeps only the last window bytes, written round and round, so a log
// far longer than what is kept never fills the disk. It reads back as the stream's tail at the
// stream's offsets (io.ReaderAt), which is what storing a truncated log reads.
type download struct {
	f      *os.File
	window int64 // 0: keep everything
	size   int64 // bytes of the stream written so far
}

// newDownload creates the file of a download keeping the last maxBytes (0: all). One byte more
// than the kept tail is kept, since finding the first whole line of the tail reads the byte
// before it.
func newDownload(c *Cache, maxBytes int64) (*download, error) {
	var f *os.File
	var err error
	if c != nil {
		f, err = c.tempFile()
	} else {
		f, err = os.CreateTemp("", tempPrefix+strconv.Itoa(os.Getpid())+"-*")
	}
	if err != nil {
		return nil, fmt.Errorf("download file: %w", err)
	}
	d := &download{f: f}
	if maxBytes > 0 {
		d.window = maxBytes + 1
	}
	return d, nil
}

// reset empties the download for another attempt.
func (d *download) reset() error {
	d.size = 0
	return d.f.Truncate(0)
}

// whole reports whether the file holds the entire stream.
func (d *download) whole() bool { return d.window <= 0 || d.size <= d.window }

func (d *download) Write(p []byte) (int, error) {
	n := len(p)
	if d.window <= 0 {
		w, err := d.f.WriteAt(p, d.size)
		d.size += int64(w)
		return w, err
	}
	if skip := int64(len(p)) - d.window; skip > 0 { // only the end of p is kept
		d.size += skip
		p = p[skip:]
	}
	for len(p) > 0 {
		off := d.size % d.window
		chunk := min(int64(len(p)), d.window-off)
		w, err := d.f.WriteAt(p[:chunk], off)
		d.size += int64(w)
		if err != nil {
			return n - len(p) + w, err
		}
		p = p[chunk:]
	}
	return n, nil
}

// ReadAt reads the stream at off, which must be within the kept tail.
func (d *download) ReadAt(p []byte, off int64) (int, error) {
	if off < d.size-d.window && !d.whole() {
		return 0, fmt.Errorf("reading offset %d of a download that keeps its last %d bytes of %d", off, d.window, d.size)
	}
	if d.whole() {
		if off >= d.size {
			return 0, io.EOF
		}
		n, err := d.f.ReadAt(p[:min(int64(len(p)), d.size-off)], off)
		if err == nil && n < len(p) {
			err = io.EOF
		}
		return n, err
	}
	n := 0
	for n < len(p) && off < d.size {
		pos := off % d.window
		chunk := min(int64(len(p)-n), d.window-pos, d.size-off)
		r, err := d.f.ReadAt(p[n:n+int(chunk)], pos)
		n += r
		off += int64(r)
		if err != nil {
			return n, err
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// discard closes and removes the file.
func (d *download) discard() {
	d.f.Close()
	os.Remove(d.f.Name())
}
