package slaac

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"net/netip"
)

// IDGenRetries is IDGEN_RETRIES of RFC 7217 section 7: how many times a new
// identifier is tried after a DAD conflict (or a reserved result) before
// address formation gives up.
const IDGenRetries = 3

var (
	// ErrIDGenRetries reports that the DAD counter went past the generator's
	// retry limit (RFC 7217 section 6): no further identifier is tried.
	ErrIDGenRetries = errors.New("slaac: too many DAD conflicts (IDGEN_RETRIES exhausted)")
	// ErrSecret reports a missing or malformed secret key.
	ErrSecret = errors.New("slaac: invalid secret key")
	// ErrNoAddress reports that a generator produced no address for the
	// prefix, as the real implementation would.
	ErrNoAddress = errors.New("slaac: no address can be generated")
)

// errNilGenerator is returned by the methods of a nil generator pointer.
func errNilGenerator(name string) error {
	return fmt.Errorf("slaac: nil *%s generator", name)
}

// A Generator forms a stable interface identifier for a prefix, given the
// DAD counter (RFC 7217 section 5: 0 for the first attempt, incremented after
// each DAD conflict). It returns the identifier and the counter actually
// hashed, which is larger than dadCounter when reserved identifiers were
// skipped. [RFC7217], [Linux], [NetworkManager] and [Networkd] implement it.
type Generator interface {
	IID(prefix netip.Prefix, dadCounter int) (IID, int, error)
}

// Form runs the DAD loop of RFC 7217 section 6 with g: it forms the address
// for dadCounter 0, asks duplicate whether DAD found a conflict, and if so
// retries with the next counter until g gives up. It returns the address and
// the counter used. A nil duplicate means no conflicts. For a
// [*NetworkManager], whose hash takes any counter, Form stops where
// NetworkManager's own loops do (counter 2 on a global prefix, 5 on
// fe80::/64); for any generator it stops after counter 255.
func Form(g Generator, prefix netip.Prefix, duplicate func(netip.Addr) bool) (netip.Addr, int, error) {
	if g == nil {
		return netip.Addr{}, 0, errors.New("slaac: Form needs a Generator, got nil")
	}
	limit := 255
	if nm, ok := g.(*NetworkManager); ok && nm != nil {
		limit = nm.LastDADCounter(prefix)
	}
	for dad := 0; ; dad++ {
		if dad > limit {
			return netip.Addr{}, dad, fmt.Errorf("%w: DAD conflicts on every counter up to %d", ErrIDGenRetries, limit)
		}
		iid, used, err := g.IID(prefix, dad)
		if err != nil {
			return netip.Addr{}, dad, err
		}
		a, err := Addr(prefix, iid)
		if err != nil {
			return netip.Addr{}, used, err
		}
		if duplicate == nil || !duplicate(a) {
			return a, used, nil
		}
		dad = used
	}
}

// PRF is the pseudorandom function F() of RFC 7217 section 5. It receives
// the concatenation Prefix | Net_Iface | Network_ID | DAD_Counter |
// secret_key and returns at least 8 bytes; the first 8 become the
// identifier.
type PRF func(input []byte) []byte

// SHA256 is the default [PRF]: SHA-256, as RFC 7217 section 5 suggests.
func SHA256(input []byte) []byte {
	s := sha256.Sum256(input)
	return s[:]
}

// RFC7217 generates stable, semantically opaque interface identifiers as
// described in RFC 7217 section 5:
//
//	RID = F(Prefix, Net_Iface, Network_ID, DAD_Counter, secret_key)
//
// The input to F is the plain concatenation of the upper 64 bits of the
// prefix, NetIface, NetworkID, the DAD counter as one byte and Secret. The
// identifier is the first 8 bytes of F's output. A reserved result
// (RFC 5453) is skipped by incrementing the DAD counter, as section 5 says.
type RFC7217 struct {
	// Secret is secret_key: at least 128 bits (RFC 7217 section 5).
	Secret []byte
	// NetIface identifies the interface (its name, index or MAC).
	NetIface []byte
	// NetworkID optionally identifies the network (an SSID, say).
	NetworkID []byte
	// PRF is F(); nil means [SHA256].
	PRF PRF
	// Retries is IDGEN_RETRIES; 0 means [IDGenRetries]. Counters 0 through
	// Retries are tried. A negative value is an error.
	Retries int
}

// IID implements [Generator].
func (g RFC7217) IID(prefix netip.Prefix, dadCounter int) (IID, int, error) {
	if err := CheckPrefix(prefix); err != nil {
		return IID{}, dadCounter, err
	}
	if dadCounter < 0 {
		return IID{}, dadCounter, fmt.Errorf("%w: negative DAD counter %d", ErrIDGenRetries, dadCounter)
	}
	if g.Retries < 0 {
		return IID{}, dadCounter, fmt.Errorf("slaac: RFC7217.Retries %d is negative (0 means %d)", g.Retries, IDGenRetries)
	}
	if len(g.Secret) < 16 {
		return IID{}, dadCounter, fmt.Errorf("%w: RFC 7217 needs at least 128 bits, got %d", ErrSecret, 8*len(g.Secret))
	}
	retries := g.Retries
	if retries <= 0 {
		retries = IDGenRetries
	}
	p := prefix.Addr().As16()
	for dad := dadCounter; dad <= retries && dad < 256; dad++ {
		var iid IID
		if g.PRF == nil {
			var stack [256]byte
			sum := sha256.Sum256(g.input(stack[:0], &p, dad))
			iid = IID(sum[:8])
		} else {
			out := g.PRF(g.input(nil, &p, dad))
			if len(out) < 8 {
				return IID{}, dad, fmt.Errorf("slaac: PRF returned %d bytes, need 8", len(out))
			}
			copy(iid[:], out)
		}
		if !iid.Reserved() {
			return iid, dad, nil
		}
	}
	return IID{}, dadCounter, fmt.Errorf("%w: DAD counter %d, limit %d", ErrIDGenRetries, dadCounter, retries)
}

// input appends F()'s input: Prefix | Net_Iface | Network_ID | DAD_Counter |
// secret_key.
func (g RFC7217) input(b []byte, p *[16]byte, dad int) []byte {
	b = append(b, p[:8]...)
	b = append(b, g.NetIface...)
	b = append(b, g.NetworkID...)
	b = append(b, byte(dad))
	return append(b, g.Secret...)
}
