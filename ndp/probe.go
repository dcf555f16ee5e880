package ndp

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"time"

	mdndp "github.com/mdlayher/ndp"
	"github.com/v6kit/v6kit/internal/netx"
	"github.com/v6kit/v6kit/internal/v6frame"
	"golang.org/x/net/ipv6"
)

// Resolve finds the MAC of target on ifi's link the way a host does
// (RFC 4861, Section 7.2.2): a Neighbor Solicitation to target's
// solicited-node group from ifi's link-local address, repeated until a
// Neighbor Advertisement for target arrives. It returns ErrNoResponse after
// the last attempt, and ctx's error when ctx ends first.
func Resolve(ctx context.Context, ifi *net.Interface, target netip.Addr, opts *ResolveOptions) (Neighbor, error) {
	var o ResolveOptions
	if opts != nil {
		o = *opts
	}
	switch {
	case o.Attempts < 0:
		return Neighbor{}, fmt.Errorf("ndp: resolve: negative Attempts %d", o.Attempts)
	case o.Interval < 0:
		return Neighbor{}, fmt.Errorf("ndp: resolve: negative Interval %v", o.Interval)
	case o.Attempts == 0:
		o.Attempts = MaxMulticastSolicit
	}
	if o.Interval == 0 {
		o.Interval = RetransTimer
	}
	target = target.WithZone("")
	switch {
	case ifi == nil:
		return Neighbor{}, errNilInterface("resolve")
	case !target.Is6() || target.IsMulticast() || target.IsUnspecified():
		return Neighbor{}, fmt.Errorf("ndp: resolve %v: not an IPv6 unicast address", target)
	}
	c, src, err := listenICMP("resolve", ifi, ipv6.ICMPTypeNeighborAdvertisement)
	if err != nil {
		return Neighbor{}, err
	}
	defer c.Close()
	ns := &mdndp.NeighborSolicitation{TargetAddress: target}
	if !src.IsUnspecified() {
		ns.Options = []mdndp.Option{&mdndp.LinkLayerAddress{Direction: mdndp.Source, Addr: ifi.HardwareAddr}}
	}
	group := v6frame.SolicitedNode(target)
	stop := netx.CancelReads(ctx, c)
	defer stop()
	for range o.Attempts {
		if err := c.WriteTo(ns, nil, group); err != nil {
			return Neighbor{}, fmt.Errorf("ndp: resolve %v on interface %q: %w", target, ifi.Name, err)
		}
		if err := c.SetReadDeadline(time.Now().Add(o.Interval)); err != nil {
			return Neighbor{}, err
		}
		for {
			m, _, _, err := c.ReadFrom()
			if err != nil {
				if ctx.Err() != nil {
					return Neighbor{}, ctx.Err()
				}
				if netx.IsTimeout(err) {
					break
				}
				return Neighbor{}, fmt.Errorf("ndp: resolve %v on interface %q: %w", target, ifi.Name, err)
			}
			na, ok := m.(*mdndp.NeighborAdvertisement)
			if !ok || na.TargetAddress != target {
				continue
			}
			n := Neighbor{Addr: target, Router: na.Router, Ifindex: ifi.Index}
			for _, opt := range na.Options {
				if lla, ok := opt.(*mdndp.LinkLayerAddress); ok && lla.Direction == mdndp.Target {
					n.MAC = append(net.HardwareAddr(nil), lla.Addr...)
				}
			}
			if n.MAC == nil {
				continue // an NA without a target link-layer option names no MAC
			}
			return n, nil
		}
	}
	return Neighbor{}, fmt.Errorf("ndp: resolve %v on interface %q after %d attempts: %w", target, ifi.Name, o.Attempts, ErrNoResponse)
}

// ProbeDuplicate sends one duplicate address detection probe for addr
// (RFC 4862, Section 5.4.2: a Neighbor Solicitation from the unspecified
// address to addr's solicited-node group) and waits up to wait for a
// defender. dup is true when a node answers with a Neighbor Advertisement
// for addr, or probes for addr itself (Section 5.4.3); the returned
// Neighbor then names it. It needs a packet socket (CAP_NET_RAW), since
// the kernel will not send from the unspecified address.
func ProbeDuplicate(ctx context.Context, ifi *net.Interface, addr netip.Addr, wait time.Duration) (defender Neighbor, dup bool, err error) {
	addr = addr.WithZone("")
	if ifi == nil {
		return Neighbor{}, false, errNilInterface("probe")
	}
	mine, ok := v6frame.MACFrom(ifi.HardwareAddr)
	switch {
	case !ok:
		return Neighbor{}, false, fmt.Errorf("ndp: probe on interface %q: not an Ethernet interface", ifi.Name)
	case !addr.Is6() || addr.IsMulticast() || addr.IsUnspecified():
		return Neighbor{}, false, fmt.Errorf("ndp: probe %v: not an IPv6 unicast address", addr)
	case wait < 0:
		return Neighbor{}, false, fmt.Errorf("ndp: probe %v: negative wait %v", addr, wait)
	}
	s, err := dial("probe", sockFrames, ifi)
	if err != nil {
		return Neighbor{}, false, err
	}
	c := s.frames
	defer c.Close()
	msg, err := mdndp.MarshalMessage(&mdndp.NeighborSolicitation{TargetAddress: addr})
	if err != nil {
		return Neighbor{}, false, err
	}
	group := v6frame.SolicitedNode(addr)
	pkt := v6frame.Packet{DstMAC: v6frame.MulticastMAC(group), SrcMAC: mine, Src: netip.IPv6Unspecified(), Dst: group, HopLimit: HopLimit, ICMP: msg}
	frame, err := pkt.Append(nil)
	if err != nil {
		return Neighbor{}, false, err
	}
	if err := c.WriteFrame(frame); err != nil {
		return Neighbor{}, false, fmt.Errorf("ndp: probe %v on interface %q: %w", addr, ifi.Name, err)
	}
	if err := c.SetReadDeadline(time.Now().Add(wait)); err != nil {
		return Neighbor{}, false, err
	}
	stop := netx.CancelReads(ctx, c)
	defer stop()
	buf := make([]byte, max(ifi.MTU, 1500)+14)
	for {
		n, err := c.ReadFrame(buf)
		if err != nil {
			if ctx.Err() != nil {
				return Neighbor{}, false, ctx.Err()
			}
			if netx.IsTimeout(err) {
				return Neighbor{}, false, nil
			}
			return Neighbor{}, false, fmt.Errorf("ndp: probe %v on interface %q: %w", addr, ifi.Name, err)
		}
		var p v6frame.Packet
		if v6frame.Parse(buf[:n], &p) != nil || p.SrcMAC == mine {
			continue
		}
		s, ok := sight(&p, time.Now())
		if !ok || s.Addr != addr || (s.Kind != SawNA && s.Kind != SawDAD) {
			continue
		}
		return Neighbor{Addr: addr, MAC: s.MAC, Router: s.Router, Ifindex: ifi.Index}, true, nil
	}
}
