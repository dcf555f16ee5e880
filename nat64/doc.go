// Package nat64 implements the host side of NAT64 and DNS64: IPv4-embedded
// IPv6 addresses as described in RFC 6052, discovery of the NAT64 prefix
// through DNS64 as described in RFC 7050 (with the special-use name of
// RFC 8880), the choice between that and the PREF64 option of RFC 8781, and
// a readiness check of the translated path.
//
// # Addresses (RFC 6052)
//
// [Synthesize] embeds an IPv4 address in a NAT64 prefix of length 32, 40,
// 48, 56, 64 or 96, skipping bits 64 to 71 (the "u" octet), which stay zero;
// [Extract] takes it out again. Both check the prefix with [CheckPrefix] and
// allocate nothing.
//
// # Discovery (RFC 7050)
//
// [Resolver.Discover] asks a DNS server (on an IPv6-only link, the RDNSS
// from the router advertisement) for the AAAA records of "ipv4only.arpa.",
// whose only A records are 192.0.0.170 and 192.0.0.171 (RFC 8880). A DNS64
// synthesises them with its prefix; [PrefixesFrom] looks for both well-known
// addresses at every RFC 6052 position of every answer and returns the
// prefixes, several if the DNS64 uses several. No answer ([ErrNoDNS64]),
// answers without the well-known addresses ([ErrNoWellKnown]) and answers
// that do not agree ([ErrInconsistent]) are the negative cases of RFC 7050,
// Section 3.
//
// # Which prefix wins
//
// [Choose] merges the PREF64 options of the router advertisements with the
// discovered prefixes. PREF64 wins whenever a router sends one: it arrives
// with the default route from the router that does the routing, carries its
// own lifetime, needs no DNS (so it holds when a host uses encrypted or
// off-link DNS that does no DNS64), and RFC 9872 asks
// hosts to prefer it. RFC 7050 discovery is the fallback for networks whose
// routers cannot send PREF64 (radvd before 2.20, for one); its prefix lives
// for the TTL of the answer. Choose also reports whether the two sources
// agree, and a PREF64 lifetime shorter than the router lifetime, which
// makes a CLAT drop its prefix while the default route still stands.
//
// # Readiness
//
// [Ping] and [Connect] reach an IPv4 literal through its synthesised
// address with an ICMPv6 echo and a TCP connection, as a CLAT does;
// [CheckDNS64] asks the DNS64 for an A-only name and, through
// [CheckSynthesis], says which prefix it synthesised with and whether that
// is the one the network announces. The v6only-probe program runs them all
// and prints one line per check.
package nat64
