package nat64

import (
	"fmt"
	"net/netip"
	"slices"
)

// WellKnownName is the name whose AAAA records RFC 7050 asks for: it has
// only the A records 192.0.0.170 and 192.0.0.171 (RFC 8880, Section 2), so
// every AAAA record of it was synthesised by a DNS64.
const WellKnownName = "ipv4only.arpa."

// WellKnownAddrs are the A records of WellKnownName (RFC 7050, Section 2.2).
var WellKnownAddrs = [2]netip.Addr{
	netip.AddrFrom4([4]byte{192, 0, 0, 170}),
	netip.AddrFrom4([4]byte{192, 0, 0, 171}),
}

// candidate is one place a well-known address was found.
type candidate struct {
	prefix netip.Prefix
	which  uint8 // 1 for 192.0.0.170, 2 for 192.0.0.171
}

// PrefixesFrom finds the NAT64 prefixes in the AAAA records of
// WellKnownName, as described in RFC 7050, Section 3: it looks for
// 192.0.0.170 and 192.0.0.171 at every RFC 6052 position (/32 to /96, the u
// octet zero) of every record. A DNS64 with several prefixes answers with
// one record per prefix and address; the prefixes come back in the order
// of their first record. Records that embed neither address are skipped,
// as the RFC asks.
//
// A record that embeds a well-known address at more than one position
// (the prefix itself contains c000:aa, say) is settled by the other
// well-known address: the position where both are found wins (that is why
// RFC 7050 has two). The errors: ErrNoDNS64 for no records at all,
// ErrNoWellKnown when no record embeds a well-known address, and
// ErrInconsistent when a record's positions cannot be settled or a prefix
// carries only one of the two addresses.
func PrefixesFrom(aaaa []netip.Addr) ([]netip.Prefix, error) {
	if len(aaaa) == 0 {
		return nil, fmt.Errorf("%w for %s", ErrNoDNS64, WellKnownName)
	}
	perRecord := make([][]candidate, len(aaaa))
	found := map[netip.Prefix]uint8{}
	var order []netip.Prefix
	for i, a := range aaaa {
		a = a.WithZone("")
		for _, bits := range PrefixLengths {
			p, err := a.Prefix(bits)
			if err != nil || CheckPrefix(p) != nil {
				continue
			}
			v4, ok := extract(p, a)
			if !ok {
				continue
			}
			for w, wka := range WellKnownAddrs {
				if v4 == wka {
					c := candidate{p, uint8(1 << w)}
					perRecord[i] = append(perRecord[i], c)
					if found[p] == 0 {
						order = append(order, p)
					}
					found[p] |= c.which
				}
			}
		}
	}
	if len(order) == 0 {
		return nil, fmt.Errorf("%w: %s at none of /32, /40, /48, /56, /64, /96 in %v", ErrNoWellKnown, "192.0.0.170 or 192.0.0.171", aaaa)
	}
	accepted := map[netip.Prefix]bool{}
	for i, cs := range perRecord {
		switch len(cs) {
		case 0:
			continue // not synthesised from a well-known address: skip it
		case 1:
			accepted[cs[0].prefix] = true
			continue
		}
		var both []netip.Prefix
		for _, c := range cs {
			if found[c.prefix] == 3 {
				both = append(both, c.prefix)
			}
		}
		if len(both) != 1 {
			return nil, fmt.Errorf("%w: %s embeds a well-known address at %d positions and the other address does not settle which", ErrInconsistent, aaaa[i], len(cs))
		}
		accepted[both[0]] = true
	}
	var out []netip.Prefix
	for _, p := range order {
		if !accepted[p] {
			continue
		}
		if found[p] != 3 {
			missing := WellKnownAddrs[1]
			if found[p] == 2 {
				missing = WellKnownAddrs[0]
			}
			return nil, fmt.Errorf("%w: prefix %s carries only one well-known address (no record embeds %s)", ErrInconsistent, p, missing)
		}
		out = append(out, p)
	}
	return slices.Clip(out), nil
}
