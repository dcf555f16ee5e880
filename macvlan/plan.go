package macvlan

import (
	"fmt"
	"net"
	"net/netip"
	"slices"

	"github.com/v6kit/v6kit/slaac"
)

// wantRoutes turns the parent's on-link routes into the shim's routes and
// addresses.
func wantRoutes(cfg Config, parentRoutes []onLink, mac net.HardwareAddr) ([]Route, []netip.Prefix, error) {
	iid, err := slaac.EUI64(mac)
	if err != nil {
		return nil, nil, fmt.Errorf("macvlan: %w", err)
	}
	var routes []Route
	var addrs []netip.Prefix
	for _, r := range parentRoutes {
		d := r.Dst.Masked()
		switch {
		case d.Addr().Is6() && routable6(d):
			routes = append(routes, Route{Dst: d, Metric: cfg.metric(), PrefHigh: true})
			if d.Bits() <= 64 {
				a, err := slaac.Addr(netip.PrefixFrom(d.Addr(), 64), iid)
				if err == nil {
					addrs = append(addrs, netip.PrefixFrom(a, 128))
				}
			}
		case d.Addr().Is4() && cfg.IPv4 && d.Bits() > 0 && d.Bits() < 32:
			// The kernel's IPv4 subnet route has metric 0, so a second
			// route for the same subnet would never win: route its two
			// halves instead, which longest-prefix match prefers.
			lo, hi := halves(d)
			routes = append(routes,
				Route{Dst: lo, Src: r.Src, Metric: cfg.metric()},
				Route{Dst: hi, Src: r.Src, Metric: cfg.metric()})
		}
	}
	slices.SortFunc(routes, func(a, b Route) int { return comparePrefix(a.Dst, b.Dst) })
	routes = slices.CompactFunc(routes, func(a, b Route) bool { return a.Dst == b.Dst })
	slices.SortFunc(addrs, comparePrefix)
	addrs = slices.Compact(addrs)
	return routes, addrs, nil
}

// ownAddr reports whether a is one of the addresses a shim with iid gives
// itself: a /128 in a global or ULA prefix with the shim's EUI-64.
func ownAddr(a netip.Prefix, iid slaac.IID) bool {
	return a.Bits() == 128 && routable6(netip.PrefixFrom(a.Addr(), 64)) && slaac.IIDFrom(a.Addr()) == iid
}

// ownRoute reports whether r, a route out of the shim, is one Ensure makes
// (whatever its metric, so that changing the metric converges): IPv6 with
// preference high, or IPv4 with a preferred source. A user's own routes
// through the shim carry neither.
func ownRoute(r Route) bool {
	a := r.Dst.Addr()
	return !a.IsLinkLocalUnicast() && ((a.Is6() && r.PrefHigh) || (a.Is4() && r.Src.IsValid()))
}

// halves splits an IPv4 prefix into its two halves.
func halves(p netip.Prefix) (netip.Prefix, netip.Prefix) {
	bits := p.Bits() + 1
	a := p.Addr().As4()
	a[(bits-1)/8] |= 0x80 >> ((bits - 1) % 8)
	return netip.PrefixFrom(p.Addr(), bits), netip.PrefixFrom(netip.AddrFrom4(a), bits)
}

func comparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return a.Bits() - b.Bits()
}

// routable6 reports whether an IPv6 on-link prefix is a global or ULA one
// (not link-local, multicast, the default route or a host route).
func routable6(p netip.Prefix) bool {
	a := p.Addr()
	return p.Bits() > 0 && p.Bits() < 128 && !a.IsLinkLocalUnicast() && !a.IsMulticast() && !a.IsLoopback() &&
		(a.IsGlobalUnicast() || a.IsPrivate())
}
