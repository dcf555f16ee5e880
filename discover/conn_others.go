//go:build !linux

package discover

import (
	"errors"
	"fmt"
	"net"
	"runtime"
)

// dial is the package's one edge to the operating system, which is
// implemented on Linux only.
func dial(op string, k sockKind, ifi *net.Interface) (socket, error) {
	return socket{}, fmt.Errorf("discover: %s: %w on %s/%s", op, errors.ErrUnsupported, runtime.GOOS, runtime.GOARCH)
}
