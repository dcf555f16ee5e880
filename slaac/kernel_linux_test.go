package slaac_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"testing"
	"time"

	"golang.org/x/net/icmp"

	"github.com/v6kit/v6kit/internal/cmd/slaacaddr"
	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/labtest"
	"github.com/v6kit/v6kit/slaac"
)

// raSender sends router advertisements from a namespace through a raw
// ICMPv6 socket opened inside it (RFC 4861 section 4.2, hop limit 255, from
// a link-local source).
type raSender struct {
	c   *icmp.PacketConn
	dst *net.IPAddr
}

func newRASender(t *testing.T, ns *lab.Netns, ifname string) *raSender {
	t.Helper()
	var s raSender
	var zone string
	err := ns.Run(func() error {
		ifi, err := net.InterfaceByName(ifname)
		if err != nil {
			return err
		}
		// A numeric zone: the net package caches zone names process-wide,
		// and every lab namespace has its own "eth0".
		zone = strconv.Itoa(ifi.Index)
		c, err := icmp.ListenPacket("ip6:ipv6-icmp", "fe80::1%"+zone)
		if err != nil {
			return err
		}
		p := c.IPv6PacketConn()
		if err := p.SetMulticastHopLimit(255); err != nil {
			c.Close()
			return err
		}
		if err := p.SetMulticastInterface(ifi); err != nil {
			c.Close()
			return err
		}
		s.c = c
		return nil
	})
	if err != nil {
		t.Fatalf("RA socket in %s: %v", ns.Name, err)
	}
	t.Cleanup(func() { s.c.Close() })
	s.dst = &net.IPAddr{IP: net.ParseIP("ff02::1"), Zone: zone}
	return &s
}

