package nat64

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// wkaUnder returns the AAAA records a DNS64 with prefix p answers for
// ipv4only.arpa: 192.0.0.170 and 192.0.0.171 synthesised.
func wkaUnder(t testing.TB, p string) []netip.Addr {
	t.Helper()
	var out []netip.Addr
	for _, w := range WellKnownAddrs {
		a, err := Synthesize(netip.MustParsePrefix(p), w)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func addrs(s ...string) []netip.Addr {
	var out []netip.Addr
	for _, x := range s {
		out = append(out, netip.MustParseAddr(x))
	}
	return out
}

func prefixes(s ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, x := range s {
		out = append(out, netip.MustParsePrefix(x))
	}
	return out
}

func TestPrefixesFrom(t *testing.T) {
	cat := func(ss ...[]netip.Addr) []netip.Addr {
		var out []netip.Addr
		for _, s := range ss {
			out = append(out, s...)
		}
		return out
	}
	tests := []struct {
		name string
		aaaa []netip.Addr
		want []netip.Prefix
		err  error
	}{
		{name: "well-known prefix", aaaa: addrs("64:ff9b::c000:aa", "64:ff9b::c000:ab"), want: prefixes("64:ff9b::/96")},
		// What unbound 1.17 answered with dns64-prefix 2001:db8:64:ff00::/64.
		{name: "/64 as unbound synthesises it", aaaa: addrs("2001:db8:64:ff00:c0:0:aa00:0", "2001:db8:64:ff00:c0:0:ab00:0"), want: prefixes("2001:db8:64:ff00::/64")},
		{name: "/32", aaaa: wkaUnder(t, "2001:db8::/32"), want: prefixes("2001:db8::/32")},
		{name: "/40", aaaa: wkaUnder(t, "2001:db8:100::/40"), want: prefixes("2001:db8:100::/40")},
		{name: "/48", aaaa: wkaUnder(t, "2001:db8:122::/48"), want: prefixes("2001:db8:122::/48")},
		{name: "/56", aaaa: wkaUnder(t, "2001:db8:122:300::/56"), want: prefixes("2001:db8:122:300::/56")},
		{name: "records in any order", aaaa: addrs("64:ff9b::c000:ab", "64:ff9b::c000:aa"), want: prefixes("64:ff9b::/96")},
		{name: "several prefixes, in answer order",
			aaaa: cat(wkaUnder(t, "2001:db8:64::/96"), wkaUnder(t, "64:ff9b::/96"), wkaUnder(t, "2001:db8:122::/48")),
			want: prefixes("2001:db8:64::/96", "64:ff9b::/96", "2001:db8:122::/48")},
		{name: "a native AAAA beside is skipped", aaaa: cat(addrs("2001:db8:ff::1"), wkaUnder(t, "64:ff9b::/96")), want: prefixes("64:ff9b::/96")},
		{name: "a prefix holding c000:aa is settled by 192.0.0.171",
			aaaa: wkaUnder(t, "2001:db8:c000:aa::/96"), want: prefixes("2001:db8:c000:aa::/96")},

		{name: "no AAAA: no DNS64", aaaa: nil, err: ErrNoDNS64},
		{name: "AAAA without the well-known addresses", aaaa: addrs("2001:db8::1", "2001:db8::2"), err: ErrNoWellKnown},
		{name: "u octet set hides the address", aaaa: addrs("2001:db8:64:ff00:1c0:0:aa00:0", "2001:db8:64:ff00:1c0:0:ab00:0"), err: ErrNoWellKnown},
		{name: "only 192.0.0.170", aaaa: addrs("64:ff9b::c000:aa"), err: ErrInconsistent},
		{name: "ambiguous positions, nothing to settle them", aaaa: addrs("2001:db8:c000:aa::c000:aa"), err: ErrInconsistent},
		{name: "the two addresses under different prefixes", aaaa: addrs("64:ff9b::c000:aa", "2001:db8:64::c000:ab"), err: ErrInconsistent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PrefixesFrom(tt.aaaa)
			if !errors.Is(err, tt.err) {
				t.Fatalf("PrefixesFrom(%v) error = %v, want %v", tt.aaaa, err, tt.err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
				t.Errorf("prefixes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSynthesisPrefixes(t *testing.T) {
	a := addrs("198.51.100.2")
	for _, tt := range rfc6052Examples {
		pfx := netip.MustParsePrefix(tt.prefix)
		s, _ := Synthesize(pfx, a[0])
		got := SynthesisPrefixes(a, []netip.Addr{s, netip.MustParseAddr("2001:db8:ff::1")})
		if len(got) != 1 || got[0] != pfx {
			t.Errorf("SynthesisPrefixes(%s) = %v, want [%s]", s, got, pfx)
		}
	}
	if got := SynthesisPrefixes(a, addrs("2001:db8:ff::1")); len(got) != 0 {
		t.Errorf("a native AAAA gave prefixes %v", got)
	}
}
