//go:build !linux

package discover

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"runtime"
	"time"
)

// Names is implemented on Linux only.
func Names(ctx context.Context, ifi *net.Interface, addrs []netip.Addr, wait time.Duration) (map[netip.Addr]string, error) {
	return nil, fmt.Errorf("discover: not supported on %s/%s", runtime.GOOS, runtime.GOARCH)
}
