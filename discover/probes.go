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
	// seq names one send of an echo or invalid-dst probe: an answer to the
	// third round is timed from the third round, not the first.
	seq uint16
}

type probe struct {
	frame []byte
	key   probeKey
	// obsolete, when set, says at the head of the queue whether what
	// the probe would learn is known by now: then it is not sent.
	obsolete func() bool
}

// Why a Neighbor Solicitation is sent; each reason lapses once the scan
// has learnt what the NS would tell.
type nsReason uint8

const (
	nsCache nsReason = iota + 1 // a neighbour cache entry not known up: lapses once its MAC answers
	nsGuess                     // an EUI-64 guess: lapses once the address is found, or the host shows a link-local that is not EUI-64
	nsSeen                      // a link-local seen: asks whether it routes; lapses once the host is known as a router
)

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

// nextSeq returns the sequence number of the next echo or invalid-dst
// probe built; it wraps after 65535 sends, far beyond a scan's.
func (r *run) nextSeq() uint16 {
	r.seq++
	return r.seq
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
		// Delay: the quiet period, so that the last report arrives within
		// the quiet period that ends the scan, and the scan need not wait
		// longer for MLD than for the rest.
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
// A scan sends them probeRounds times, a round gap apart (see roundGap),
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
			seq := r.nextSeq()
			if b, ok := r.build(v6frame.Packet{Src: src, Dst: allNodes, HopLimit: 255, DestOpts: v6frame.UnknownOption, ICMP: unknownTypeMessage(r.id, seq)}); ok {
				round = append(round, probe{frame: b, key: probeKey{m: MethodInvalidDst, src: src, seq: seq}})
			}
		}
		if r.enabled(MethodEcho) {
			seq := r.nextSeq()
			if b, ok := r.build(v6frame.Packet{Src: src, Dst: allNodes, HopLimit: 255, ICMP: echoRequest(r.id, seq)}); ok {
				round = append(round, probe{frame: b, key: probeKey{m: MethodEcho, src: src, seq: seq}})
			}
		}
	}
	r.queue = append(round, r.queue...)
}

// direct prepares, for a host just found, an echo request to ff02::1 from
// each global source, in an Ethernet frame to the host alone (RFC 6085),
// sent once the multicast rounds are over (at once for a host found
// after them, by a late MLD report say) unless the host has shown an
// address in that source's prefix by then. It finds the global addresses
// of a host whose answers to the multicast rounds were lost — on a big
// link every host answers each round at once — one host at a time, at the
// scan's rate.
func (r *run) direct(mac net.HardwareAddr) {
	dst, ok := v6frame.MACFrom(mac)
	if !ok || !r.enabled(MethodEcho) {
		return
	}
	key := string(mac)
	for _, src := range r.own {
		src = src.WithZone("")
		if !src.IsGlobalUnicast() || !usable(src) {
			continue
		}
		seq := r.nextSeq()
		b, ok := r.build(v6frame.Packet{DstMAC: dst, Src: src, Dst: allNodes, HopLimit: 255, ICMP: echoRequest(r.id, seq)})
		if !ok {
			continue
		}
		prefix := netip.PrefixFrom(src, 64).Masked()
		lane := &r.directed
		if r.roundsOver {
			lane = &r.queue
		}
		*lane = append(*lane, probe{frame: b, key: probeKey{m: MethodEcho, src: src, seq: seq}, obsolete: func() bool {
			h := r.tb.hosts[key]
			if h == nil {
				return false
			}
			for _, a := range h.Addrs {
				if prefix.Contains(a.Addr) {
					return true
				}
			}
			return false
		}})
	}
}

// solicit queues an NS for target (EUI-64 guess, a seen link-local or a
// neighbour cache entry) from our link-local address, with our link-layer
// address: a host that answers creates a neighbour entry for us (RFC
// 4861, Section 7.2.3). One NS per target: the multicast rounds are over
// long before a big link's solicitations, so priming hosts' caches for
// our other sources would buy nothing. When its turn comes, an NS whose
// reason has lapsed is dropped unsent (see nsReason).
//
// The NS goes to target's solicited-node group, as RFC 4861 says, but in
// an Ethernet frame to mac, the one host that can own target (RFC 6085
// lets IPv6 multicast travel in unicast frames): a switch delivers it to
// that port alone instead of flooding the link, and no other host wakes.
func (r *run) solicit(target netip.Addr, mac net.HardwareAddr, why nsReason) {
	if !r.enabled(MethodNS) || r.tb.own[target] || !r.ll.IsValid() {
		return
	}
	if r.guessed[target] != 0 {
		if why == nsSeen {
			r.guessed[target] = nsSeen // the queued NS asks whether it routes, too
		}
		return
	}
	r.guessed[target] = why
	b, err := mdndp.MarshalMessage(&mdndp.NeighborSolicitation{TargetAddress: target,
		Options: []mdndp.Option{&mdndp.LinkLayerAddress{Direction: mdndp.Source, Addr: r.s.env.mac.HardwareAddr()}}})
	if err != nil {
		return
	}
	var dst v6frame.MAC // zero: the group's multicast MAC
	if m, ok := v6frame.MACFrom(mac); ok {
		dst = m
	}
	frame, ok := r.build(v6frame.Packet{DstMAC: dst, Src: r.ll, Dst: v6frame.SolicitedNode(target), HopLimit: 255, ICMP: b})
	if !ok {
		return
	}
	key := string(mac)
	lane := &r.queue
	switch why {
	case nsGuess:
		lane = &r.guesses
	case nsSeen:
		lane = &r.asks // it finds no address
	}
	*lane = append(*lane, probe{frame: frame, key: probeKey{m: MethodNS, src: target}, obsolete: func() bool {
		h := r.tb.hosts[key]
		if h == nil {
			return false
		}
		switch r.guessed[target] {
		case nsCache:
			return h.Methods&methodsActive != 0
		case nsGuess:
			return h.Has(target) || !maybeEUI64(h)
		case nsSeen:
			return h.Router
		}
		return false
	}})
}

// maybeEUI64 reports whether h may form addresses from its MAC: it has
// shown no link-local address other than its MAC's EUI-64 one. A host
// whose link-local is stable-privacy, random or manual forms its global
// addresses the same way (Linux's addr_gen_mode, Windows, macOS and
// Android apply one rule to both).
func maybeEUI64(h *Host) bool {
	iid, err := slaac.EUI64(h.MAC)
	if err != nil {
		return false
	}
	eui := slaac.LinkLocal(iid)
	for _, a := range h.Addrs {
		if a.Addr.IsLinkLocalUnicast() && a.Addr.WithZone("") != eui {
			return false
		}
	}
	return true
}

// guess queues NS for mac's EUI-64 address in every known prefix.
func (r *run) guess(mac net.HardwareAddr) {
	iid, err := slaac.EUI64(mac)
	if err != nil {
		return
	}
	r.solicit(slaac.LinkLocal(iid), mac, nsGuess)
	for _, p := range r.prefixes {
		if a, err := slaac.Addr(p, iid); err == nil {
			r.solicit(a, mac, nsGuess)
		}
	}
}
