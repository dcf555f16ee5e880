package ndp

import (
	"net"
	"net/netip"
	"strings"
)

// NeighborState is a set of neighbour cache states (RFC 4861, Section 7.3.2,
// and Linux's NUD_* values, which it equals bit for bit).
type NeighborState uint16

// Neighbour cache states.
const (
	StateIncomplete NeighborState = 0x01
	StateReachable  NeighborState = 0x02
	StateStale      NeighborState = 0x04
	StateDelay      NeighborState = 0x08
	StateProbe      NeighborState = 0x10
	StateFailed     NeighborState = 0x20
	StateNoARP      NeighborState = 0x40
	StatePermanent  NeighborState = 0x80

	// StatesUsable are the states whose link-layer address is known:
	// everything but INCOMPLETE and FAILED.
	StatesUsable = StateReachable | StateStale | StateDelay | StateProbe | StateNoARP | StatePermanent
)

var stateNames = []struct {
	s    NeighborState
	name string
}{
	{StateIncomplete, "INCOMPLETE"}, {StateReachable, "REACHABLE"}, {StateStale, "STALE"},
	{StateDelay, "DELAY"}, {StateProbe, "PROBE"}, {StateFailed, "FAILED"},
	{StateNoARP, "NOARP"}, {StatePermanent, "PERMANENT"},
}

// String names the states as ip-neighbour(8) does, joined by "|".
func (s NeighborState) String() string {
	if s == 0 {
		return "NONE"
	}
	var names []string
	for _, n := range stateNames {
		if s&n.s != 0 {
			names = append(names, n.name)
		}
	}
	return strings.Join(names, "|")
}

// A Neighbor is one neighbour: an address, its MAC and what is known of it.
type Neighbor struct {
	Addr    netip.Addr // without zone
	MAC     net.HardwareAddr
	State   NeighborState // for neighbour cache entries; 0 otherwise
	Router  bool          // it claims to be a router (NA R flag, or the cache's router flag)
	Ifindex int
}

// filterNeighbors keeps the entries whose state is in states, that carry a
// MAC, are unicast and are not one of own.
func filterNeighbors(ns []Neighbor, states NeighborState, own []netip.Addr) []Neighbor {
	out := ns[:0]
	for _, n := range ns {
		switch {
		case n.State&states == 0,
			len(n.MAC) == 0,
			!n.Addr.Is6() || n.Addr.IsMulticast() || n.Addr.IsUnspecified() || n.Addr.IsLoopback():
			continue
		}
		mine := false
		for _, a := range own {
			if a.WithZone("") == n.Addr {
				mine = true
			}
		}
		if !mine {
			out = append(out, n)
		}
	}
	return out
}
