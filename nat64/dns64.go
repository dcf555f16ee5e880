package nat64

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
)

// Synthesis is what a DNS64 answered for a name with only A records.
type Synthesis struct {
	Name string
	// A are the name's A records; AAAA what the DNS64 synthesised.
	A, AAAA []netip.Addr
	// Prefixes are the RFC 6052 prefixes under which the AAAA records
	// embed the A records, in the order of the records.
	Prefixes []netip.Prefix
}

// SynthesisPrefixes returns the prefixes under which the AAAA records embed
// one of the A records, at any RFC 6052 position with the u octet zero:
// the prefixes a DNS64 synthesised them with. A record that embeds none
// (a native AAAA) contributes nothing.
func SynthesisPrefixes(a, aaaa []netip.Addr) []netip.Prefix {
	var out []netip.Prefix
	for _, x := range aaaa {
		x = x.WithZone("")
		for _, bits := range PrefixLengths {
			p, err := x.Prefix(bits)
			if err != nil || CheckPrefix(p) != nil {
				continue
			}
			if v4, ok := extract(p, x); ok && slices.Contains(a, v4) && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// CheckSynthesis checks the AAAA records a DNS64 returned for name, whose
// A records are a: they must embed the A records (RFC 6052) under want,
// the prefix the network announces in PREF64. It returns the prefixes the
// DNS64 used, and ErrNoDNS64 when aaaa is empty, ErrNotEmbedded when the
// records embed none of the A records (name has native IPv6: pick an
// A-only name), ErrPrefixMismatch when want is not among the prefixes. An
// invalid want skips the comparison.
func CheckSynthesis(name string, a, aaaa []netip.Addr, want netip.Prefix) ([]netip.Prefix, error) {
	if len(aaaa) == 0 {
		return nil, fmt.Errorf("%w for %s (A %v)", ErrNoDNS64, name, a)
	}
	ps := SynthesisPrefixes(a, aaaa)
	if len(ps) == 0 {
		return nil, fmt.Errorf("%w: the AAAA records of %s (%v) embed none of its A records %v: it has native IPv6; give an A-only name", ErrNotEmbedded, name, aaaa, a)
	}
	if want.IsValid() && !slices.Contains(ps, want) {
		return ps, fmt.Errorf("%w: %s synthesised under %v, not under %s", ErrPrefixMismatch, name, ps, want)
	}
	return ps, nil
}

// CheckDNS64 asks r for name's A and AAAA records and checks them with
// CheckSynthesis against want. name must have A records (else ErrDNS).
// The Synthesis is filled as far as the answers go, errors included.
func CheckDNS64(ctx context.Context, r *Resolver, name string, want netip.Prefix) (Synthesis, error) {
	s := Synthesis{Name: name}
	a, err := r.Lookup(ctx, name, TypeA)
	if err != nil {
		return s, err
	}
	s.A = a.Addrs
	if len(s.A) == 0 {
		return s, fmt.Errorf("%w: %s has no A record (rcode %d); give a name with only A records", ErrDNS, name, a.RCode)
	}
	aaaa, err := r.Lookup(ctx, name, TypeAAAA)
	if err != nil {
		return s, err
	}
	s.AAAA = aaaa.Addrs
	s.Prefixes, err = CheckSynthesis(name, s.A, s.AAAA, want)
	if err != nil {
		return s, fmt.Errorf("%w (asked %s)", err, r.server())
	}
	return s, nil
}
