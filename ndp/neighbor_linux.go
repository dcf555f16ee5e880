package ndp

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// A NeighborTable reads the kernel's IPv6 neighbour cache over rtnetlink.
// Its socket belongs to the network namespace of the thread that opened
// it, however many goroutines use it later.
type NeighborTable struct{ h *netlink.Handle }

// OpenNeighborTable opens an rtnetlink socket in the current namespace.
func OpenNeighborTable() (*NeighborTable, error) {
	h, err := netlink.NewHandle(unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("ndp: netlink: %w", err)
	}
	return &NeighborTable{h: h}, nil
}

// Close closes the socket.
func (t *NeighborTable) Close() error {
	t.h.Close()
	return nil
}

// List returns the IPv6 neighbours of ifi (every interface when ifi is
// nil) whose state is in states, leaving out entries without a MAC,
// multicast entries and the interface's own addresses. Use StatesUsable to
// drop INCOMPLETE and FAILED entries.
func (t *NeighborTable) List(ifi *net.Interface, states NeighborState) ([]Neighbor, error) {
	idx := 0
	if ifi != nil {
		idx = ifi.Index
	}
	ns, err := t.h.NeighList(idx, unix.AF_INET6)
	if err != nil {
		return nil, fmt.Errorf("ndp: list neighbours: %w", err)
	}
	own, err := t.LocalAddrs(ifi)
	if err != nil {
		return nil, err
	}
	out := make([]Neighbor, 0, len(ns))
	for _, n := range ns {
		a, ok := netip.AddrFromSlice(n.IP)
		if !ok {
			continue
		}
		out = append(out, Neighbor{
			Addr: a, MAC: n.HardwareAddr, State: NeighborState(n.State),
			Router: n.Flags&unix.NTF_ROUTER != 0, Ifindex: n.LinkIndex,
		})
	}
	return filterNeighbors(out, states, own), nil
}

// LocalAddrs lists the IPv6 addresses of ifi (every interface when nil)
// in the table's namespace, without tentative or DAD-failed ones.
func (t *NeighborTable) LocalAddrs(ifi *net.Interface) ([]netip.Addr, error) {
	var link netlink.Link
	if ifi != nil {
		var err error
		if link, err = t.h.LinkByIndex(ifi.Index); err != nil {
			return nil, fmt.Errorf("ndp: link %s: %w", ifi.Name, err)
		}
	}
	as, err := t.h.AddrList(link, unix.AF_INET6)
	if err != nil {
		return nil, fmt.Errorf("ndp: list addresses: %w", err)
	}
	var out []netip.Addr
	for _, a := range as {
		if a.Flags&(unix.IFA_F_TENTATIVE|unix.IFA_F_DADFAILED) != 0 {
			continue
		}
		if ip, ok := netip.AddrFromSlice(a.IP); ok {
			out = append(out, ip)
		}
	}
	return out, nil
}

// Neighbors reads the neighbour cache once; see NeighborTable.List.
func Neighbors(ifi *net.Interface, states NeighborState) ([]Neighbor, error) {
	t, err := OpenNeighborTable()
	if err != nil {
		return nil, err
	}
	defer t.Close()
	return t.List(ifi, states)
}
