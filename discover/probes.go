package discover

import (
	"net"
	"net/netip"

	mdndp "github.com/mdlayher/ndp"
	"github.com/v6kit/v6kit/internal/v6frame"
	"github.com/v6kit/v6kit/slaac"
)

// probeKey names a probe for round-trip times.
type probeKey struct {
	m   Method
	src netip.Addr // our source (echo, invalid-dst) or the NS target
}

type probe struct {
	frame []byte
	key   probeKey
}

var (
	allNodes   = netip.IPv6LinkLocalAllNodes()
	allRouters = netip.MustParseAddr("ff02::2")
)

// enqueue builds a frame from our MAC and queues it; the shapes used here
// cannot fail to build, and one that did would be dropped, never sent
// malformed.
func (r *run) enqueue(key probeKey, p v6frame.Packet) {
	if b, ok := r.build(p); ok {
		r.queue = append(r.queue, probe{frame: b, key: key})
	}
}

func (r *run) build(p v6frame.Packet) ([]byte, bool) {
	p.SrcMAC = r.s.env.mac
	if p.DstMAC == (v6frame.MAC{}) {
		p.DstMAC = v6frame.MulticastMAC(p.Dst)
	}
	b, err := p.Append(nil)
	return b, err == nil
}

func (r *run) initialProbes() {
	if r.enabled(MethodMLD) && r.ll.IsValid() {
		// Hosts delay their reports at random up to the Maximum Response
		// Delay: the quiet period, so that the last report arrives while
		// the probe rounds still go out and the scan need not wait longer
		// for MLD than for the rest.
		q := mldGeneralQuery(r.quiet())
		r.enqueue(probeKey{m: MethodMLD}, v6frame.Packet{Src: r.ll, Dst: allNodes, HopLimit: 1, HopByHop: v6frame.RouterAlertMLD, ICMP: q})
	}
	r.multicastProbes()
	if r.enabled(MethodRA) {
		rs := &mdndp.RouterSolicitation{}
		src := netip.IPv6Unspecified()
		if r.ll.IsValid() {
			src = r.ll
			rs.Options = []mdndp.Option{&mdndp.LinkLayerAddress{Direction: mdndp.Source, Addr: r.s.env.mac.HardwareAddr()}}
		}
		if b, err := mdndp.MarshalMessage(rs); err == nil {
			r.enqueue(probeKey{m: MethodRA}, v6frame.Packet{Src: src, Dst: allRouters, HopLimit: 255, ICMP: b})
		}
	}
}

// multicastProbes queues the invalid-dst probe and the echo to ff02::1
// from every source, ahead of the Neighbor Solicitations already queued.
// A scan sends them probeRounds times, a quarter of a quiet period apart,
// in case the first were lost or rate-limited (Parameter Problem counts
// against the kernel's ICMP error limits) or a host's first answer waited
// for address resolution: none of these needs a longer pause.
func (r *run) multicastProbes() {
	var round []probe
	for _, src := range r.own {
		src = src.WithZone("")
		if !usable(src) {
			continue
		}
		if r.enabled(MethodInvalidDst) {
			if b, ok := r.build(v6frame.Packet{Src: src, Dst: allNodes, HopLimit: 255, DestOpts: v6frame.UnknownOption, ICMP: unknownTypeMessage(r.id)}); ok {
				round = append(round, probe{frame: b, key: probeKey{m: MethodInvalidDst, src: src}})
			}
		}
		if r.enabled(MethodEcho) {
			if b, ok := r.build(v6frame.Packet{Src: src, Dst: allNodes, HopLimit: 255, ICMP: echoRequest(r.id)}); ok {
				round = append(round, probe{frame: b, key: probeKey{m: MethodEcho, src: src}})
			}
		}
	}
	r.queue = append(round, r.queue...)
}

// solicit queues an NS for target (EUI-64 guess, a seen link-local or a
// neighbour cache entry), once from every source we have, each with our
// link-layer address: a host that answers creates a neighbour entry for
// each of our addresses (RFC 4861, Section 7.2.3), so its answers to the
// next round of multicast probes need no address resolution of their own.
// On a big link that saves a storm of multicast NS, which the bridge floods.
//
// The NS goes to target's solicited-node group, as RFC 4861 says, but in
// an Ethernet frame to mac, the one host that can own target (RFC 6085
// lets IPv6 multicast travel in unicast frames): a switch delivers it to
// that port alone instead of flooding the link, and no other host wakes.
func (r *run) solicit(target netip.Addr, mac net.HardwareAddr) {
	if !r.enabled(MethodNS) || r.guessed[target] || r.tb.own[target] || !r.ll.IsValid() {
		return
	}
	r.guessed[target] = true
	b, err := mdndp.MarshalMessage(&mdndp.NeighborSolicitation{TargetAddress: target,
		Options: []mdndp.Option{&mdndp.LinkLayerAddress{Direction: mdndp.Source, Addr: r.s.env.mac.HardwareAddr()}}})
	if err != nil {
		return
	}
	group := v6frame.SolicitedNode(target)
	var dst v6frame.MAC // zero: the group's multicast MAC
	if m, ok := v6frame.MACFrom(mac); ok {
		dst = m
	}
	r.enqueue(probeKey{m: MethodNS, src: target}, v6frame.Packet{DstMAC: dst, Src: r.ll, Dst: group, HopLimit: 255, ICMP: b})
	for _, src := range r.own {
		if src = src.WithZone(""); src.IsGlobalUnicast() {
			r.enqueue(probeKey{m: MethodNS, src: target}, v6frame.Packet{DstMAC: dst, Src: src, Dst: group, HopLimit: 255, ICMP: b})
		}
	}
}

// guess queues NS for mac's EUI-64 address in every known prefix.
func (r *run) guess(mac net.HardwareAddr) {
	iid, err := slaac.EUI64(mac)
	if err != nil {
		return
	}
	r.solicit(slaac.LinkLocal(iid), mac)
	for _, p := range r.prefixes {
		if a, err := slaac.Addr(p, iid); err == nil {
			r.solicit(a, mac)
		}
	}
}
