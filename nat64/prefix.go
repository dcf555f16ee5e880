package nat64

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// WellKnownPrefix is the Well-Known Prefix 64:ff9b::/96 (RFC 6052,
// Section 2.1). Translators must not use it with non-global IPv4 addresses
// (Section 3.1); see [NonGlobal].
var WellKnownPrefix = netip.MustParsePrefix("64:ff9b::/96")

// PrefixLengths are the lengths RFC 6052 (Section 2.2) allows, shortest
// first.
var PrefixLengths = [...]int{32, 40, 48, 56, 64, 96}

// uOctet is the index of the byte holding bits 64 to 71, which RFC 6052
// reserves and keeps zero.
const uOctet = 8

// positions returns where the four IPv4 bytes sit in the IPv6 address for
// a prefix length of RFC 6052, Section 2.2 (Figure 1), skipping the u
// octet; ok is false for any other length.
func positions(bits int) (pos [4]uint8, ok bool) {
	switch bits {
	case 32:
		return [4]uint8{4, 5, 6, 7}, true
	case 40:
		return [4]uint8{5, 6, 7, 9}, true
	case 48:
		return [4]uint8{6, 7, 9, 10}, true
	case 56:
		return [4]uint8{7, 9, 10, 11}, true
	case 64:
		return [4]uint8{9, 10, 11, 12}, true
	case 96:
		return [4]uint8{12, 13, 14, 15}, true
	}
	return pos, false
}

// CheckPrefix reports whether p can carry IPv4-embedded addresses (RFC
// 6052, Section 2.2): an IPv6 prefix (not IPv4-mapped) of length 32, 40, 48,
// 56, 64 or 96 without host bits, and for a /96, bits 64 to 71 zero. The
// error wraps ErrInvalidPrefix.
func CheckPrefix(p netip.Prefix) error {
	a := p.Addr()
	if !p.IsValid() || !a.Is6() || a.Is4In6() {
		return fmt.Errorf("%w %q: not an IPv6 prefix", ErrInvalidPrefix, p.String())
	}
	if _, ok := positions(p.Bits()); !ok {
		return fmt.Errorf("%w %s: length /%d; RFC 6052 allows /32, /40, /48, /56, /64 and /96", ErrInvalidPrefix, p, p.Bits())
	}
	b := a.As16()
	hi, lo := binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])
	host := lo<<32 != 0 // /96
	if bits := p.Bits(); bits <= 64 {
		host = hi<<bits != 0 || lo != 0 // a shift by 64 is 0
	}
	if host {
		return fmt.Errorf("%w %s: host bits set (want %s)", ErrInvalidPrefix, p, p.Masked())
	}
	if p.Bits() == 96 && b[uOctet] != 0 {
		return fmt.Errorf("%w %s: bits 64 to 71 must be zero (RFC 6052, Section 2.2)", ErrInvalidPrefix, p)
	}
	return nil
}

// Synthesize returns the IPv4-embedded IPv6 address of v4 under prefix p
// (RFC 6052, Section 2.2): the prefix, the IPv4 address around the zero u
// octet, and a zero suffix. It fails with ErrInvalidPrefix for a prefix
// CheckPrefix refuses, and for a v4 that is not IPv4 (an IPv4-mapped
// address is taken as its IPv4 address).
func Synthesize(p netip.Prefix, v4 netip.Addr) (netip.Addr, error) {
	if err := CheckPrefix(p); err != nil {
		return netip.Addr{}, err
	}
	v4 = v4.Unmap()
	if !v4.Is4() {
		return netip.Addr{}, fmt.Errorf("nat64: synthesize: %q is not an IPv4 address", v4.String())
	}
	pos, _ := positions(p.Bits())
	b := p.Addr().As16() // host bits, u octet and suffix are zero already
	for i, x := range v4.As4() {
		b[pos[i]] = x
	}
	return netip.AddrFrom16(b), nil
}

// Extract returns the IPv4 address embedded in a under prefix p (RFC 6052,
// Section 2.2). It fails with ErrInvalidPrefix for a prefix CheckPrefix
// refuses and with ErrNotEmbedded when a is outside p or its u octet is not
// zero. The suffix bits after the IPv4 address are ignored, as the RFC
// reserves them for future use.
func Extract(p netip.Prefix, a netip.Addr) (netip.Addr, error) {
	if err := CheckPrefix(p); err != nil {
		return netip.Addr{}, err
	}
	v4, ok := extract(p, a.WithZone(""))
	if !ok {
		return netip.Addr{}, fmt.Errorf("%w: %s is not inside %s with a zero u octet", ErrNotEmbedded, a, p)
	}
	return v4, nil
}

// extract is Extract for a prefix already checked.
func extract(p netip.Prefix, a netip.Addr) (netip.Addr, bool) {
	if !a.Is6() || !p.Contains(a) {
		return netip.Addr{}, false
	}
	b := a.As16()
	if b[uOctet] != 0 {
		return netip.Addr{}, false
	}
	pos, _ := positions(p.Bits())
	return netip.AddrFrom4([4]byte{b[pos[0]], b[pos[1]], b[pos[2]], b[pos[3]]}), true
}

// NonGlobal reports whether v4 is one of the IPv4 ranges that RFC 6052,
// Section 3.1, forbids under the Well-Known Prefix: RFC 1918 private space,
// shared space (100.64/10), loopback, link-local, the documentation and
// benchmarking ranges, multicast and reserved. Translators such as tayga
// and Jool drop such packets, so a readiness check that targets one through
// 64:ff9b::/96 fails however well the network is set up.
func NonGlobal(v4 netip.Addr) bool {
	v4 = v4.Unmap()
	if !v4.Is4() {
		return false
	}
	for _, r := range nonGlobal {
		if r.Contains(v4) {
			return true
		}
	}
	return false
}

var nonGlobal = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("224.0.0.0/3"),
}
