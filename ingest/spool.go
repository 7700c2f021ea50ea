package ingest

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// tailSpool keeps the last bytes written to it on disk, so a log of any size is downloaded with
// flat memory and bounded disk: two files of at most keep bytes are used in turn, and when the
// current one is full the other is emptied and becomes current. It keeps maxBytes+1 bytes, one
// more than is stored, so the cut can tell whether it falls on a line start. maxBytes <= 0 keeps
// everything in one file.
type tailSpool struct {
	files   [2]*os.File
	size    [2]int64
	cur     int
	keep    int64 // capacity of each file; 0: unbounded
	rotated bool
}

func newTailSpool(maxBytes int64) (*tailSpool, error) {
	s := &tailSpool{}
	if maxBytes > 0 {
		s.keep = maxBytes + 1
	}
	for i := range s.files {
		f, err := os.CreateTemp("", "totto-log-*")
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("log spool: %w", err)
		}
		s.files[i] = f
	}
	return s, nil
}

// Write implements io.Writer.
func (s *tailSpool) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if s.keep > 0 && s.size[s.cur] == s.keep {
			s.cur ^= 1
			s.rotated = true
			if err := s.files[s.cur].Truncate(0); err != nil {
				return n - len(p), fmt.Errorf("log spool: %w", err)
			}
			if _, err := s.files[s.cur].Seek(0, io.SeekStart); err != nil {
				return n - len(p), fmt.Errorf("log spool: %w", err)
			}
			s.size[s.cur] = 0
		}
		k := int64(len(p))
		if s.keep > 0 {
			k = min(k, s.keep-s.size[s.cur])
		}
		w, err := s.files[s.cur].Write(p[:k])
		s.size[s.cur] += int64(w)
		if err != nil {
			return n - len(p) + w, fmt.Errorf("log spool: %w", err)
		}
		p = p[k:]
	}
	return n, nil
}

// prevLen is how many bytes of the previous file precede the current one in the kept tail.
func (s *tailSpool) prevLen() int64 {
	if !s.rotated {
		return 0
	}
	return s.keep - s.size[s.cur]
}

// Size is the number of bytes kept: all of them, or maxBytes+1 once more were written.
func (s *tailSpool) Size() int64 { return s.prevLen() + s.size[s.cur] }

// ReadAt reads the kept bytes as one file, so they are stored like a log already on disk.
func (s *tailSpool) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("log spool: negative offset %d", off)
	}
	n := 0
	if pl := s.prevLen(); off < pl {
		k := min(int64(len(p)), pl-off)
		m, err := s.files[s.cur^1].ReadAt(p[:k], s.keep-pl+off)
		n += m
		if err != nil {
			return n, fmt.Errorf("log spool: %w", err)
		}
		p, off = p[k:], pl
	}
	if len(p) == 0 {
		return n, nil
	}
	m, err := io.NewSectionReader(s.files[s.cur], 0, s.size[s.cur]).ReadAt(p, off-s.prevLen())
	n += m
	if err != nil && !errors.Is(err, io.EOF) {
		return n, fmt.Errorf("log spool: %w", err)
	}
	return n, err
}

// Close removes the spool files.
func (s *tailSpool) Close() {
	for _, f := range s.files {
		if f != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}
}