// send advertises the prefixes (on-link and autonomous) with the given
// lifetimes and a router lifetime of 0 (not a default router).
func (s *raSender) send(prefixes []netip.Prefix, valid, preferred time.Duration) error {
	b := []byte{134, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	for _, p := range prefixes {
		opt := make([]byte, 32)
		opt[0], opt[1], opt[2], opt[3] = 3, 4, byte(p.Bits()), 0xc0 // L and A
		binary.BigEndian.PutUint32(opt[4:], uint32(valid/time.Second))
		binary.BigEndian.PutUint32(opt[8:], uint32(preferred/time.Second))
		a := p.Addr().As16()
		copy(opt[16:], a[:])
		b = append(b, opt...)
	}
	_, err := s.c.WriteTo(b, s.dst)
	return err
}

// kernelHost is a namespace "host" whose eth0 faces "rtr"'s eth0.
type kernelHost struct {
	l         *lab.Lab
	host, rtr *lab.Netns
	ra        *raSender
	// raEvery spaces the advertisements settled sends (default: every
	// poll, 250 ms).
	raEvery time.Duration
}

// newKernelHost builds the pair; configure runs on host before its link
// goes up (stable_secret and addr_gen_mode must be set before).
func newKernelHost(t *testing.T, configure func(host *lab.Netns) error) *kernelHost {
	t.Helper()
	k := newKernelHostDown(t, configure)
	if err := k.host.Up("eth0"); err != nil {
		t.Fatal(err)
	}
	return k
}

// newKernelHostDown is newKernelHost with host's eth0 left down (rtr's is
// up), for a daemon that brings the link up itself: until then the kernel
// forms no address on it.
func newKernelHostDown(t *testing.T, configure func(host *lab.Netns) error) *kernelHost {
	t.Helper()
	l := labtest.New(t)
	host, err := l.Namespace("host")
	if err != nil {
		t.Fatal(err)
	}
	rtr, err := l.Namespace("rtr")
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Veth(host, "eth0", rtr, "eth0"); err != nil {
		t.Fatal(err)
	}
	// A current MAC unlike the (all-zero) permanent one: the kernel must
	// not hash it.
	if err := host.SetMAC("eth0", net.HardwareAddr{0x02, 0x11, 0x22, 0x33, 0x44, 0x55}); err != nil {
		t.Fatal(err)
	}
	if err := configure(host); err != nil {
		t.Fatal(err)
	}
	if err := rtr.StaticLinkLocal("eth0", netip.MustParseAddr("fe80::1")); err != nil {
		t.Fatal(err)
	}
	return &kernelHost{l: l, host: host, rtr: rtr, ra: newRASender(t, rtr, "eth0")}
}

// settled waits until host's eth0 holds, among its non-tentative inet6
// addresses in the given prefixes (and fe80::/64), exactly want; it keeps
// advertising the prefixes meanwhile. It returns what it saw last.
func (k *kernelHost) settled(t *testing.T, prefixes []netip.Prefix, want []netip.Addr) []lab.Addr {
	t.Helper()
	return k.settledIn(t, append([]netip.Prefix{netip.MustParsePrefix("fe80::/64")}, prefixes...), prefixes, want)
}

// settledGlobal is settled without the link-local address.
func (k *kernelHost) settledGlobal(t *testing.T, prefixes []netip.Prefix, want []netip.Addr) []lab.Addr {
	t.Helper()
	return k.settledIn(t, prefixes, prefixes, want)
}

func (k *kernelHost) settledIn(t *testing.T, scopes, prefixes []netip.Prefix, want []netip.Addr) []lab.Addr {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	var last []lab.Addr
	var sent time.Time
	err := lab.WaitFor(ctx, 250*time.Millisecond, func() (bool, error) {
		if time.Since(sent) >= k.raEvery {
			if err := k.ra.send(prefixes, 24*time.Hour, 12*time.Hour); err != nil {
				return false, err
			}
			sent = time.Now()
		}
		addrs, err := k.host.Addrs("eth0", "inet6")
		if err != nil {
			return false, err
		}
		last = addrs
		var got []netip.Addr
		for _, a := range addrs {
			if a.Has("tentative") || a.Has("dadfailed") {
				continue
			}
			if slices.ContainsFunc(scopes, func(p netip.Prefix) bool { return p.Contains(a.Prefix.Addr()) }) {
				got = append(got, a.Prefix.Addr())
			}
		}
		slices.SortFunc(got, netip.Addr.Compare)
		return slices.Equal(got, want), nil
	})
	if err != nil {
		t.Fatalf("kernel addresses never matched the prediction %v: %v; last seen %v", want, err, last)
	}
	return last
}

func sorted(as ...netip.Addr) []netip.Addr {
	as = slices.Clone(as)
	slices.SortFunc(as, netip.Addr.Compare)
	return as
}

func mustAddr(t *testing.T, g slaac.Generator, p netip.Prefix, dad int) netip.Addr {
	t.Helper()
	iid, used, err := g.IID(p, dad)
	if err != nil {
		t.Fatal(err)
	}
	if used != dad {
		t.Fatalf("counter %d skipped to %d (reserved IID): pick other test data", dad, used)
	}
	a, err := slaac.Addr(p, iid)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestKernelStablePrivacy forms addresses with the running kernel
// (addr_gen_mode 2, stable_secret set before link up, RA from the peer
// namespace) and compares every one, the link-local included, bit for bit
// with slaac.Linux.
func TestKernelStablePrivacy(t *testing.T) {
	cases := []struct {
		secret   string
		prefixes []string
	}{
		{"2001:db8::1", []string{"2001:db8:1:2::/64"}},
		{"fd12:3456:789a:bcde:f012:3456:789a:bcde", []string{"2001:db8:8011:fd44::/64", "fd00:db8:1::/64"}},
		{"::", []string{"2001:db8:ffff:ffff::/64", "2001:db8:0:1::/64", "2001:db8:abcd:12::/64"}},
	}
	for i, tc := range cases {
		t.Run(fmt.Sprint(i, "_", tc.secret), func(t *testing.T) {
			secret, err := slaac.ParseLinuxSecret(tc.secret)
			if err != nil {
				t.Fatal(err)
			}
			k := newKernelHost(t, func(h *lab.Netns) error {
				if err := h.Sysctl("net.ipv6.conf.eth0.stable_secret", tc.secret); err != nil {
					return err
				}
				return h.Sysctl("net.ipv6.conf.eth0.addr_gen_mode", "2")
			})
			g := &slaac.Linux{Secret: secret}
			ll, _, err := g.LinkLocal(0)
			if err != nil {
				t.Fatal(err)
			}
			want := []netip.Addr{ll}
			var prefixes []netip.Prefix
			for _, s := range tc.prefixes {
				p := netip.MustParsePrefix(s)
				prefixes = append(prefixes, p)
				want = append(want, mustAddr(t, g, p, 0))
			}
			addrs := k.settled(t, prefixes, sorted(want...))
			checkCLI(t, ll, slaacaddr.Options{Mode: "linux", Secret: tc.secret, PermAddr: "00:00:00:00:00:00", LinkLocal: true})
			for i, p := range prefixes {
				checkCLI(t, want[i+1], slaacaddr.Options{Mode: "linux", Secret: tc.secret, PermAddr: "00:00:00:00:00:00", Prefix: p.String()})
			}
			for _, a := range addrs {
				if a.Scope == "global" && !a.Has("stable-privacy") {
					t.Errorf("%v lacks the stable-privacy flag: %v", a.Prefix, a.Flags)
				}
			}
		})
	}
}

// TestKernelRandomSecret sets addr_gen_mode 3, reads back the random
// stable_secret the kernel chose and predicts from it.
func TestKernelRandomSecret(t *testing.T) {
	k := newKernelHost(t, func(h *lab.Netns) error {
		return h.Sysctl("net.ipv6.conf.eth0.addr_gen_mode", "3")
	})
	s, err := k.host.ReadSysctl("net.ipv6.conf.eth0.stable_secret")
	if err != nil {
		t.Fatal(err)
	}
	secret, err := slaac.ParseLinuxSecret(s)
	if err != nil {
		t.Fatal(err)
	}
	g := &slaac.Linux{Secret: secret}
	ll, _, _ := g.LinkLocal(0)
	p := netip.MustParsePrefix("2001:db8:1:2::/64")
	want := mustAddr(t, g, p, 0)
	k.settled(t, []netip.Prefix{p}, sorted(ll, want))
	checkCLI(t, want, slaacaddr.Options{Mode: "linux", Secret: s, Prefix: p.String()})
}

// TestKernelDADConflict makes the peer hold the addresses the kernel would
// form first, so DAD fails and the kernel moves to dad_count 1 and 2
// (net/ipv6/addrconf.c addrconf_dad_failure), and checks each step.
func TestKernelDADConflict(t *testing.T) {
	for conflicts := 1; conflicts <= 2; conflicts++ {
		t.Run(fmt.Sprint(conflicts, "_conflicts"), func(t *testing.T) {
			const s = "2001:db8::1"
			secret, _ := slaac.ParseLinuxSecret(s)
			g := &slaac.Linux{Secret: secret}
			p := netip.MustParsePrefix("2001:db8:1:2::/64")
			k := newKernelHost(t, func(h *lab.Netns) error {
				if err := h.Sysctl("net.ipv6.conf.eth0.stable_secret", s); err != nil {
					return err
				}
				return h.Sysctl("net.ipv6.conf.eth0.addr_gen_mode", "2")
			})
			var taken []netip.Addr
			for dad := 0; dad < conflicts; dad++ {
				a := mustAddr(t, g, p, dad)
				taken = append(taken, a)
				if err := k.rtr.AddAddr("eth0", netip.PrefixFrom(a, 64)); err != nil {
					t.Fatal(err)
				}
			}
			ll, _, _ := g.LinkLocal(0)
			want := mustAddr(t, g, p, conflicts)
			// The peer's own addresses are in the prefix too; only host's
			// eth0 is inspected.
			addrs := k.settled(t, []netip.Prefix{p}, sorted(ll, want))
			checkCLI(t, want, slaacaddr.Options{Mode: "linux", Secret: s, Prefix: p.String(), DAD: conflicts})
			// The kernel retries counter 0 on every RA, so a conflicting
			// address may reappear, but never leaves the tentative state.
			for _, a := range addrs {
				if slices.Contains(taken, a.Prefix.Addr()) && !a.Has("dadfailed") && !a.Has("tentative") {
					t.Errorf("conflicting %v usable on host: %v", a.Prefix, a.Flags)
				}
			}
			// And the package's DAD loop agrees.
			got, used, err := slaac.Form(g, p, func(a netip.Addr) bool { return slices.Contains(taken, a) })
			if err != nil || got != want || used != conflicts {
				t.Errorf("Form = %v, %d, %v; want %v, %d", got, used, err, want, conflicts)
			}
		})
	}
}
