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

// MDNS is implemented on Linux only.
type MDNS struct{}

// ListenMDNS is implemented on Linux only.
func ListenMDNS(ifi *net.Interface) (*MDNS, error) {
	return nil, fmt.Errorf("discover: not supported on %s/%s", runtime.GOOS, runtime.GOARCH)
}

// Close does nothing.
func (m *MDNS) Close() error { return nil }

// Names is implemented on Linux only.
func (m *MDNS) Names(ctx context.Context, addrs []netip.Addr, wait time.Duration) (map[netip.Addr]string, error) {
	return nil, fmt.Errorf("discover: not supported on %s/%s", runtime.GOOS, runtime.GOARCH)
}

// Names is implemented on Linux only.
func Names(ctx context.Context, ifi *net.Interface, addrs []netip.Addr, wait time.Duration) (map[netip.Addr]string, error) {
	return nil, fmt.Errorf("discover: not supported on %s/%s", runtime.GOOS, runtime.GOARCH)
}
