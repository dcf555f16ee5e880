package v6onlyprobe

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/insomniacslk/dhcp/dhcpv4"
	"go.uber.org/goleak"

	"github.com/v6kit/v6kit/dhcpv4opt108"
	"github.com/v6kit/v6kit/nat64"
	"github.com/v6kit/v6kit/ndp"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakeClient offers offer (or nothing); it can send no REQUEST at all.
type fakeClient struct {
	offer *dhcpv4.DHCPv4
	asked bool
}

func (f *fakeClient) DiscoverOffer(ctx context.Context, mods ...dhcpv4.Modifier) (*dhcpv4.DHCPv4, error) {
	d, err := dhcpv4.NewDiscovery(net.HardwareAddr{2, 0, 0x5e, 0, 0x53, 1}, mods...)
	if err != nil {
		return nil, err
	}
	f.asked = dhcpv4opt108.Requested(d)
	if f.offer == nil {
		return nil, context.DeadlineExceeded
	}
	return f.offer, nil
}

func offer(t *testing.T, v108 []byte) *dhcpv4.DHCPv4 {
	m, err := dhcpv4.New(dhcpv4.WithMessageType(dhcpv4.MessageTypeOffer), dhcpv4.WithYourIP(net.IPv4(192, 0, 2, 100)),
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(net.IPv4(192, 0, 2, 1))))
	if err != nil {
		t.Fatal(err)
	}
	if v108 != nil {
		m.UpdateOption(dhcpv4.OptGeneric(dhcpv4.OptionIPv6OnlyPreferred, v108))
	}
	return m
}

func routers(rs ...ndp.Router) func(context.Context, *net.Interface, time.Duration) ([]ndp.Router, error) {
	return func(context.Context, *net.Interface, time.Duration) ([]ndp.Router, error) { return rs, nil }
}

// fakeNet is the network behind the router for the NAT64 checks: a DNS64
// synthesising under dns64 (none when invalid) from a table of A records,
// and a NAT64 that answers echo and TCP when up.
type fakeNet struct {
	dns64 netip.Prefix
	up    bool
	// dead servers never answer: their queries time out.
	dead []netip.Addr
	// asked records the servers the probe asked and when.
	mu      *sync.Mutex
	asked   []netip.AddrPort
	askedAt []time.Time
}

var fakeA = map[string][]netip.Addr{
	"ipv4only.arpa.":  {netip.MustParseAddr("192.0.0.170"), netip.MustParseAddr("192.0.0.171")},
	"a-only.example.": {netip.MustParseAddr("198.51.100.2")},
}

func (f *fakeNet) apply(o *Options) {
	f.mu = new(sync.Mutex)
	o.Lookup = func(ctx context.Context, server netip.AddrPort, name string, typ uint16) (nat64.Answer, error) {
		f.mu.Lock()
		f.asked = append(f.asked, server)
		f.askedAt = append(f.askedAt, time.Now())
		f.mu.Unlock()
		if slices.Contains(f.dead, server.Addr()) {
			<-ctx.Done()
			return nat64.Answer{}, fmt.Errorf("nat64: %s from %s: read udp: %w", name, server, ctx.Err())
		}
		if !strings.HasSuffix(name, ".") {
			name += "."
		}
		a := nat64.Answer{Name: name, Type: typ, TTL: 300 * time.Second}
		for _, v4 := range fakeA[name] {
			if typ == nat64.TypeA {
				a.Addrs = append(a.Addrs, v4)
			} else if s, err := nat64.Synthesize(f.dns64, v4); err == nil {
				a.Addrs = append(a.Addrs, s)
			}
		}
		return a, nil
	}
	o.Ping = func(ctx context.Context, dst netip.Addr) (time.Duration, error) {
		if !f.up {
			<-ctx.Done()
			return 0, fmt.Errorf("nat64: ping %s: no echo reply: %w", dst, ctx.Err())
		}
		return 1500 * time.Microsecond, nil
	}
	o.Connect = func(ctx context.Context, dst netip.AddrPort) (time.Duration, error) {
		if !f.up {
			<-ctx.Done()
			return 0, fmt.Errorf("nat64: connect %s: %w", dst, ctx.Err())
		}
		return 500 * time.Microsecond, nil
	}
}

// legacy leaves out the keys the NAT64 checks added, for the tests of the
// first report's keys.
var legacy = cmpopts.IgnoreFields(Report{}, "RouterLifetimeS", "PREF64LifetimeS", "DNSServer", "RDNSSUnanswered", "RFC7050", "RFC7050Error",
	"NAT64Prefix", "NAT64Source", "PrefixAgree", "DNS64Name", "DNS64AAAA", "DNS64Prefixes", "DNS64OK", "DNS64Error",
	"NAT64Target", "NAT64Via", "EchoRTTMs", "TCPRTTMs", "NAT64Error", "Checks", "AllOK")

var goodRA = ndp.Router{
	Addr:     netip.MustParseAddr("fe80::1"),
	Lifetime: 1800 * time.Second,
	PREF64:   []ndp.PREF64{{Prefix: netip.MustParsePrefix("64:ff9b::/96"), Lifetime: 1800 * time.Second}},
	RDNSS:    []ndp.RDNSS{{Servers: []netip.Addr{netip.MustParseAddr("2001:db8:1:2::53")}, Lifetime: time.Hour}},
}

