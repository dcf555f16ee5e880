package v6onlyprobe

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/v6kit/v6kit/dhcpv4opt108"
	"github.com/v6kit/v6kit/ndp"
	"go.uber.org/goleak"
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

var goodRA = ndp.Router{
	Addr:   netip.MustParseAddr("fe80::1"),
	PREF64: []ndp.PREF64{{Prefix: netip.MustParsePrefix("64:ff9b::/96"), Lifetime: 1800 * time.Second}},
	RDNSS:  []ndp.RDNSS{{Servers: []netip.Addr{netip.MustParseAddr("2001:db8:1:2::53")}, Lifetime: time.Hour}},
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
			if err := Run(context.Background(), Options{JSON: true, Client: c, Routers: routers(tt.ras...)}, &out); err != nil {
				t.Fatal(err)
			}
			if !c.asked {
				t.Error("the DISCOVER did not ask for 108")
			}
			var got Report
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatalf("%q: %v", out.String(), err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
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
	if err := Run(context.Background(), Options{Client: c, Routers: routers(goodRA)}, &out); err != nil {
		t.Fatal(err)
	}
	want := `server:     192.0.2.1
offered:    192.0.2.100
option 108: V6ONLY_WAIT 1800 s (a client waits 1800 s)
pref64:     64:ff9b::/96
rdnss:      2001:db8:1:2::53
verdict:    IPv6-mostly ready: capable clients stop DHCPv4 and find NAT64 and DNS
`
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestRunNoOffer: no OFFER is a result, in -json too, not an error.
func TestRunNoOffer(t *testing.T) {
	var out bytes.Buffer
	err := Run(context.Background(), Options{Interface: "eth9", JSON: true, Client: &fakeClient{}, Routers: routers(goodRA)}, &out)
	if err != nil {
		t.Fatalf("Run = %v, want a no-offer report", err)
	}
	var got Report
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%q: %v", out.String(), err)
	}
	want := Report{Outcome: "no-offer", Option108Status: "absent", PREF64: []string{"64:ff9b::/96"}, RDNSS: []string{"2001:db8:1:2::53"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	out.Reset()
	if err := Run(context.Background(), Options{Interface: "eth9", Timeout: 3 * time.Second, Client: &fakeClient{}, Routers: routers()}, &out); err != nil {
		t.Fatal(err)
	}
	if want := "server:     none (no DHCPv4 OFFER within 3s)\npref64:     none\nrdnss:      none\nverdict:    no DHCPv4 server answered: clients get no IPv4 address here\n"; out.String() != want {
		t.Errorf("text:\n%s\nwant:\n%s", out.String(), want)
	}
}
