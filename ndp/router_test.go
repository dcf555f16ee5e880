package ndp

import (
	"errors"
	"io"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	mdndp "github.com/mdlayher/ndp"
)

var cmpAddrs = cmp.Options{
	cmp.Comparer(func(a, b netip.Addr) bool { return a == b }),
	cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }),
	cmpopts.EquateEmpty(),
}

// raBytes marshals an RA with mdlayher/ndp and appends extra raw options.
func raBytes(t testing.TB, ra *mdndp.RouterAdvertisement, extra ...[]byte) []byte {
	t.Helper()
	b, err := mdndp.MarshalMessage(ra)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range extra {
		b = append(b, e...)
	}
	return b
}

func TestParseRouterAdvertisement(t *testing.T) {
	mac := net.HardwareAddr{0x02, 0, 0x5e, 0x10, 0, 1}
	full := &mdndp.RouterAdvertisement{
		CurrentHopLimit:           64,
		ManagedConfiguration:      true,
		OtherConfiguration:        true,
		RouterSelectionPreference: mdndp.High,
		RouterLifetime:            1800 * time.Second,
		ReachableTime:             30 * time.Second,
		RetransmitTimer:           time.Second,
		Options: []mdndp.Option{
			&mdndp.LinkLayerAddress{Direction: mdndp.Source, Addr: mac},
			mdndp.NewMTU(1400),
			&mdndp.PrefixInformation{PrefixLength: 64, OnLink: true, AutonomousAddressConfiguration: true,
				ValidLifetime: 86400 * time.Second, PreferredLifetime: 14400 * time.Second,
				Prefix: netip.MustParseAddr("2001:db8:1::")},
			&mdndp.PrefixInformation{PrefixLength: 64, OnLink: true,
				ValidLifetime: mdndp.Infinity, PreferredLifetime: mdndp.Infinity,
				Prefix: netip.MustParseAddr("fd00:1::")},
			&mdndp.RouteInformation{PrefixLength: 48, Preference: mdndp.Low, RouteLifetime: time.Hour, Prefix: netip.MustParseAddr("2001:db8:2::")},
			&mdndp.RecursiveDNSServer{Lifetime: 600 * time.Second, Servers: []netip.Addr{netip.MustParseAddr("2001:db8::53")}},
			&mdndp.DNSSearchList{Lifetime: 600 * time.Second, DomainNames: []string{"example.com", "lab.example"}},
		},
	}
	pref64 := []byte{38, 2, 0x07, 0x08, 0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0}
	badPref64 := []byte{38, 2, 0x07, 0x0f, 0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0} // PLC 7
	badMTU := []byte{3, 1, 64, 0xc0, 0, 0, 0, 0}                                           // prefix information of length 1
	want := &Router{
		MAC: mac, HopLimit: 64, Managed: true, Other: true, Preference: PreferenceHigh,
		Lifetime: 1800 * time.Second, ReachableTime: 30 * time.Second, RetransTimer: time.Second,
		MTU: 1400,
		Prefixes: []Prefix{
			{Prefix: netip.MustParsePrefix("2001:db8:1::/64"), OnLink: true, Autonomous: true, ValidLifetime: 86400 * time.Second, PreferredLifetime: 14400 * time.Second},
			{Prefix: netip.MustParsePrefix("fd00:1::/64"), OnLink: true, ValidLifetime: Infinity, PreferredLifetime: Infinity},
		},
		Routes: []Route{{Prefix: netip.MustParsePrefix("2001:db8:2::/48"), Preference: PreferenceLow, Lifetime: time.Hour}},
		RDNSS:  []RDNSS{{Servers: []netip.Addr{netip.MustParseAddr("2001:db8::53")}, Lifetime: 600 * time.Second}},
		DNSSL:  []DNSSL{{Domains: []string{"example.com", "lab.example"}, Lifetime: 600 * time.Second}},
		PREF64: []PREF64{{Prefix: netip.MustParsePrefix("64:ff9b::/96"), Lifetime: 1800 * time.Second}},
	}
	wantSkipped := *want
	wantSkipped.PREF64 = nil
	wantSkipped.Skipped = 2

	tests := []struct {
		name string
		b    []byte
		want *Router
		err  error
	}{
		{name: "all options", b: raBytes(t, full, pref64), want: want},
		{name: "bad PREF64 and prefix skipped", b: raBytes(t, full, badPref64, badMTU), want: &wantSkipped},
		{name: "bare", b: raBytes(t, &mdndp.RouterAdvertisement{CurrentHopLimit: 64}), want: &Router{HopLimit: 64}},
		{name: "short", b: []byte{134, 0, 0, 0, 64}, err: io.ErrUnexpectedEOF},
		{name: "not an RA", b: make([]byte, 16), err: ErrInvalidMessage},
		{name: "zero-length option", b: raBytes(t, &mdndp.RouterAdvertisement{}, []byte{1, 0, 0, 0, 0, 0, 0, 0}), err: ErrInvalidOption},
		{name: "truncated option", b: raBytes(t, &mdndp.RouterAdvertisement{}, []byte{1, 2, 0, 0, 0, 0, 0, 0}), err: io.ErrUnexpectedEOF},
		{name: "odd trailing byte", b: raBytes(t, &mdndp.RouterAdvertisement{}, []byte{1}), err: io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRouterAdvertisement(tt.b)
			if tt.err != nil {
				var pe *ParseError
				if !errors.Is(err, tt.err) || !errors.As(err, &pe) {
					t.Fatalf("err = %v, want a *ParseError wrapping %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmpAddrs); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRouterSetLastWins(t *testing.T) {
	var s routerSet
	a, b := netip.MustParseAddr("fe80::2"), netip.MustParseAddr("fe80::1")
	s.add(Router{Addr: a, MTU: 1})
	s.add(Router{Addr: b})
	s.add(Router{Addr: a, MTU: 2})
	got := s.sorted()
	want := []Router{{Addr: b}, {Addr: a, MTU: 2}}
	if diff := cmp.Diff(want, got, cmpAddrs); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	var empty routerSet
	if got := empty.sorted(); got == nil || len(got) != 0 {
		t.Errorf("empty set = %#v, want non-nil empty", got)
	}
}

func BenchmarkParseRouterAdvertisement(b *testing.B) {
	ra := raBytes(b, &mdndp.RouterAdvertisement{
		CurrentHopLimit: 64,
		Options: []mdndp.Option{
			&mdndp.PrefixInformation{PrefixLength: 64, OnLink: true, AutonomousAddressConfiguration: true, Prefix: netip.MustParseAddr("2001:db8:1::")},
			&mdndp.RecursiveDNSServer{Lifetime: time.Minute, Servers: []netip.Addr{netip.MustParseAddr("2001:db8::53")}},
		},
	}, []byte{38, 2, 0x07, 0x08, 0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseRouterAdvertisement(ra); err != nil {
			b.Fatal(err)
		}
	}
}

func cmpDiff(want, got any) string { return cmp.Diff(want, got, cmpAddrs) }
