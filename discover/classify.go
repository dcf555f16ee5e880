package discover

import (
	"net"
	"net/netip"
	"time"

	mdndp "github.com/mdlayher/ndp"
	"github.com/v6kit/v6kit/internal/v6frame"
)

// obs is one answer, classified by the reader.
type obs struct {
	mac      net.HardwareAddr
	addr     netip.Addr
	m        Method
	router   bool
	at       time.Time
	key      probeKey
	prefixes []netip.Prefix // from an RA
}

// classify turns an ICMPv6 frame from another node into an observation:
// an answer to one of our probes (by our echo identifier id and our own
// addresses) or NDP traffic seen in passing.
func classify(p *v6frame.Packet, id uint16, own map[netip.Addr]bool) (obs, bool) {
	o := obs{mac: p.SrcMAC.HardwareAddr(), addr: p.Src}
	m := p.ICMP
	switch m[0] {
	case icmpEchoReply:
		got, seq, ok := echoID(m)
		if !ok || got != id || !own[p.Dst] {
			return o, false
		}
		o.m, o.key = MethodEcho, probeKey{m: MethodEcho, src: p.Dst, seq: seq}
	case icmpParamProblem: // invoked by our probe
		if src, ok := invokingSource(m); !ok || !own[src] {
			return o, false
		}
		// A quote that shows another probe's identifier answers another
		// scan (this scanner's last, another program's): its seq would
		// time it from the wrong send. A quote cut short is still ours.
		got, seq, quoted := invokingProbe(m)
		if quoted && got != id {
			return o, false
		}
		o.m, o.key = MethodInvalidDst, probeKey{m: MethodInvalidDst, src: p.Dst, seq: seq}
	case icmpMLDv1Report, icmpMLDv2Report:
		if !p.Src.IsLinkLocalUnicast() {
			o.addr = netip.Addr{}
		}
		o.m, o.key = MethodMLD, probeKey{m: MethodMLD}
	case icmpRS, icmpRA, icmpNS, icmpNA:
		if p.HopLimit != 255 {
			return o, false
		}
		msg, err := mdndp.ParseMessage(m)
		if err != nil {
			return o, false
		}
		o.m = MethodPassive
		switch msg := msg.(type) {
		case *mdndp.NeighborAdvertisement:
			o.addr, o.router = msg.TargetAddress, msg.Router
			if own[p.Dst] {
				o.m, o.key = MethodNS, probeKey{m: MethodNS, src: msg.TargetAddress}
			}
			for _, opt := range msg.Options {
				if lla, ok := opt.(*mdndp.LinkLayerAddress); ok && lla.Direction == mdndp.Target && len(lla.Addr) == 6 {
					o.mac = append(net.HardwareAddr(nil), lla.Addr...)
				}
			}
		case *mdndp.NeighborSolicitation:
			if p.Src.IsUnspecified() {
				return o, false // DAD: the address is not in use yet
			}
		case *mdndp.RouterAdvertisement:
			o.m, o.router, o.key = MethodRA, true, probeKey{m: MethodRA}
			for _, opt := range msg.Options {
				if pi, ok := opt.(*mdndp.PrefixInformation); ok && pi.PrefixLength == 64 && pi.AutonomousAddressConfiguration {
					if pfx, err := pi.Prefix.Prefix(64); err == nil && pfx.Addr().IsGlobalUnicast() {
						o.prefixes = append(o.prefixes, pfx)
					}
				}
			}
		}
	default:
		return o, false
	}
	if p.Src.IsUnspecified() && o.m != MethodNS && o.m != MethodPassive {
		o.addr = netip.Addr{}
	}
	return o, true
}
