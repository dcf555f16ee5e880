package nat64

import (
	"context"
	"net/netip"
	"testing"
)

func BenchmarkSynthesize(b *testing.B) {
	v4 := netip.MustParseAddr("198.51.100.2")
	for _, tt := range rfc6052Examples[:6] {
		p := netip.MustParsePrefix(tt.prefix)
		b.Run(p.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Synthesize(p, v4); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkExtract(b *testing.B) {
	for _, tt := range rfc6052Examples[:6] {
		p, a := netip.MustParsePrefix(tt.prefix), netip.MustParseAddr(tt.addr)
		b.Run(p.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Extract(p, a); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPrefixesFrom(b *testing.B) {
	aaaa := wkaUnder(b, "2001:db8:64:ff00::/64")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PrefixesFrom(aaaa); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseAnswer(b *testing.B) {
	a := Answer{ID: 1, Name: WellKnownName, Type: TypeAAAA, Addrs: wkaUnder(b, "64:ff9b::/96")}
	msg, err := a.MarshalBinary()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseAnswer(msg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDiscoverLoopback is RFC 7050 discovery's wall time against a
// DNS64 on loopback (the fake one; the interop benchmark uses unbound).
func BenchmarkDiscoverLoopback(b *testing.B) {
	f := startFake(b, WellKnownPrefix, wellKnownA)
	r := &Resolver{Server: f.server()}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Discover(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
