package ndp

import (
	"fmt"
	"net"
	"net/netip"
)

// A NeighborTable reads the kernel's IPv6 neighbour cache over rtnetlink.
// Its socket belongs to the network namespace of the thread that opened
// it, however many goroutines use it later.
type NeighborTable struct{ src neighborSource }

// OpenNeighborTable opens an rtnetlink socket in the current namespace;
// Close releases it.
func OpenNeighborTable() (*NeighborTable, error) {
	s, err := dial("neighbour table", sockNetlink, nil)
	if err != nil {
		return nil, err
	}
	return &NeighborTable{src: s.table}, nil
}

// Close closes the socket.
func (t *NeighborTable) Close() error { return t.src.Close() }

// List returns the IPv6 neighbours of ifi (every interface when ifi is
// nil) whose state is in states, leaving out entries without a MAC,
// multicast entries and the interface's own addresses. Use StatesUsable to
// drop INCOMPLETE and FAILED entries.
func (t *NeighborTable) List(ifi *net.Interface, states NeighborState) ([]Neighbor, error) {
	ns, err := t.src.neighbors(index(ifi))
	if err != nil {
		return nil, fmt.Errorf("ndp: list neighbours%s: %w", on(ifi), err)
	}
	own, err := t.LocalAddrs(ifi)
	if err != nil {
		return nil, err
	}
	return filterNeighbors(ns, states, own), nil
}

// LocalAddrs lists the IPv6 addresses of ifi (every interface when nil)
// in the table's namespace, without tentative or DAD-failed ones.
func (t *NeighborTable) LocalAddrs(ifi *net.Interface) ([]netip.Addr, error) {
	as, err := t.src.addrs(index(ifi))
	if err != nil {
		return nil, fmt.Errorf("ndp: list addresses%s: %w", on(ifi), err)
	}
	return as, nil
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

func index(ifi *net.Interface) int {
	if ifi == nil {
		return 0
	}
	return ifi.Index
}

// on names ifi for an error message: ` of interface "eth0"`, or nothing.
func on(ifi *net.Interface) string {
	if ifi == nil {
		return ""
	}
	return fmt.Sprintf(" of interface %q", ifi.Name)
}
