package nat64_test

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/v6kit/v6kit/nat64"
	"github.com/v6kit/v6kit/ndp"
)

// A CLAT reaches an IPv4 literal through the NAT64 prefix: 192.0.2.33
// under each RFC 6052 length, the u octet (bits 64 to 71) left zero.
func ExampleSynthesize() {
	v4 := netip.MustParseAddr("192.0.2.33")
	for _, p := range []string{"2001:db8::/32", "2001:db8:100::/40", "2001:db8:122::/48", "2001:db8:122:300::/56", "2001:db8:122:344::/64", "64:ff9b::/96"} {
		a, err := nat64.Synthesize(netip.MustParsePrefix(p), v4)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%-22s %s\n", p, a)
	}
	// Output:
	// 2001:db8::/32          2001:db8:c000:221::
	// 2001:db8:100::/40      2001:db8:1c0:2:21::
	// 2001:db8:122::/48      2001:db8:122:c000:2:2100::
	// 2001:db8:122:300::/56  2001:db8:122:3c0:0:221::
	// 2001:db8:122:344::/64  2001:db8:122:344:c0:2:2100:0
	// 64:ff9b::/96           64:ff9b::c000:221
}

func ExampleExtract() {
	v4, err := nat64.Extract(netip.MustParsePrefix("2001:db8:64:ff00::/64"), netip.MustParseAddr("2001:db8:64:ff00:c6:3364:200:0"))
	fmt.Println(v4, err)
	_, err = nat64.Extract(netip.MustParsePrefix("2001:db8::/33"), netip.MustParseAddr("2001:db8::1"))
	fmt.Println(err)
	// Output:
	// 198.51.100.2 <nil>
	// nat64: invalid NAT64 prefix 2001:db8::/33: length /33; RFC 6052 allows /32, /40, /48, /56, /64 and /96
}

// The AAAA records a DNS64 returned for ipv4only.arpa (RFC 7050): here
// unbound with dns64-prefix 2001:db8:64:ff00::/64.
func ExamplePrefixesFrom() {
	ps, err := nat64.PrefixesFrom([]netip.Addr{
		netip.MustParseAddr("2001:db8:64:ff00:c0:0:aa00:0"),
		netip.MustParseAddr("2001:db8:64:ff00:c0:0:ab00:0"),
	})
	fmt.Println(ps, err)
	_, err = nat64.PrefixesFrom(nil)
	fmt.Println(err)
	// Output:
	// [2001:db8:64:ff00::/64] <nil>
	// nat64: no DNS64: no AAAA records synthesised for ipv4only.arpa.
}

// The router's PREF64 wins over RFC 7050 discovery; the two disagree here,
// and the PREF64 lifetime runs out before the default route.
func ExampleChoose() {
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	ra := ndp.Router{Received: now, Lifetime: 1800 * time.Second,
		PREF64: []ndp.PREF64{{Prefix: netip.MustParsePrefix("64:ff9b::/96"), Lifetime: 16 * time.Second}}}
	d := &nat64.Discovery{Prefixes: []netip.Prefix{netip.MustParsePrefix("2001:db8:64::/96")}, TTL: 5 * time.Minute, Received: now}
	c := nat64.Choose(now, []ndp.Router{ra}, d)
	fmt.Println(c.Prefix, c.Source, c.Expires.Sub(now), "agree:", c.Agree, "short lifetime:", c.ShortLifetime)
	// Output:
	// 64:ff9b::/96 pref64 16s agree: false short lifetime: true
}
