//go:build !linux

package ripng

import (
	"errors"
	"fmt"
	"net"
	"runtime"

	"github.com/vishvananda/netlink"
)

// unsupported is the one error every OS-touching function returns outside
// Linux.
func unsupported(what string) error {
	return fmt.Errorf("ripng: %s: %w on %s/%s", what, errors.ErrUnsupported, runtime.GOOS, runtime.GOARCH)
}

func listenUDP(ifname string) (*net.UDPConn, error) { return nil, unsupported("sockets") }

func newRouteHandle() (*netlink.Handle, error) { return nil, unsupported("kernel routes") }

func subscribe(done <-chan struct{}, events chan<- ifEvent, fail func(error)) error {
	return unsupported("interface watch")
}
