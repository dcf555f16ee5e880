package ripngdump

import (
	"encoding/binary"
	"errors"
	"net/netip"
)

// Link types (the pcap LINKTYPE_ values this reader understands).
const (
	linkEthernet = 1
	linkRaw      = 101
	linkSLL      = 113
	linkIPv6     = 229
	linkSLL2     = 276
)

// datagram is one UDP datagram to or from port 521, out of a frame.
type datagram struct {
	src, dst     netip.Addr
	sport, dport uint16
	hopLimit     int
	payload      []byte
}

var errNotRIPng = errors.New("not RIPng")

// decodeFrame finds the IPv6/UDP datagram in a frame of the given link type
// and returns it if either port is 521.
func decodeFrame(linkType int, b []byte) (datagram, error) {
	var ethertype uint16
	switch linkType {
	case linkEthernet:
		if len(b) < 14 {
			return datagram{}, errNotRIPng
		}
		ethertype, b = binary.BigEndian.Uint16(b[12:14]), b[14:]
		for (ethertype == 0x8100 || ethertype == 0x88a8) && len(b) >= 4 {
			ethertype, b = binary.BigEndian.Uint16(b[2:4]), b[4:]
		}
	case linkSLL:
		if len(b) < 16 {
			return datagram{}, errNotRIPng
		}
		ethertype, b = binary.BigEndian.Uint16(b[14:16]), b[16:]
	case linkSLL2:
		if len(b) < 20 {
			return datagram{}, errNotRIPng
		}
		ethertype, b = binary.BigEndian.Uint16(b[0:2]), b[20:]
	case linkRaw, linkIPv6:
		ethertype = 0x86dd
	default:
		return datagram{}, errNotRIPng
	}
	if ethertype != 0x86dd {
		return datagram{}, errNotRIPng
	}
	return decodeIPv6(b)
}

func decodeIPv6(b []byte) (datagram, error) {
	if len(b) < 40 || b[0]>>4 != 6 {
		return datagram{}, errNotRIPng
	}
	d := datagram{
		src:      netip.AddrFrom16([16]byte(b[8:24])),
		dst:      netip.AddrFrom16([16]byte(b[24:40])),
		hopLimit: int(b[7]),
	}
	plen := int(binary.BigEndian.Uint16(b[4:6]))
	next := b[6]
	b = b[40:]
	if plen < len(b) {
		b = b[:plen]
	}
	// Skip extension headers: hop-by-hop, routing, destination options,
	// and the fragment header of an atomic fragment (offset 0, no more
	// fragments), which RFC 6946 says to process as unfragmented.
	for next == 0 || next == 43 || next == 60 || next == 44 {
		if len(b) < 8 {
			return datagram{}, errNotRIPng
		}
		n := 8 + int(b[1])*8
		if next == 44 {
			if binary.BigEndian.Uint16(b[2:4])&0xfff9 != 0 { // offset or M set
				return datagram{}, errNotRIPng
			}
			n = 8
		}
		if len(b) < n {
			return datagram{}, errNotRIPng
		}
		next, b = b[0], b[n:]
	}
	if next != 17 || len(b) < 8 {
		return datagram{}, errNotRIPng
	}
	d.sport, d.dport = binary.BigEndian.Uint16(b[0:2]), binary.BigEndian.Uint16(b[2:4])
	ulen := int(binary.BigEndian.Uint16(b[4:6]))
	if ulen < 8 || ulen > len(b) {
		ulen = len(b)
	}
	if d.sport != 521 && d.dport != 521 {
		return datagram{}, errNotRIPng
	}
	d.payload = b[8:ulen]
	return d, nil
}
