package ndp

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"time"

	mdndp "github.com/mdlayher/ndp"
	"github.com/v6kit/v6kit/internal/netx"
	"golang.org/x/net/ipv6"
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

// SolicitRouters sends a Router Solicitation on ifi (RFC 4861, Section 6.3.7)
// and collects every Router Advertisement that arrives within wait,
// solicited or not, one Router per source address (the last advertisement
// wins), sorted by address. It repeats the solicitation every
// RtrSolicitationInterval while it waits, at most MaxRtrSolicitations times.
//
// Routers delay solicited answers by up to half a second (RFC 4861,
// Section 6.2.6), so a wait of one second or more is advisable. No router
// is not an error: the result is then empty. Cancelling ctx ends the wait
// early with ctx's error.
func SolicitRouters(ctx context.Context, ifi *net.Interface, wait time.Duration) ([]Router, error) {
	const op = "solicit routers"
	switch {
	case ifi == nil:
		return nil, errNilInterface(op)
	case wait < 0:
		return nil, fmt.Errorf("ndp: %s: negative wait %v", op, wait)
	}
	c, src, err := listenICMP(op, ifi, ipv6.ICMPTypeRouterAdvertisement)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	rs := &mdndp.RouterSolicitation{}
	if !src.IsUnspecified() && len(ifi.HardwareAddr) > 0 {
		// RFC 4861, Section 4.1: no source link-layer option from ::.
		rs.Options = []mdndp.Option{&mdndp.LinkLayerAddress{Direction: mdndp.Source, Addr: ifi.HardwareAddr}}
	}
	start := time.Now()
	end := start.Add(wait)
	if d, ok := ctx.Deadline(); ok && d.Before(end) {
		end = d
	}
	stop := netx.CancelReads(ctx, c)
	defer stop()

	var set routerSet
	buf := make([]byte, max(ifi.MTU, 1500))
	for sent := 0; ; {
		if sent < MaxRtrSolicitations && !time.Now().Before(start.Add(time.Duration(sent)*RtrSolicitationInterval)) {
			if err := c.WriteTo(rs, nil, allRouters); err != nil {
				return nil, fmt.Errorf("ndp: %s on interface %q: send: %w", op, ifi.Name, err)
			}
			sent++
		}
		next := end
		if sent < MaxRtrSolicitations {
			if t := start.Add(time.Duration(sent) * RtrSolicitationInterval); t.Before(end) {
				next = t
			}
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := c.SetReadDeadline(next); err != nil {
			return nil, fmt.Errorf("ndp: %s on interface %q: %w", op, ifi.Name, err)
		}
		n, cm, from, err := c.ReadRaw(buf)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if !netx.IsTimeout(err) {
				return nil, fmt.Errorf("ndp: %s on interface %q: read: %w", op, ifi.Name, err)
			}
			if !time.Now().Before(end) {
				return set.sorted(), nil
			}
			continue
		}
		// RFC 4861, Section 6.1.2: hop limit 255, link-local source.
		if cm != nil && cm.HopLimit != 0 && cm.HopLimit != HopLimit {
			continue
		}
		if !from.IsLinkLocalUnicast() {
			continue
		}
		r, err := ParseRouterAdvertisement(buf[:n])
		if err != nil {
			continue
		}
		r.Addr = from.WithZone("")
		r.Received = time.Now()
		set.add(*r)
	}
}
