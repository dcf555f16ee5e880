package slaac

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// IID is a 64-bit IPv6 interface identifier (RFC 4291 section 2.5.1): the low
// 64 bits of an address formed by stateless address autoconfiguration
// (RFC 4862), in network byte order.
type IID [8]byte

// Errors callers can test with errors.Is.
var (
	// ErrMAC reports a hardware address that is neither 48 nor 64 bits long.
	ErrMAC = errors.New("slaac: hardware address must be 6 (EUI-48) or 8 (EUI-64) bytes")
	// ErrPrefix reports a prefix that is not a valid IPv6 /64.
	ErrPrefix = errors.New("slaac: prefix must be a valid IPv6 /64")
	// ErrIID reports an interface identifier that cannot be parsed.
	ErrIID = errors.New("slaac: invalid interface identifier")
)

// EUI64 returns the modified EUI-64 interface identifier of mac
// (RFC 4291 Appendix A): for a 48-bit MAC, ff:fe is inserted between the OUI
// and the device part; for a 64-bit EUI-64 the bytes are used as they are.
// In both cases the universal/local bit (0x02 of the first byte) is inverted.
func EUI64(mac net.HardwareAddr) (IID, error) {
	var iid IID
	switch len(mac) {
	case 6:
		iid = IID{mac[0], mac[1], mac[2], 0xff, 0xfe, mac[3], mac[4], mac[5]}
	case 8:
		copy(iid[:], mac)
	default:
		return IID{}, fmt.Errorf("%w: got %d bytes", ErrMAC, len(mac))
	}
	iid[0] ^= 0x02
	return iid, nil
}

// MAC reverses [EUI64] for a 48-bit MAC: when the identifier carries the
// ff:fe pattern in bytes 3 and 4, it returns the MAC with the universal/local
// bit restored and true; otherwise nil and false.
func (i IID) MAC() (net.HardwareAddr, bool) {
	if i[3] != 0xff || i[4] != 0xfe {
		return nil, false
	}
	return net.HardwareAddr{i[0] ^ 0x02, i[1], i[2], i[5], i[6], i[7]}, true
}

// IIDFrom returns the interface identifier of addr: its low 64 bits. An IPv4
// or invalid address yields the zero IID.
func IIDFrom(addr netip.Addr) IID {
	if !addr.Is6() {
		return IID{}
	}
	b := addr.As16()
	var iid IID
	copy(iid[:], b[8:])
	return iid
}

// ParseIID parses an interface identifier written either as the low half of
// an IPv6 address ("::216:3eff:fe65:2b99") or as four groups of up to four
// hexadecimal digits ("216:3eff:fe65:2b99").
func ParseIID(s string) (IID, error) {
	in := s
	if !strings.Contains(s, "::") {
		if n := strings.Count(s, ":"); n != 3 {
			off := len(s)
			if n > 3 {
				off = nthColon(s, 4)
			}
			return IID{}, &ParseError{Type: "IID", Offset: off, Err: fmt.Errorf("%w: %q: want four groups of up to four hex digits or an IPv6 address", ErrIID, in)}
		}
		s = "::" + s
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is6() || a.Zone() != "" {
		off := addrOffset(in)
		if i := strings.IndexByte(in, '%'); i >= 0 {
			off = i
		}
		return IID{}, &ParseError{Type: "IID", Offset: off, Err: fmt.Errorf("%w: %q: not four groups of hex digits or an IPv6 address without zone", ErrIID, in)}
	}
	b := a.As16()
	for _, x := range b[:8] {
		if x != 0 {
			return IID{}, &ParseError{Type: "IID", Offset: 0, Err: fmt.Errorf("%w: %q: more than 64 bits", ErrIID, in)}
		}
	}
	return IIDFrom(a), nil
}

// nthColon returns the offset of the nth colon of s.
func nthColon(s string, n int) int {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			if n--; n == 0 {
				return i
			}
		}
	}
	return len(s)
}

// Uint64 returns the identifier as a big-endian integer.
func (i IID) Uint64() uint64 { return binary.BigEndian.Uint64(i[:]) }

// IIDFromUint64 returns the identifier whose big-endian value is v.
func IIDFromUint64(v uint64) IID {
	var i IID
	binary.BigEndian.PutUint64(i[:], v)
	return i
}

// String returns the identifier as four colon-separated groups of hexadecimal
// digits without leading zeros, as it appears in the low half of an address:
// "216:3eff:fe65:2b99".
func (i IID) String() string {
	b := make([]byte, 0, 19)
	return string(i.AppendText(b))
}

// AppendText appends the [IID.String] form of i to b.
func (i IID) AppendText(b []byte) []byte {
	const hex = "0123456789abcdef"
	for g := 0; g < 4; g++ {
		if g > 0 {
			b = append(b, ':')
		}
		v := uint16(i[2*g])<<8 | uint16(i[2*g+1])
		started := false
		for shift := 12; shift >= 0; shift -= 4 {
			d := (v >> shift) & 0xf
			if d != 0 || started || shift == 0 {
				b = append(b, hex[d])
				started = true
			}
		}
	}
	return b
}

// MarshalText implements encoding.TextMarshaler with the [IID.String] form.
func (i IID) MarshalText() ([]byte, error) { return i.AppendText(nil), nil }

// UnmarshalText implements encoding.TextUnmarshaler with [ParseIID].
func (i *IID) UnmarshalText(b []byte) error {
	v, err := ParseIID(string(b))
	if err != nil {
		return err
	}
	*i = v
	return nil
}

// CheckPrefix returns nil if p is a valid IPv6 /64 (RFC 4862 section 5.5.3
// forms addresses only from prefixes whose length plus the 64-bit identifier
// make 128 bits), or an error wrapping [ErrPrefix].
func CheckPrefix(p netip.Prefix) error {
	if !p.IsValid() || !p.Addr().Is6() || p.Addr().Is4In6() || p.Bits() != 64 {
		return fmt.Errorf("%w, got %v", ErrPrefix, p)
	}
	return nil
}

// Addr joins a /64 prefix and an interface identifier into an address
// (RFC 4862 section 5.5.3 d). Host bits set in prefix are ignored. It
// returns an error wrapping [ErrPrefix] unless prefix is an IPv6 /64.
func Addr(prefix netip.Prefix, iid IID) (netip.Addr, error) {
	if err := CheckPrefix(prefix); err != nil {
		return netip.Addr{}, err
	}
	return join(prefix.Addr(), iid), nil
}

func join(p netip.Addr, iid IID) netip.Addr {
	b := p.As16()
	copy(b[8:], iid[:])
	return netip.AddrFrom16(b)
}

// linkLocalPrefix is fe80::/64 (RFC 4291 section 2.5.6).
var linkLocalPrefix = netip.AddrFrom16([16]byte{0: 0xfe, 1: 0x80})

// LinkLocal returns the link-local address fe80::/64 plus iid
// (RFC 4862 section 5.3), without a zone.
func LinkLocal(iid IID) netip.Addr { return join(linkLocalPrefix, iid) }
