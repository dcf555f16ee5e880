package nat64_test

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/labtest"
	"github.com/v6kit/v6kit/nat64"
)

var dns = netip.AddrPortFrom(labtest.NAT64RouterAddr, 53)

// TestUnboundDNS64 runs Debian's unbound with its dns64 module under the
// well-known prefix and network-specific prefixes of every other RFC 6052
// length (the /64 puts the u octet inside the IPv4 address): RFC 7050
// discovery finds exactly unbound's prefix, and our synthesis of the A-only
// name is byte for byte the AAAA record unbound returned.
func TestUnboundDNS64(t *testing.T) {
	for _, p := range []string{"64:ff9b::/96", "2001:db8:64:ff00::/64", "2001:db8::/32", "2001:db8:6400::/40", "2001:db8:64::/48", "2001:db8:64:ff00::/56"} {
		t.Run(p, func(t *testing.T) {
			prefix := netip.MustParsePrefix(p)
			l := labtest.New(t)
			n := labtest.NAT64(t, l, labtest.NAT64Options{DNS64Prefix: prefix})
			r := &nat64.Resolver{Server: dns}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var d nat64.Discovery
			var s nat64.Synthesis
			if err := n.Client.Run(func() error {
				var err error
				if d, err = r.Discover(ctx); err != nil {
					return err
				}
				s, err = nat64.CheckDNS64(ctx, r, labtest.NAT64AOnlyName, prefix)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if len(d.Prefixes) != 1 || d.Prefixes[0] != prefix {
				t.Errorf("discovered %v from unbound's %v, want [%s]", d.Prefixes, d.AAAA, prefix)
			}
			want, err := nat64.Synthesize(prefix, labtest.NAT64ServerV4)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.AAAA) != 1 || s.AAAA[0] != want {
				t.Errorf("unbound synthesised %v for %s, we synthesise %s", s.AAAA, labtest.NAT64AOnlyName, want)
			}
		})
	}
}

// TestUnboundWithoutDNS64: the same unbound without its dns64 module is the
// first negative case of RFC 7050: no AAAA for ipv4only.arpa.
func TestUnboundWithoutDNS64(t *testing.T) {
	l := labtest.New(t)
	n := labtest.NAT64(t, l, labtest.NAT64Options{})
	r := &nat64.Resolver{Server: dns}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var err error
	_ = n.Client.Run(func() error {
		_, err = r.Discover(ctx)
		return nil
	})
	if !errors.Is(err, nat64.ErrNoDNS64) {
		t.Errorf("Discover through unbound without dns64 = %v, want ErrNoDNS64", err)
	}
}

// TestTaygaCarriesICMPAndTCP: through tayga, the IPv6-only client pings the
// IPv4-only server at its synthesised address and fetches a page over TCP;
// the server sees the client as an address of tayga's pool.
func TestTaygaCarriesICMPAndTCP(t *testing.T) {
	for _, p := range []string{"2001:db8:64::/96", "2001:db8:64:ff00::/64"} {
		t.Run(p, func(t *testing.T) {
			prefix := netip.MustParsePrefix(p)
			l := labtest.New(t)
			n := labtest.NAT64(t, l, labtest.NAT64Options{DNS64Prefix: prefix, NAT64Prefix: prefix})
			dst, err := nat64.Synthesize(prefix, labtest.NAT64ServerV4)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var rtt, connect time.Duration
			var body string
			var client netip.Addr
			if err := n.Client.Run(func() error {
				var err error
				if rtt, err = nat64.Ping(ctx, dst); err != nil {
					return err
				}
				body, client, err = lab.Fetch(ctx, netip.AddrPortFrom(dst, n.ServerPort))
				if err != nil {
					return err
				}
				connect, err = nat64.Connect(ctx, netip.AddrPortFrom(dst, n.ServerPort))
				return err
			}); err != nil {
				t.Fatal(err)
			}
			t.Logf("echo %v, connect %v through %s", rtt, connect, dst)
			if body != "hello from the IPv4 internet\n" {
				t.Errorf("fetched %q", body)
			}
			if !labtest.NAT64Pool.Contains(client) {
				t.Errorf("the server saw the client as %s, want an address of %s", client, labtest.NAT64Pool)
			}
		})
	}
}

// TestNAT64DownWhileDNS64Synthesises: tayga stopped, unbound still
// synthesises; the echo gets no answer and the connection fails.
func TestNAT64DownWhileDNS64Synthesises(t *testing.T) {
	prefix := netip.MustParsePrefix("2001:db8:64::/96")
	l := labtest.New(t)
	n := labtest.NAT64(t, l, labtest.NAT64Options{DNS64Prefix: prefix, NAT64Prefix: prefix})
	if err := n.Tayga.Stop(); err != nil {
		t.Fatal(err)
	}
	dst, _ := nat64.Synthesize(prefix, labtest.NAT64ServerV4)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	var s nat64.Synthesis
	var synthErr, pingErr, connErr error
	_ = n.Client.Run(func() error {
		s, synthErr = nat64.CheckDNS64(ctx, &nat64.Resolver{Server: dns}, labtest.NAT64AOnlyName, prefix)
		c1, cancel1 := context.WithTimeout(ctx, time.Second)
		defer cancel1()
		_, pingErr = nat64.Ping(c1, dst)
		c2, cancel2 := context.WithTimeout(ctx, time.Second)
		defer cancel2()
		_, connErr = nat64.Connect(c2, netip.AddrPortFrom(dst, n.ServerPort))
		return nil
	})
	if synthErr != nil || !slices.Contains(s.AAAA, dst) {
		t.Errorf("DNS64 with NAT64 down: %v, %v; want it still synthesising %s", s.AAAA, synthErr, dst)
	}
	if pingErr == nil || connErr == nil {
		t.Errorf("NAT64 down, yet ping %v and connect %v", pingErr, connErr)
	}
}

// BenchmarkDiscoverUnbound is RFC 7050 discovery's wall time against a
// local unbound with DNS64 (answers cached after the first).
func BenchmarkDiscoverUnbound(b *testing.B) {
	l := labtest.New(b)
	n := labtest.NAT64(b, l, labtest.NAT64Options{DNS64Prefix: nat64.WellKnownPrefix})
	r := &nat64.Resolver{Server: dns}
	if err := n.Client.Run(func() error {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := r.Discover(context.Background()); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
}
