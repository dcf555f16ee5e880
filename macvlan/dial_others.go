//go:build !linux

package macvlan

import (
	"errors"
	"fmt"
	"runtime"
)

// dial is the one place a non-Linux system says no: every OS-touching
// function of the package reaches netlink through it.
func dial() (netOps, error) {
	return nil, fmt.Errorf("macvlan: netlink: %w on %s/%s", errors.ErrUnsupported, runtime.GOOS, runtime.GOARCH)
}
