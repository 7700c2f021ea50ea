package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/totto-ci/totto/logs"
)

// sniffBytes is how much of a log's start is checked for binary content.
const sniffBytes = 8 << 10

// ErrBinary is returned for input that is not a text log (an archive, an image, an executable).
// Every path that stores or scans a log (the App's download, backfill, `totto ingest`, `totto
// scan`) refuses such input with it, through TextLog or StoreLogFile.
var ErrBinary = errors.New("not a text log (it contains NUL bytes): give the job's plain or gzip-compressed log")

// TextLog returns r's log content, decompressed when it is gzip (detected by content, as `totto
// scan` does), or ErrBinary when its first 8 KiB hold a NUL byte: a CI log never does, while
// archives and executables almost always do, and storing one as a log would be useless.
func TextLog(r io.Reader) (io.Reader, error) {
	plain, err := logs.Decompress(r)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(plain, sniffBytes)
	head, err := br.Peek(sniffBytes)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("reading log: %w", err)
	}
	if isBinary(head) {
		return nil, ErrBinary
	}
	return br, nil
}

// isBinary is the one test for binary content, on a log's first sniffBytes.
func isBinary(head []byte) bool { return bytes.IndexByte(head, 0) >= 0 }
