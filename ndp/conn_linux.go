package ndp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"time"

	mdndp "github.com/mdlayher/ndp"
	"golang.org/x/net/ipv6"
)

// listen opens an ICMPv6 NDP socket on ifi from its link-local address, or
// from the unspecified address when it has no usable one yet.
//
// The socket names its zone by interface index, not by name: the net
// package caches zone names process-wide for a minute, so in a program that
// works in several network namespaces "eth0" would resolve to another
// namespace's index and bind the wrong link. Sources therefore carry a
// numeric zone; callers strip zones anyway.
func listen(ifi *net.Interface) (*mdndp.Conn, netip.Addr, error) {
	byIndex := *ifi
	byIndex.Name = strconv.Itoa(ifi.Index)
	c, src, err := mdndp.Listen(&byIndex, mdndp.LinkLocal)
	if err == nil {
		return c, src, nil
	}
	c, src, err2 := mdndp.Listen(&byIndex, mdndp.Unspecified)
	if err2 != nil {
		return nil, netip.Addr{}, fmt.Errorf("ndp: listen on %s: %w", ifi.Name, errors.Join(err, err2))
	}
	return c, src, nil
}

// watchCancel makes reads on c return at once when ctx is done. Call the
// returned function when done reading.
func watchCancel(ctx context.Context, c interface{ SetReadDeadline(time.Time) error }) func() bool {
	return context.AfterFunc(ctx, func() { _ = c.SetReadDeadline(time.Unix(1, 0)) })
}

func isTimeout(err error) bool { return errors.Is(err, os.ErrDeadlineExceeded) }

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
	c, src, err := listen(ifi)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	var f ipv6.ICMPFilter
	f.SetAll(true)
	f.Accept(ipv6.ICMPTypeRouterAdvertisement)
	if err := c.SetICMPFilter(&f); err != nil {
		return nil, fmt.Errorf("ndp: solicit routers: %w", err)
	}
	if err := c.SetControlMessage(ipv6.FlagHopLimit, true); err != nil {
		return nil, fmt.Errorf("ndp: solicit routers: %w", err)
	}
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
	stop := watchCancel(ctx, c)
	defer stop()

	var set routerSet
	buf := make([]byte, max(ifi.MTU, 1500))
	for sent := 0; ; {
		if sent < MaxRtrSolicitations && !time.Now().Before(start.Add(time.Duration(sent)*RtrSolicitationInterval)) {
			if err := c.WriteTo(rs, nil, allRouters); err != nil {
				return nil, fmt.Errorf("ndp: send router solicitation on %s: %w", ifi.Name, err)
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
			return nil, fmt.Errorf("ndp: solicit routers: %w", err)
		}
		n, cm, from, err := c.ReadRaw(buf)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if !isTimeout(err) {
				return nil, fmt.Errorf("ndp: read on %s: %w", ifi.Name, err)
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
