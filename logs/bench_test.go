package logs

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// treeherderCorpus returns the Firefox CI logs, decompressed into memory, or skips.
func treeherderCorpus(b *testing.B) []byte {
	b.Helper()
	files, _ := filepath.Glob(filepath.Join(corpusDir(b), "logs", "treeherder", "*.gz"))
	if len(files) == 0 {
		b.Skip("treeherder corpus not available")
	}
	var all bytes.Buffer
	for _, f := range files {
		all.Write(readLog(b, f))
	}
	return all.Bytes()
}

// benchRead reads data with opts b.N times, reporting throughput in bytes of raw input.
func benchRead(b *testing.B, data []byte, opts Options) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	rd := bytes.NewReader(data)
	b.ResetTimer()
	for b.Loop() {
		rd.Reset(data)
		r := NewReaderOptions(rd, opts)
		n := 0
		for r.Next() {
			n += len(r.Line().Text)
		}
		if n == 0 {
			b.Fatal("no text")
		}
	}
}

func BenchmarkReaderTreeherder(b *testing.B) {
	benchRead(b, treeherderCorpus(b), Options{})
}

func BenchmarkReaderTreeherderPlain(b *testing.B) {
	benchRead(b, treeherderCorpus(b), Options{Format: FormatPlain})
}

func BenchmarkReaderANSI(b *testing.B) {
	line := "\x1b[2K\x1b[1G\x1b[1m\x1b[32m PASS \x1b[39m\x1b[22m \x1b[2mtest/\x1b[22m\x1b[1mindex.test.js\x1b[22m (12 ms) ✓\r\n" +
		"travis_time:start:1975564e\r\x1b[0K$ make test\r\n" +
		"\r/tmp/mdk.pkg   1%[    ]   5.95M  29.7MB/s\r/tmp/mdk.pkg  2%[    ]  6.1M  29.7MB/s\r\n"
	data := []byte(strings.Repeat(line, (32<<20)/len(line)))
	benchRead(b, data, Options{})
}

func BenchmarkReaderGitHubActions(b *testing.B) {
	line := "2024-01-02T03:04:05.1234567Z ##[group]Run go test ./...\n" +
		"2024-01-02T03:04:05.1234567Z [command]/usr/bin/git version\n" +
		"2024-01-02T03:04:05.1234567Z ok  \tgithub.com/totto-ci/totto/logs\t0.056s\n" +
		"2024-01-02T03:04:05.1234567Z ##[endgroup]\n"
	data := []byte(strings.Repeat(line, (32<<20)/len(line)))
	benchRead(b, data, Options{})
}
