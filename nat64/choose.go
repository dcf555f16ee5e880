package nat64

import (
	"net/netip"
	"slices"
	"time"

	"github.com/v6kit/v6kit/ndp"
)

// Source says where a NAT64 prefix came from.
type Source string

// Sources of a NAT64 prefix.
const (
	SourceNone   Source = ""
	SourcePREF64 Source = "pref64" // the PREF64 option of a router advertisement (RFC 8781)
	SourceDNS64  Source = "dns64"  // RFC 7050 discovery through the DNS64
)

// Choice is the NAT64 prefix a host should use, and how the two ways of
// learning it compare.
type Choice struct {
	// Prefix is the prefix to synthesise with; invalid when neither
	// source gave one.
	Prefix netip.Prefix
	Source Source
	// Expires is when Prefix runs out unless the source repeats it: the
	// PREF64 lifetime after the advertisement arrived, or the TTL after
	// the DNS answer.
	Expires time.Time
	// PREF64 are the unexpired PREF64 prefixes, newest advertisement
	// first; Discovered the prefixes RFC 7050 found.
	PREF64, Discovered []netip.Prefix
	// Agree is true when both sources gave prefixes and the PREF64 prefix
	// is among the discovered ones: DNS64 and NAT64 use the same prefix.
	Agree bool
	// PREF64Lifetime and RouterLifetime are those of the advertisement
	// Prefix came from (zero for SourceDNS64). ShortLifetime is
	// PREF64Lifetime < RouterLifetime: the host loses its NAT64 prefix
	// while its default route still stands, so a CLAT stops between two
	// advertisements (RFC 8781, Section 4.1 defaults the lifetime to 3 ×
	// MaxRtrAdvInterval, the default router lifetime; opnsense core issue
	// 10687 sent 16 s).
	PREF64Lifetime, RouterLifetime time.Duration
	ShortLifetime                  bool
}

// Choose picks the NAT64 prefix from router advertisements and an RFC 7050
// discovery (either may be empty; d may be nil), at time now.
//
// PREF64 wins when any unexpired one was advertised, and of those the one
// from the most recent advertisement: RFC 9872 asks hosts to prefer it, and
// it is the router's own statement, bound to the link and the default
// route, with its own lifetime, and it needs no DNS (a host using
// encrypted or off-link DNS never sees the DNS64). A PREF64 with lifetime 0
// withdraws the prefix. The RFC 7050 prefix is the fallback, the first
// discovered, valid for the answer's TTL.
func Choose(now time.Time, ras []ndp.Router, d *Discovery) Choice {
	var c Choice
	type seen struct {
		p             netip.Prefix
		at            time.Time
		life, rtrLife time.Duration
	}
	var best []seen
	for _, rt := range ras {
		at := rt.Received
		if at.IsZero() {
			at = now
		}
		for _, o := range rt.PREF64 {
			if o.Lifetime <= 0 || !at.Add(o.Lifetime).After(now) {
				continue
			}
			best = append(best, seen{o.Prefix, at, o.Lifetime, rt.Lifetime})
		}
	}
	slices.SortStableFunc(best, func(a, b seen) int { return b.at.Compare(a.at) })
	for _, s := range best {
		if !slices.Contains(c.PREF64, s.p) {
			c.PREF64 = append(c.PREF64, s.p)
		}
	}
	if d != nil {
		c.Discovered = d.Prefixes
	}
	switch {
	case len(best) > 0:
		s := best[0]
		c.Prefix, c.Source, c.Expires = s.p, SourcePREF64, s.at.Add(s.life)
		c.PREF64Lifetime, c.RouterLifetime = s.life, s.rtrLife
		c.ShortLifetime = s.life < s.rtrLife
		c.Agree = slices.Contains(c.Discovered, s.p)
	case len(c.Discovered) > 0:
		at := d.Received
		if at.IsZero() {
			at = now
		}
		c.Prefix, c.Source, c.Expires = c.Discovered[0], SourceDNS64, at.Add(d.TTL)
	}
	return c
}
