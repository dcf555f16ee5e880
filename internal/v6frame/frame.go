// Package v6frame builds and parses the Ethernet frames that carry ICMPv6
// (RFC 4443) with optional Hop-by-Hop and Destination Options headers
// (RFC 8200, Section 4), for the packet sockets of ndp and discover.
package v6frame

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
)

// EtherTypeIPv6 is the Ethernet type of IPv6.
const EtherTypeIPv6 = 0x86dd

// Next-header values this package understands (RFC 8200).
const (
	protoHopByHop = 0
	protoICMPv6   = 58
	protoDestOpts = 60
)

// Errors Parse returns; messages start with "v6frame:".
var (
	ErrNotIPv6   = errors.New("v6frame: not an IPv6 frame")
	ErrNotICMPv6 = errors.New("v6frame: not ICMPv6 (or an extension header this package does not walk)")
	ErrMalformed = errors.New("v6frame: malformed")
	// ErrDropped means the kernel dropped an outgoing frame for want of
	// buffer space (ENOBUFS: a full queue on the way out). The link is
	// fine; the frame is lost, as it could be on the wire.
	ErrDropped = errors.New("v6frame: frame dropped by the kernel (no buffer space)")
)

// MAC is an Ethernet address.
type MAC [6]byte

// MACFrom converts a net.HardwareAddr of 6 bytes; ok is false otherwise.
func MACFrom(hw net.HardwareAddr) (m MAC, ok bool) {
	if len(hw) != 6 {
		return m, false
	}
	copy(m[:], hw)
	return m, true
}

// HardwareAddr returns a fresh net.HardwareAddr.
func (m MAC) HardwareAddr() net.HardwareAddr {
	return net.HardwareAddr{m[0], m[1], m[2], m[3], m[4], m[5]}
}

func (m MAC) String() string { return net.HardwareAddr(m[:]).String() }

// MulticastMAC is the Ethernet group of an IPv6 multicast address (RFC 2464,
// Section 7): 33:33 and its last 32 bits.
func MulticastMAC(a netip.Addr) MAC {
	b := a.As16()
	return MAC{0x33, 0x33, b[12], b[13], b[14], b[15]}
}

// SolicitedNode is the solicited-node multicast group of a (RFC 4291,
// Section 2.7.1): ff02::1:ffXX:XXXX.
func SolicitedNode(a netip.Addr) netip.Addr {
	b := a.As16()
	return netip.AddrFrom16([16]byte{0: 0xff, 1: 0x02, 11: 0x01, 12: 0xff, 13: b[13], 14: b[14], 15: b[15]})
}

// Packet is one Ethernet frame carrying ICMPv6.
type Packet struct {
	DstMAC, SrcMAC MAC
	Src, Dst       netip.Addr
	HopLimit       uint8
	// HopByHop and DestOpts are the option areas (TLVs with their padding)
	// of a Hop-by-Hop and a Destination Options header; nil means no such
	// header. Build pads them to a multiple of 8 bytes with PadN.
	HopByHop []byte
	DestOpts []byte
	// ICMP is the ICMPv6 message. Build fills in its checksum; Parse
	// returns a slice of its input.
	ICMP []byte
}

// RouterAlertMLD is the Hop-by-Hop option area of MLD messages: the Router
// Alert option (RFC 2711) with value 0 (MLD).
var RouterAlertMLD = []byte{5, 2, 0, 0}

// UnknownOption is a Destination Options area holding option type 0x80 with
// four zero bytes: unknown to every node, and its top bits "10" ask the
// node to discard the packet and send Parameter Problem, code 2, even to a
// multicast destination (RFC 8200, Section 4.2).
var UnknownOption = []byte{0x80, 4, 0, 0, 0, 0}

// extLen is the wire length of an extension header carrying opts (0 if nil).
func extLen(opts []byte) int {
	if opts == nil {
		return 0
	}
	return (len(opts) + 2 + 7) &^ 7
}

