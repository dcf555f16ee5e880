package host_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/v6kit/v6kit/internal/cmd/slaacaddr"
	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/slaac"
)

var (
	prefixA = netip.MustParsePrefix("2001:db8:1:2::/64")
	prefixB = netip.MustParsePrefix("fd00:db8:77::/64")
)

// predict forms, with the rules read from the host, the addresses it will
// have on the prefixes and on fe80::/64.
func predict(t *testing.T, h *slaac.Host, prefixes ...netip.Prefix) (want []netip.Addr, rule, source string) {
	t.Helper()
	rs, err := h.Rules()
	if err != nil {
		t.Fatalf("Rules: %v", err)
	}
	for _, p := range prefixes {
		for _, r := range rs {
			if !r.Applies(p) {
				continue
			}
			a, _, err := slaac.Form(r.Generator, p, nil)
			if err != nil {
				t.Fatalf("%s on %v: %v", r.Name, p, err)
			}
			want = append(want, a)
		}
	}
	rule, source = rs[0].Name, rs[0].Source
	if ll, err := h.LinkLocalRule(); err == nil {
		a, _, err := slaac.Form(ll.Generator, netip.MustParsePrefix("fe80::/64"), nil)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, a)
	} else if !errors.Is(err, slaac.ErrNoAddress) {
		t.Fatalf("LinkLocalRule: %v", err)
	}
	return want, rule, source
}

// TestKernelPrediction reads the host (package host) before any RA,
// predicts its addresses, then lets ndp.Advertiser on the peer advertise
// two prefixes and checks the kernel forms exactly the prediction, for
// every addr_gen_mode, the default stable_secret fallback, and with
// temporary addresses on; then classifies every address the kernel holds.
func TestKernelPrediction(t *testing.T) {
	cases := []struct {
		name    string
		sysctls [][2]string
		noLL    bool
		source  string // expected in the rule's source
		static  string // an address added by hand after the RA
	}{
		{name: "0 eui64", sysctls: [][2]string{{"net.ipv6.conf.eth0.addr_gen_mode", "0"}}, source: "MAC 02:11:22:33:44:55"},
		{name: "1 none", sysctls: [][2]string{{"net.ipv6.conf.eth0.addr_gen_mode", "1"}}, noLL: true, source: "addr_gen_mode=1"},
		{name: "2 own secret", sysctls: [][2]string{{"net.ipv6.conf.eth0.stable_secret", "2001:db8::1"}, {"net.ipv6.conf.eth0.addr_gen_mode", "2"}}, source: "net.ipv6.conf.eth0.stable_secret"},
		{name: "2 default secret", sysctls: [][2]string{{"net.ipv6.conf.default.stable_secret", "fd12:3456:789a:bcde:f012:3456:789a:bcde"}, {"net.ipv6.conf.eth0.addr_gen_mode", "2"}}, source: "net.ipv6.conf.default.stable_secret"},
		{name: "2 own beats default", sysctls: [][2]string{{"net.ipv6.conf.default.stable_secret", "fd12::1"}, {"net.ipv6.conf.eth0.stable_secret", "2001:db8::2"}, {"net.ipv6.conf.eth0.addr_gen_mode", "2"}}, source: "net.ipv6.conf.eth0.stable_secret"},
		{name: "3 random", sysctls: [][2]string{{"net.ipv6.conf.eth0.addr_gen_mode", "3"}}, source: "net.ipv6.conf.eth0.stable_secret"},
		{name: "2 with temporary addresses", sysctls: [][2]string{{"net.ipv6.conf.eth0.stable_secret", "2001:db8::1"}, {"net.ipv6.conf.eth0.addr_gen_mode", "2"}, {"net.ipv6.conf.eth0.use_tempaddr", "2"}, {"net.ipv6.conf.eth0.temp_prefered_lft", "3600"}}, source: "net.ipv6.conf.eth0.stable_secret", static: "2001:db8:1:2::53"},
		{name: "0 eui64 with temporary addresses", sysctls: [][2]string{{"net.ipv6.conf.eth0.addr_gen_mode", "0"}, {"net.ipv6.conf.eth0.use_tempaddr", "1"}, {"net.ipv6.conf.eth0.temp_prefered_lft", "3600"}}, source: "MAC 02:11:22:33:44:55", static: "fd00:db8:77::1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newPair(t)
			for _, s := range tc.sysctls {
				if err := p.host.Sysctl(s[0], s[1]); err != nil {
					t.Fatal(err)
				}
			}
			p.waitUp(t, tc.noLL)
			h, l := p.read(t)
			if len(l.RAPrefixes) != 0 {
				t.Fatalf("RA prefixes before any RA: %v", l.RAPrefixes)
			}
			want, rule, source := predict(t, h, prefixA, prefixB)
			if !strings.Contains(source, tc.source) {
				t.Errorf("rule %s source %q, want it to name %q", rule, source, tc.source)
			}
			p.advertise(t, prefixA, prefixB)
			addrs := p.settled(t, want)
			if tc.static != "" {
				if err := p.host.IP("addr", "add", tc.static+"/64", "dev", "eth0", "nodad"); err != nil {
					t.Fatal(err)
				}
				want = append(want, netip.MustParseAddr(tc.static))
				addrs = p.settled(t, want)
			}
			if h.Kernel.UseTempAddr > 0 {
				addrs = p.withTemporaries(t, 2)
			}
			t.Logf("PREDICTION mode=%q rule=%s source=%q predicted=%v matched=true", tc.name, rule, source, want)

			// The RA prefixes, the flags and the classification of every
			// address, as a caller of this package sees them.
			_, l = p.read(t)
			if !slicesEqual(l.RAPrefixes, []netip.Prefix{prefixA, prefixB}) {
				t.Errorf("RAPrefixes %v, want %v and %v", l.RAPrefixes, prefixA, prefixB)
			}
			checkClassify(t, h, l, addrs)
			checkProgram(t, p, want, !tc.noLL)
			if prof, on := h.TempProfile(); on != (h.Kernel.UseTempAddr > 0) || on && prof.PreferredLifetime.Seconds() != 3600 {
				t.Errorf("TempProfile %+v, %v", prof, on)
			}
		})
	}
}

