package ndp

import (
	"net/netip"
	"slices"
	"time"
)

// RtrSolicitationInterval is the time between Router Solicitations a host
// repeats while it waits (RFC 4861, Section 10).
const RtrSolicitationInterval = 4 * time.Second

// MaxRtrSolicitations is how many Router Solicitations a host sends at most
// (RFC 4861, Section 10).
const MaxRtrSolicitations = 3

// allRouters is ff02::2, the all-routers multicast group.
var allRouters = netip.AddrFrom16([16]byte{0: 0xff, 1: 0x02, 15: 0x02})

// routerSet keeps the latest advertisement per router, in arrival order.
type routerSet struct{ rs []Router }

func (s *routerSet) add(r Router) {
	for i := range s.rs {
		if s.rs[i].Addr == r.Addr {
			s.rs[i] = r
			return
		}
	}
	s.rs = append(s.rs, r)
}

func (s *routerSet) sorted() []Router {
	out := slices.Clone(s.rs)
	slices.SortFunc(out, func(a, b Router) int { return a.Addr.Compare(b.Addr) })
	if out == nil {
		out = []Router{}
	}
	return out
}

// HopLimit is the hop limit of every NDP message (RFC 4861, Section 6.1).
const HopLimit = 255

// ResolveOptions tune Resolve. The zero value means RFC 4861 defaults.
type ResolveOptions struct {
	// Attempts is how many solicitations to send (default
	// MaxMulticastSolicit, 3).
	Attempts int
	// Interval is the wait for an answer after each (default
	// RetransTimer, 1 s).
	Interval time.Duration
}

// Defaults of RFC 4861, Section 10.
const (
	MaxMulticastSolicit = 3
	RetransTimer        = time.Second
)