// Append appends p as an Ethernet frame. It rejects non-IPv6 addresses, an
// empty ICMP message, option areas over 2040 bytes and payloads over 65535
// bytes.
func (p *Packet) Append(b []byte) ([]byte, error) {
	if !p.Src.Is6() || !p.Dst.Is6() || p.Src.Is4In6() || p.Dst.Is4In6() {
		return b, fmt.Errorf("%w: addresses %v → %v must be IPv6", ErrMalformed, p.Src, p.Dst)
	}
	if len(p.ICMP) < 4 {
		return b, fmt.Errorf("%w: ICMPv6 message of %d bytes", ErrMalformed, len(p.ICMP))
	}
	if extLen(p.HopByHop) > 2048 || extLen(p.DestOpts) > 2048 {
		return b, fmt.Errorf("%w: extension header too long", ErrMalformed)
	}
	plen := extLen(p.HopByHop) + extLen(p.DestOpts) + len(p.ICMP)
	if plen > 0xffff {
		return b, fmt.Errorf("%w: payload of %d bytes", ErrMalformed, plen)
	}
	b = append(b, p.DstMAC[:]...)
	b = append(b, p.SrcMAC[:]...)
	b = binary.BigEndian.AppendUint16(b, EtherTypeIPv6)
	next := byte(protoICMPv6)
	if p.DestOpts != nil {
		next = protoDestOpts
	}
	first := next
	if p.HopByHop != nil {
		first = protoHopByHop
	}
	b = append(b, 0x60, 0, 0, 0)
	b = binary.BigEndian.AppendUint16(b, uint16(plen))
	b = append(b, first, p.HopLimit)
	src, dst := p.Src.As16(), p.Dst.As16()
	b = append(b, src[:]...)
	b = append(b, dst[:]...)
	if p.HopByHop != nil {
		b = appendExt(b, next, p.HopByHop)
	}
	if p.DestOpts != nil {
		b = appendExt(b, protoICMPv6, p.DestOpts)
	}
	start := len(b)
	b = append(b, p.ICMP...)
	b[start+2], b[start+3] = 0, 0
	binary.BigEndian.PutUint16(b[start+2:], Checksum(p.Src, p.Dst, b[start:]))
	return b, nil
}

func appendExt(b []byte, next byte, opts []byte) []byte {
	n := extLen(opts)
	b = append(b, next, byte(n/8-1))
	b = append(b, opts...)
	switch pad := n - 2 - len(opts); pad {
	case 0:
	case 1:
		b = append(b, 0) // Pad1
	default:
		b = append(b, 1, byte(pad-2)) // PadN
		b = append(b, make([]byte, pad-2)...)
	}
	return b
}

// Checksum is the ICMPv6 checksum of msg (its checksum field zeroed) over
// the IPv6 pseudo-header (RFC 8200, Section 8.1).
func Checksum(src, dst netip.Addr, msg []byte) uint16 {
	var sum uint32
	s, d := src.As16(), dst.As16()
	for i := 0; i < 16; i += 2 {
		sum += uint32(s[i])<<8 | uint32(s[i+1])
		sum += uint32(d[i])<<8 | uint32(d[i+1])
	}
	sum += uint32(len(msg)>>16) + uint32(len(msg)&0xffff) + protoICMPv6
	for i := 0; i+1 < len(msg); i += 2 {
		sum += uint32(msg[i])<<8 | uint32(msg[i+1])
	}
	if len(msg)%2 == 1 {
		sum += uint32(msg[len(msg)-1]) << 8
	}
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}

// Parse decodes an Ethernet frame carrying IPv6 whose header chain is
// [Hop-by-Hop] [Destination Options] ICMPv6. ICMP and the option areas
// point into b. Ethernet padding beyond the IPv6 payload length is
// ignored. The checksum is not verified (see Checksum).
func Parse(b []byte, p *Packet) error {
	if len(b) < 14 {
		return fmt.Errorf("%w: %w", ErrNotIPv6, io.ErrUnexpectedEOF)
	}
	if binary.BigEndian.Uint16(b[12:14]) != EtherTypeIPv6 {
		return ErrNotIPv6
	}
	ip := b[14:]
	if len(ip) < 40 || ip[0]>>4 != 6 {
		return fmt.Errorf("%w: short or wrong version", ErrMalformed)
	}
	plen := int(binary.BigEndian.Uint16(ip[4:6]))
	if 40+plen > len(ip) {
		return fmt.Errorf("%w: payload length %d beyond frame: %w", ErrMalformed, plen, io.ErrUnexpectedEOF)
	}
	*p = Packet{HopLimit: ip[7]}
	copy(p.DstMAC[:], b[0:6])
	copy(p.SrcMAC[:], b[6:12])
	p.Src = netip.AddrFrom16([16]byte(ip[8:24]))
	p.Dst = netip.AddrFrom16([16]byte(ip[24:40]))
	next, rest := ip[6], ip[40:40+plen]
	for _, want := range []byte{protoHopByHop, protoDestOpts} {
		if next != want {
			continue
		}
		if len(rest) < 8 {
			return fmt.Errorf("%w: extension header: %w", ErrMalformed, io.ErrUnexpectedEOF)
		}
		n := (int(rest[1]) + 1) * 8
		if n > len(rest) {
			return fmt.Errorf("%w: extension header of %d bytes: %w", ErrMalformed, n, io.ErrUnexpectedEOF)
		}
		if want == protoHopByHop {
			p.HopByHop = rest[2:n]
		} else {
			p.DestOpts = rest[2:n]
		}
		next, rest = rest[0], rest[n:]
	}
	if next != protoICMPv6 {
		return ErrNotICMPv6
	}
	if len(rest) < 4 {
		return fmt.Errorf("%w: ICMPv6 message: %w", ErrMalformed, io.ErrUnexpectedEOF)
	}
	p.ICMP = rest
	return nil
}
