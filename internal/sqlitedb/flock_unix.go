//go:build unix

package sqlitedb

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// LockFile takes an exclusive advisory lock on path (created if absent), blocking until it is
// free; the kernel releases it if the process dies, so a crashed migration never wedges others.
func LockFile(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open migration lock %s: %w", path, err)
	}
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() {
		_ = unix.Flock(int(f.Fd()), unix.LOCK_UN)
		f.Close()
	}, nil
}
