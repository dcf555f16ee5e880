//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package v6onlyserver

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// lockLeases takes the lock beside the lease file at path (path + ".lock",
// held with flock for the process's life, released by the kernel when it
// exits however it exits). The lease file itself cannot carry the lock:
// compaction replaces it by a rename.
func lockLeases(path string) (*os.File, error) {
	lock := path + ".lock"
	// Read-only is enough for flock, and opens a lock file another user
	// left (root's, say, mode 0644) as readily as our own.
	f, err := os.OpenFile(lock, os.O_RDONLY|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lease file %q: %w", path, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("lease file %q: %w (%s is locked); stop it, or give this server a -leases of its own", path, errLeasesInUse, lock)
		}
		return nil, fmt.Errorf("lease file %q: lock %s: %w", path, lock, err)
	}
	return f, nil
}
