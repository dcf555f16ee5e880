package ndp

import (
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	mdndp "github.com/mdlayher/ndp"
	"github.com/v6kit/v6kit/internal/v6frame"
)

func TestFilterNeighbors(t *testing.T) {
	mac := net.HardwareAddr{2, 0, 0, 0, 0, 9}
	n := func(a string, s NeighborState, m net.HardwareAddr) Neighbor {
		return Neighbor{Addr: netip.MustParseAddr(a), State: s, MAC: m}
	}
	in := []Neighbor{
		n("fe80::9", StateReachable, mac),
		n("2001:db8::9", StateStale, mac),
		n("fe80::a", StateFailed, mac),
		n("fe80::b", StateIncomplete, nil),
		n("ff02::16", StateNoARP, net.HardwareAddr{0x33, 0x33, 0, 0, 0, 0x16}),
		n("fe80::1", StatePermanent, mac), // our own
		n("fe80::c", StateDelay, nil),     // no MAC
	}
	got := filterNeighbors(in, StatesUsable, []netip.Addr{netip.MustParseAddr("fe80::1%eth0")})
	want := []Neighbor{n("fe80::9", StateReachable, mac), n("2001:db8::9", StateStale, mac)}
	if diff := cmp.Diff(want, got, cmpAddrs); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestNeighborStateString(t *testing.T) {
	for s, want := range map[NeighborState]string{0: "NONE", StateStale: "STALE", StateReachable | StateProbe: "REACHABLE|PROBE"} {
		if got := s.String(); got != want {
			t.Errorf("%#x.String() = %q, want %q", uint16(s), got, want)
		}
	}
}

func TestSight(t *testing.T) {
	mac := net.HardwareAddr{0xb8, 0x27, 0xeb, 1, 2, 3}
	other := net.HardwareAddr{0x00, 0x16, 0x3e, 1, 2, 3}
	src, ll := netip.MustParseAddr("fe80::1"), netip.MustParseAddr("fe80::ba27:ebff:fe01:203")
	frame := func(src netip.Addr, hop uint8, m mdndp.Message) *v6frame.Packet {
		b, err := mdndp.MarshalMessage(m)
		if err != nil {
			t.Fatal(err)
		}
		e, _ := v6frame.MACFrom(mac)
		return &v6frame.Packet{SrcMAC: e, Src: src, Dst: netip.IPv6LinkLocalAllNodes(), HopLimit: hop, ICMP: b}
	}
	now := time.Unix(100, 0)
	tests := []struct {
		name string
		p    *v6frame.Packet
		want Sighting
		ok   bool
	}{
		{"NS with source LLA", frame(ll, 255, &mdndp.NeighborSolicitation{TargetAddress: src,
			Options: []mdndp.Option{&mdndp.LinkLayerAddress{Direction: mdndp.Source, Addr: other}}}),
			Sighting{Time: now, Kind: SawNS, Addr: ll, MAC: other}, true},
		{"DAD", frame(netip.IPv6Unspecified(), 255, &mdndp.NeighborSolicitation{TargetAddress: ll}),
			Sighting{Time: now, Kind: SawDAD, Addr: ll, MAC: mac}, true},
		{"NA router", frame(ll, 255, &mdndp.NeighborAdvertisement{Router: true, TargetAddress: netip.MustParseAddr("2001:db8::1"),
			Options: []mdndp.Option{&mdndp.LinkLayerAddress{Direction: mdndp.Target, Addr: other}}}),
			Sighting{Time: now, Kind: SawNA, Addr: netip.MustParseAddr("2001:db8::1"), MAC: other, Router: true}, true},
		{"RA", frame(ll, 255, &mdndp.RouterAdvertisement{}), Sighting{Time: now, Kind: SawRA, Addr: ll, MAC: mac, Router: true}, true},
		{"RS from ::", frame(netip.IPv6Unspecified(), 255, &mdndp.RouterSolicitation{}), Sighting{Time: now, Kind: SawRS, MAC: mac}, true},
		{"hop limit 64 rejected", frame(ll, 64, &mdndp.RouterAdvertisement{}), Sighting{}, false},
		{"echo ignored", &v6frame.Packet{HopLimit: 255, ICMP: []byte{128, 0, 0, 0, 0, 0, 0, 0}}, Sighting{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := sight(tt.p, now)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			if diff := cmp.Diff(tt.want, got, cmpAddrs); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
