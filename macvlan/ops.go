package macvlan

import (
	"net"
	"net/netip"
)

// linkInfo is what the adapter reports about one link.
type linkInfo struct {
	Name        string
	Index       int
	ParentIndex int
	Kind        string
	// Encap is the link type as `ip link` prints it ("ether",
	// "loopback", "none"); empty when the adapter does not know.
	Encap string
	Mode  Mode
	MAC   net.HardwareAddr
	Up    bool
}

// onLink is one on-link route of the parent.
type onLink struct {
	Dst netip.Prefix
	Src netip.Addr // IPv4: the route's preferred source, if any
}

// netOps is the consumer-side netlink interface Ensure, Remove and List run
// against: the Linux adapter in production, a fake in tests.
type netOps interface {
	linkByName(name string) (linkInfo, bool, error)
	links() ([]linkInfo, error)
	addMacvlan(name string, parent int, mac net.HardwareAddr) (int, error)
	setUp(index int) error
	deleteLink(index int) error
	onLinkRoutes(index int) ([]onLink, error)
	addrs(index int, family int) ([]netip.Prefix, error)
	addAddr(index int, p netip.Prefix) error
	delAddr(index int, p netip.Prefix) error
	routes(index int) ([]Route, error)
	addRoute(index int, r Route) error
	delRoute(index int, r Route) error
	close() error
}
