package ndp

import (
	"encoding"
	"encoding/binary"
	"fmt"
	"io"
	"net/netip"
	"time"
)

// PREF64OptionType is the NDP option type of PREF64 (RFC 8781, Section 4).
const PREF64OptionType = 38

// MaxPREF64Lifetime is the largest lifetime a PREF64 option can carry: a
// 13-bit scaled lifetime in units of 8 seconds (RFC 8781, Section 4).
const MaxPREF64Lifetime = 8191 * 8 * time.Second

// PREF64 is the NAT64 prefix a router advertises, as described in RFC 8781,
// Section 4. The prefix length is one of 96, 64, 56, 48, 40 or 32.
//
// The type decodes and encodes the whole option (type, length and value)
// independently of github.com/mdlayher/ndp, so that a malformed PREF64 in an
// otherwise good Router Advertisement costs only that option.
type PREF64 struct {
	Prefix   netip.Prefix
	Lifetime time.Duration // a multiple of 8 s, at most MaxPREF64Lifetime
}

var (
	_ encoding.BinaryAppender    = (*PREF64)(nil)
	_ encoding.BinaryMarshaler   = (*PREF64)(nil)
	_ encoding.BinaryUnmarshaler = (*PREF64)(nil)
)

// pref64Len is the option's fixed length in bytes (Length field 2).
const pref64Len = 16

// plcBits maps a Prefix Length Code (RFC 8781, Section 4) to prefix bits.
var plcBits = [...]int{96, 64, 56, 48, 40, 32}

// AppendBinary appends the option in wire format. It rejects prefix lengths
// RFC 8781 cannot express, IPv4 prefixes, prefixes with host bits set, and
// lifetimes that are negative, above MaxPREF64Lifetime or not a multiple of
// 8 seconds.
func (p *PREF64) AppendBinary(b []byte) ([]byte, error) {
	plc := -1
	for i, bits := range plcBits {
		if p.Prefix.Bits() == bits {
			plc = i
		}
	}
	switch {
	case !p.Prefix.Addr().Is6() || p.Prefix.Addr().Zone() != "":
		return b, fmt.Errorf("%w: pref64 prefix %v is not IPv6", ErrInvalidOption, p.Prefix)
	case plc < 0:
		return b, fmt.Errorf("%w: pref64 prefix length /%d not in RFC 8781", ErrInvalidOption, p.Prefix.Bits())
	case p.Prefix.Masked() != p.Prefix:
		return b, fmt.Errorf("%w: pref64 prefix %v has host bits set", ErrInvalidOption, p.Prefix)
	case p.Lifetime < 0 || p.Lifetime > MaxPREF64Lifetime || p.Lifetime%(8*time.Second) != 0:
		return b, fmt.Errorf("%w: pref64 lifetime %v (want 0..%v in steps of 8s)", ErrInvalidOption, p.Lifetime, MaxPREF64Lifetime)
	}
	scaled := uint16(p.Lifetime / (8 * time.Second))
	b = append(b, PREF64OptionType, pref64Len/8)
	b = binary.BigEndian.AppendUint16(b, scaled<<3|uint16(plc))
	a := p.Prefix.Addr().As16()
	return append(b, a[:12]...), nil
}

// MarshalBinary returns the option in wire format; see AppendBinary.
func (p *PREF64) MarshalBinary() ([]byte, error) {
	return p.AppendBinary(make([]byte, 0, pref64Len))
}

// UnmarshalBinary decodes one whole PREF64 option. It rejects any length
// other than 2 (16 bytes) and the reserved Prefix Length Codes 6 and 7 with
// a *ParseError wrapping ErrInvalidOption or io.ErrUnexpectedEOF. Bits of
// the prefix beyond its length are ignored, as RFC 8781 asks.
func (p *PREF64) UnmarshalBinary(b []byte) error {
	if len(b) < 2 {
		return &ParseError{Type: "pref64", Offset: len(b), Err: io.ErrUnexpectedEOF}
	}
	if b[0] != PREF64OptionType {
		return &ParseError{Type: "pref64", Offset: 0, Err: fmt.Errorf("%w: type %d is not %d", ErrInvalidOption, b[0], PREF64OptionType)}
	}
	if b[1] != pref64Len/8 {
		return &ParseError{Type: "pref64", Offset: 1, Err: fmt.Errorf("%w: length %d, want 2", ErrInvalidOption, b[1])}
	}
	if len(b) < pref64Len {
		return &ParseError{Type: "pref64", Offset: len(b), Err: io.ErrUnexpectedEOF}
	}
	if len(b) > pref64Len {
		return &ParseError{Type: "pref64", Offset: pref64Len, Err: fmt.Errorf("%w: %d trailing bytes", ErrInvalidOption, len(b)-pref64Len)}
	}
	v := binary.BigEndian.Uint16(b[2:4])
	plc := int(v & 7)
	if plc >= len(plcBits) {
		return &ParseError{Type: "pref64", Offset: 3, Err: fmt.Errorf("%w: reserved prefix length code %d", ErrInvalidOption, plc)}
	}
	var a [16]byte
	copy(a[:12], b[4:16])
	*p = PREF64{
		Prefix:   netip.PrefixFrom(netip.AddrFrom16(a), plcBits[plc]).Masked(),
		Lifetime: time.Duration(v>>3) * 8 * time.Second,
	}
	return nil
}

// String returns the prefix and lifetime, as "64:ff9b::/96 lifetime 30m0s".
func (p PREF64) String() string {
	return fmt.Sprintf("%v lifetime %v", p.Prefix, p.Lifetime)
}