// checkClassify classifies every address of the link twice and compares
// with what the kernel says: as this host (the kernel's flags, the host's
// generators), and as a neighbour that knows the MAC and the addresses it
// saw (and, for a lab host, its configuration).
func checkClassify(t *testing.T, h *slaac.Host, l interface {
	Evidence(netip.Addr) slaac.Evidence
}, addrs []lab.Addr) {
	t.Helper()
	var all []netip.Addr
	for _, a := range addrs {
		all = append(all, a.Prefix.Addr())
	}
	for _, a := range addrs {
		ev := l.Evidence(a.Prefix.Addr())
		ev.Stable = h.Stable()
		got := slaac.Classify(a.Prefix.Addr(), ev)
		want, wantRemote := slaac.KindEUI64, slaac.KindEUI64
		switch {
		case a.Has("temporary"):
			want, wantRemote = slaac.KindTemporary, slaac.KindLikelyTemporary
		case !a.Has("dynamic") && a.Scope == "global": // ip -j marks SLAAC addresses "dynamic"
			want, wantRemote = slaac.KindManual, slaac.KindManual
		case a.Has("stable-privacy"):
			want, wantRemote = slaac.KindStablePrivacy, slaac.KindStablePrivacy
		}
		if got != want {
			t.Errorf("Classify(%v, flags %v) on the host = %v, want %v", a.Prefix, a.Flags, got, want)
		}
		remote := slaac.Classify(a.Prefix.Addr(), slaac.Evidence{MAC: hostMAC, Siblings: all, Stable: h.Stable()})
		if remote != wantRemote {
			t.Errorf("Classify(%v) by a neighbour that knows the host's configuration = %v, want %v", a.Prefix, remote, wantRemote)
		}
		blind := slaac.Classify(a.Prefix.Addr(), slaac.Evidence{MAC: hostMAC, Siblings: all})
		switch {
		case wantRemote == slaac.KindStablePrivacy && blind == slaac.KindOpaque:
		case wantRemote == slaac.KindLikelyTemporary && h.Kernel.AddrGenMode >= slaac.AddrGenStablePrivacy && blind == slaac.KindOpaque:
			// Beside an unverifiable stable address, a temporary one
			// cannot be told: opaque, not a wrong kind.
		case blind != wantRemote:
			t.Errorf("Classify(%v) by a neighbour that knows only the MAC = %v, want %v", a.Prefix, blind, wantRemote)
		}
		t.Logf("CLASSIFY %v flags=%v host=%v neighbour=%v neighbour-without-config=%v", a.Prefix.Addr(), a.Flags, got, remote, blind)
	}
}

func slicesEqual(a, b []netip.Prefix) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

// TestKernelNoSecret: the kernel refuses addr_gen_mode 2 while neither
// stable_secret is set (EINVAL), so the interface keeps EUI-64, and the
// reader says so.
func TestKernelNoSecret(t *testing.T) {
	p := newPair(t)
	if err := p.host.Sysctl("net.ipv6.conf.eth0.addr_gen_mode", "2"); err == nil || !strings.Contains(err.Error(), "invalid argument") {
		t.Fatalf("addr_gen_mode=2 without a secret: %v, want EINVAL", err)
	}
	p.waitUp(t, false)
	h, _ := p.read(t)
	want, rule, source := predict(t, h, prefixA)
	if h.Kernel.AddrGenMode != slaac.AddrGenEUI64 || h.Kernel.SecretFrom != "" || rule != "eui64" {
		t.Fatalf("host %+v, rule %s", h.Kernel, rule)
	}
	p.advertise(t, prefixA)
	p.settled(t, want)
	t.Logf("PREDICTION mode=%q rule=%s source=%q predicted=%v matched=true", "2 refused without secret", rule, source, want)
}

// checkProgram runs slaacaddr -i eth0 -json inside the host namespace: one
// line per RA prefix, each address predicted and held by the interface;
// with -linklocal, the link-local address.
func checkProgram(t *testing.T, p *pair, want []netip.Addr, linkLocal bool) {
	t.Helper()
	run := func(o slaacaddr.Options) []slaacaddr.HostResult {
		var out bytes.Buffer
		if err := p.host.Run(func() error { return slaacaddr.Run(context.Background(), o, &out) }); err != nil {
			t.Fatalf("slaacaddr %+v: %v", o, err)
		}
		var rs []slaacaddr.HostResult
		dec := json.NewDecoder(&out)
		for dec.More() {
			var r slaacaddr.HostResult
			if err := dec.Decode(&r); err != nil {
				t.Fatal(err)
			}
			rs = append(rs, r)
		}
		return rs
	}
	rs := run(slaacaddr.Options{Interface: "eth0", JSON: true})
	if len(rs) != 2 {
		t.Fatalf("slaacaddr -i eth0: %d lines %+v, want one per RA prefix", len(rs), rs)
	}
	if linkLocal {
		rs = append(rs, run(slaacaddr.Options{Interface: "eth0", JSON: true, LinkLocal: true})...)
	}
	for _, r := range rs {
		a, err := netip.ParseAddr(r.Address)
		if err != nil || !slices.Contains(want, a) || !r.Present || r.Manager != "kernel" {
			t.Errorf("slaacaddr -i eth0 printed %+v; want one of %v, present, by the kernel", r, want)
		}
	}
}
