//go:build !linux

package host

import (
	"errors"
	"fmt"
	"runtime"
)

// readLink is the one place a non-Linux system says no: everything the
// package reads starts with the link.
func readLink(ifname string) (*Link, error) {
	return nil, fmt.Errorf("slaac/host: %s: netlink: %w on %s/%s", ifname, errors.ErrUnsupported, runtime.GOOS, runtime.GOARCH)
}
