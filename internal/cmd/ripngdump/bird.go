package ripngdump

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"github.com/v6kit/v6kit/ripng"
)

// What BIRD 2 (2.0.12, protocol rip ng with the default interface options:
// ttl security on, metric 1, no "version only", no demand circuit) does
// with a datagram it receives on port 521. Written from its receive path
// (proto/rip/packets.c: rip_rx_hook, rip_receive_request,
// rip_receive_response, rip_get_block) and checked against a running BIRD
// by TestVerdictsMatchBIRD.

// birdCost is the interface metric BIRD adds by default.
const birdCost = 1

// packetVerdict returns "accept" or "drop: REASON", checking in BIRD's
// order: the socket's port, source address, hop limit, source port,
// length, version (only 0 is refused: BIRD never compares it with 1
// unless "version only" is set, and never reads the must-be-zero bytes),
// demand-circuit commands, length in entries, and the command.
func packetVerdict(src netip.Addr, sport, dport uint16, hopLimit int, p []byte) string {
	switch {
	case dport != ripng.Port:
		return fmt.Sprintf("drop: destination port %d", dport)
	case !src.IsLinkLocalUnicast():
		return "drop: source address not link-local"
	case hopLimit < 255:
		return fmt.Sprintf("drop: hop limit %d", hopLimit)
	case sport != ripng.Port:
		return fmt.Sprintf("drop: source port %d", sport)
	case len(p) < ripng.HeaderLen:
		return fmt.Sprintf("drop: too short (%d bytes)", len(p))
	case p[1] == 0:
		return "drop: version 0"
	case p[0] >= 9 && p[0] <= 11:
		return fmt.Sprintf("drop: demand-circuit command %d (RFC 2091)", p[0])
	case (len(p)-ripng.HeaderLen)%ripng.RTELen != 0:
		return fmt.Sprintf("drop: length %d is not 4 + 20·n bytes", len(p))
	case ripng.Command(p[0]) != ripng.Request && ripng.Command(p[0]) != ripng.Response:
		return fmt.Sprintf("drop: unknown command %d", p[0])
	case ripng.Command(p[0]) == ripng.Request && !wholeTableRequest(p):
		return "ignore: BIRD answers only whole-table requests"
	}
	return "accept"
}

// wholeTableRequest reports whether request p is the one BIRD answers:
// exactly one entry, ::/0 with metric 16.
func wholeTableRequest(p []byte) bool {
	if len(p) != ripng.HeaderLen+ripng.RTELen {
		return false
	}
	e := p[ripng.HeaderLen:]
	return [16]byte(e[:16]) == [16]byte{} && e[18] == 0 && e[19] == ripng.Infinity
}

// entryVerdict returns what BIRD does with one route entry e (20 bytes) of
// an accepted response: "accept", "withdraw" (metric plus the interface
// cost reaches 16), or "ignore: REASON". BIRD never rejects host bits: it
// clears them.
func entryVerdict(e []byte) string {
	if e[19] == ripng.MetricNextHop {
		a := netip.AddrFrom16([16]byte(e[:16]))
		if a.IsUnspecified() || a.IsLinkLocalUnicast() {
			return "accept"
		}
		return "ignore: next hop not link-local; the sender is the next hop"
	}
	plen, metric := int(e[18]), int(e[19])
	if plen > 128 {
		return fmt.Sprintf("ignore: invalid prefix length %d", plen)
	}
	p, _ := netip.AddrFrom16([16]byte(e[:16])).Prefix(plen)
	if why := birdInvalidPrefix(p.Addr()); why != "" {
		return "ignore: invalid prefix (" + why + ")"
	}
	if metric > ripng.Infinity {
		return fmt.Sprintf("ignore: invalid metric %d", metric)
	}
	if metric+birdCost >= ripng.Infinity {
		return "withdraw"
	}
	return "accept"
}

// birdInvalidPrefix says why BIRD refuses a (masked) prefix address as a
// route: not a host address, or of link or host scope. "" means valid.
func birdInvalidPrefix(a netip.Addr) string {
	b := a.As16()
	hi := binary.BigEndian.Uint32(b[:4])
	switch {
	case a.IsUnspecified(), hi&0xe0000000 == 0x20000000:
		return ""
	case hi&0xffc00000 == 0xfe800000:
		return "link-local"
	case b[0] == 0xff:
		return "multicast"
	case hi == 0 && binary.BigEndian.Uint32(b[4:8]) == 0:
		switch w2, w3 := binary.BigEndian.Uint32(b[8:12]), binary.BigEndian.Uint32(b[12:]); {
		case w2 == 0 && w3 == 1:
			return "loopback"
		case w2 == 0 || w2 == 0xffff:
			return birdInvalidIPv4(w3)
		default:
			return "reserved"
		}
	}
	return ""
}

// birdInvalidIPv4 classifies the IPv4 address inside an IPv4-compatible or
// -mapped prefix.
func birdInvalidIPv4(a uint32) string {
	switch b := a >> 24; {
	case b == 0:
		return "IPv4 this-network"
	case b == 0x7f:
		return "IPv4 loopback"
	case b >= 0xe0 && b < 0xf0:
		return "IPv4 multicast"
	case a == 0xffffffff:
		return "IPv4 broadcast"
	}
	return ""
}
