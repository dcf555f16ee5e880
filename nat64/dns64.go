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

// CheckDNS64 asks r for name's A and AAAA records and checks that the DNS64
// synthesised the AAAA records from the A records under want (the prefix
// the network announces in PREF64). name must have A records and no AAAA
// of its own. The errors: ErrNoDNS64 when no AAAA came back,
// ErrNotEmbedded when the AAAA records embed none of the A records (name
// has native IPv6: pick an A-only name), ErrPrefixMismatch when the DNS64
// used other prefixes than want. The Synthesis is filled as far as the
// answers go, errors included. An invalid want skips the comparison.
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
	if len(s.AAAA) == 0 {
		return s, fmt.Errorf("%w for %s (A %v) from %s", ErrNoDNS64, name, s.A, r.server())
	}
	s.Prefixes = SynthesisPrefixes(s.A, s.AAAA)
	if len(s.Prefixes) == 0 {
		return s, fmt.Errorf("%w: the AAAA records of %s (%v) embed none of its A records %v: it has native IPv6; give an A-only name", ErrNotEmbedded, name, s.AAAA, s.A)
	}
	if want.IsValid() && !slices.Contains(s.Prefixes, want) {
		return s, fmt.Errorf("%w: %s synthesised %s under %v, the network announces %s", ErrPrefixMismatch, r.server().Addr(), name, s.Prefixes, want)
	}
	return s, nil
}
