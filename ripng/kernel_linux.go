package ripng

import (
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// newRouteHandle opens a route netlink socket in the caller's namespace.
func newRouteHandle() (*netlink.Handle, error) { return netlink.NewHandle(unix.NETLINK_ROUTE) }