func TestRunJSON(t *testing.T) {
	i := func(v int64) *int64 { return &v }
	tests := []struct {
		name string
		v108 []byte
		ras  []ndp.Router
		want Report
	}{
		{name: "ready", v108: []byte{0, 0, 7, 8}, ras: []ndp.Router{goodRA, goodRA},
			want: Report{Outcome: "offer", Server: "192.0.2.1", Offered: "192.0.2.100", Option108: true, Option108Status: "valid",
				V6OnlyWaitS: i(1800), EffectiveWaitS: i(1800), PREF64: []string{"64:ff9b::/96"}, RDNSS: []string{"2001:db8:1:2::53"}, V6Only: true, Ready: true}},
		{name: "zero wait clamps, no RA", v108: []byte{0, 0, 0, 0},
			want: Report{Outcome: "offer", Server: "192.0.2.1", Offered: "192.0.2.100", Option108: true, Option108Status: "valid",
				V6OnlyWaitS: i(0), EffectiveWaitS: i(300), PREF64: []string{}, RDNSS: []string{}, V6Only: true}},
		{name: "malformed", v108: []byte("0000i"), ras: []ndp.Router{goodRA},
			want: Report{Outcome: "offer", Server: "192.0.2.1", Offered: "192.0.2.100", Option108: true, Option108Status: "malformed",
				PREF64: []string{"64:ff9b::/96"}, RDNSS: []string{"2001:db8:1:2::53"}}},
		{name: "absent", want: Report{Outcome: "offer", Server: "192.0.2.1", Offered: "192.0.2.100", Option108Status: "absent", PREF64: []string{}, RDNSS: []string{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &fakeClient{offer: offer(t, tt.v108)}
			var out bytes.Buffer
			o := Options{JSON: true, Client: c, Routers: routers(tt.ras...)}
			(&fakeNet{dns64: nat64.WellKnownPrefix, up: true}).apply(&o)
			if err := Run(context.Background(), o, &out); err != nil {
				t.Fatal(err)
			}
			if !c.asked {
				t.Error("the DISCOVER did not ask for 108")
			}
			var got Report
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatalf("%q: %v", out.String(), err)
			}
			if diff := cmp.Diff(tt.want, got, legacy); diff != "" {
				t.Errorf("report (-want +got):\n%s", diff)
			}
			// The contract's keys are all there.
			var keys map[string]any
			_ = json.Unmarshal(out.Bytes(), &keys)
			for _, k := range []string{"server", "offered", "option108", "v6only_wait_s", "effective_wait_s", "pref64", "rdnss"} {
				if _, ok := keys[k]; !ok {
					t.Errorf("JSON lacks %q: %s", k, out.String())
				}
			}
		})
	}
}

func TestRunText(t *testing.T) {
	var out bytes.Buffer
	c := &fakeClient{offer: offer(t, []byte{0, 0, 7, 8})}
	o := Options{Client: c, Routers: routers(goodRA), Name: "a-only.example", Port: 80}
	(&fakeNet{dns64: nat64.WellKnownPrefix, up: true}).apply(&o)
	if err := Run(context.Background(), o, &out); err != nil {
		t.Fatal(err)
	}
	want := `server:     192.0.2.1
offered:    192.0.2.100
✔ option 108  V6ONLY_WAIT 1800 s
✔ PREF64      64:ff9b::/96, lifetime 1800 s (router lifetime 1800 s)
✔ RDNSS       2001:db8:1:2::53
✔ RFC 7050    64:ff9b::/96 via [2001:db8:1:2::53]:53, agrees with PREF64
✔ DNS64       a-only.example → 64:ff9b::c633:6402 (under 64:ff9b::/96)
✔ NAT64       198.51.100.2:80 through 64:ff9b::c633:6402: echo 1.50 ms, TCP connect 0.50 ms
verdict:    ready for IPv6-only clients: they stop DHCPv4, find the NAT64 prefix and DNS64, and reach IPv4 through NAT64
`
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestRunNoOffer: no OFFER is a result, in -json too, not an error.
func TestRunNoOffer(t *testing.T) {
	var out bytes.Buffer
	o := Options{Interface: "eth9", JSON: true, Client: &fakeClient{}, Routers: routers(goodRA)}
	(&fakeNet{}).apply(&o)
	err := Run(context.Background(), o, &out)
	if err != nil {
		t.Fatalf("Run = %v, want a no-offer report", err)
	}
	var got Report
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%q: %v", out.String(), err)
	}
	want := Report{Outcome: "no-offer", Option108Status: "absent", PREF64: []string{"64:ff9b::/96"}, RDNSS: []string{"2001:db8:1:2::53"}}
	if diff := cmp.Diff(want, got, legacy); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	out.Reset()
	if err := Run(context.Background(), Options{Interface: "eth9", Timeout: 3 * time.Second, Client: &fakeClient{}, Routers: routers()}, &out); err != nil {
		t.Fatal(err)
	}
	if want := "server:     none (no DHCPv4 OFFER within 3s)\n" +
		"✘ option 108  no DHCPv4 OFFER: no server to tell clients to stop IPv4\n  fix:        " + fixOption108 + "\n" +
		"✘ PREF64      none in the router advertisements\n  fix:        " + fixPREF64 + "\n" +
		"✘ RDNSS       none in the router advertisements: IPv6-only clients have no DNS64 to ask\n  fix:        " + fixRDNSS + "\n" +
		"– RFC 7050    not checked: no DNS server (no RDNSS; give -dns)\n" +
		"– DNS64       not checked: no DNS server or no -name\n" +
		"– NAT64       not checked: no NAT64 prefix (no PREF64, no DNS64)\n" +
		"verdict:    no DHCPv4 server answered: clients get no IPv4 address here\n"; out.String() != want {
		t.Errorf("text:\n%s\nwant:\n%s", out.String(), want)
	}
}
