package slaac

import (
	"fmt"
	"strconv"
)

// Kind says how an IPv6 address's interface identifier was formed, as far
// as [Classify] can tell. It is small and comparable, so a host inventory
// can keep one per address; its text form (String, MarshalText) is the
// stable name used in output and JSON.
type Kind uint8

// The kinds, in the order Classify tests them.
const (
	// KindUnknown: not classified (the zero value), or not an IPv6
	// address.
	KindUnknown Kind = iota
	// KindTemporary: an RFC 8981 temporary address, as the kernel says
	// (IFA_F_TEMPORARY on a local address).
	KindTemporary
	// KindReserved: the identifier is in the IANA registry of reserved
	// identifiers (RFC 5453), such as the subnet-router anycast ::.
	KindReserved
	// KindEUI64: modified EUI-64 (RFC 4291 Appendix A) of the MAC given,
	// or of some MAC when none is given.
	KindEUI64
	// KindEUI64Other: modified EUI-64 of another MAC than the one given
	// (a cloned, bridged or previous MAC, or a proxy).
	KindEUI64Other
	// KindStablePrivacy: a stable, opaque identifier (RFC 7217) that the
	// given generator reproduces (verified), or that the kernel flags
	// IFA_F_STABLE_PRIVACY on a local address.
	KindStablePrivacy
	// KindManual: a low-byte identifier (RFC 7707 section 4.1.1: the
	// upper 48 bits zero, as in ::1 or ::53), or a local address the
	// kernel holds as permanent (configured by hand, not by SLAAC).
	KindManual
	// KindLikelyTemporary: an opaque identifier on a prefix where the same
	// host also has its stable address (see [Classify]).
	KindLikelyTemporary
	// KindOpaque: none of the above: a stable-privacy address whose secret
	// is unknown, a random one, a temporary one that cannot be told, or a
	// DHCPv6 lease.
	KindOpaque
)

var kindNames = [...]string{
	KindUnknown:         "unknown",
	KindTemporary:       "temporary",
	KindReserved:        "reserved",
	KindEUI64:           "eui64",
	KindEUI64Other:      "eui64-other",
	KindStablePrivacy:   "stable-privacy",
	KindManual:          "manual",
	KindLikelyTemporary: "likely-temporary",
	KindOpaque:          "opaque",
}

// String returns the kind's name: "eui64", "stable-privacy", "temporary"…
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// AppendText appends the kind's name to b.
func (k Kind) AppendText(b []byte) ([]byte, error) {
	if int(k) >= len(kindNames) {
		return b, fmt.Errorf("slaac: invalid Kind %d", uint8(k))
	}
	return append(b, kindNames[k]...), nil
}

// MarshalText implements encoding.TextMarshaler with the kind's name.
func (k Kind) MarshalText() ([]byte, error) { return k.AppendText(nil) }

// UnmarshalText implements encoding.TextUnmarshaler with [ParseKind].
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// ParseKind parses a kind's name.
func ParseKind(s string) (Kind, error) {
	for k, n := range kindNames {
		if s == n {
			return Kind(k), nil
		}
	}
	return KindUnknown, &ParseError{Type: "kind", Offset: 0, Err: errSyntax("slaac: %q: not a kind of address (eui64, eui64-other, stable-privacy, temporary, likely-temporary, reserved, manual, opaque, unknown)", s)}
}
