//go:build !linux

package discover

import (
	"fmt"
	"net"
	"runtime"
)

// NewScanner is implemented on Linux only.
func NewScanner(ifi *net.Interface, o *Options) (*Scanner, error) {
	return nil, fmt.Errorf("discover: not supported on %s/%s", runtime.GOOS, runtime.GOARCH)
}
