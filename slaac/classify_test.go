package slaac

import (
	"net"
	"net/netip"
	"testing"
)

func TestClassify(t *testing.T) {
	mac := net.HardwareAddr{0x00, 0x16, 0x3e, 0x65, 0x2b, 0x99}
	other := net.HardwareAddr{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}
	secret, _ := ParseLinuxSecret("2001:db8::1")
	linux := &Linux{Secret: secret}
	p := netip.MustParsePrefix("2001:db8:1:2::/64")
	stable, _, _ := Form(linux, p, nil)
	stable1 := genIID(t, linux, p, 1)
	ll, _, _ := linux.LinkLocal(0)
	eui := netip.MustParseAddr("2001:db8:1:2:216:3eff:fe65:2b99")
	opaque := netip.MustParseAddr("2001:db8:1:2:a1b2:c3d4:e5f6:789")
	tests := []struct {
		name string
		addr string
		ev   Evidence
		want Kind
	}{
		{"ipv4", "192.0.2.1", Evidence{}, KindUnknown},
		{"4in6", "::ffff:192.0.2.1", Evidence{}, KindUnknown},
		{"eui64 of the MAC", eui.String(), Evidence{MAC: mac}, KindEUI64},
		{"eui64 link-local zoned", "fe80::216:3eff:fe65:2b99%eth0", Evidence{MAC: mac}, KindEUI64},
		{"eui64 without MAC", eui.String(), Evidence{}, KindEUI64},
		{"eui64 of another MAC", eui.String(), Evidence{MAC: other}, KindEUI64Other},
		{"eui64 of an 8-byte MAC", "2001:db8::213:2233:4455:6677", Evidence{MAC: net.HardwareAddr{0, 0x13, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77}}, KindEUI64},
		{"subnet-router anycast", "2001:db8:1:2::", Evidence{}, KindReserved},
		{"proxy mobile", "2001:db8:1:2:200:5eff:fe00:5213", Evidence{MAC: mac}, KindReserved},
		{"subnet anycast", "2001:db8:1:2:fdff:ffff:ffff:ff80", Evidence{}, KindReserved},
		{"low byte ::1", "2001:db8:1:2::1", Evidence{}, KindManual},
		{"service port ::53", "2001:db8:1:2::53", Evidence{MAC: mac}, KindManual},
		{"gateway fe80::1", "fe80::1", Evidence{}, KindManual},
		{"low 16 bits", "2001:db8::ffff", Evidence{}, KindManual},
		{"just above low-byte", "2001:db8::1:0", Evidence{}, KindOpaque},
		{"stable verified", stable.String(), Evidence{MAC: mac, Stable: []Generator{linux}}, KindStablePrivacy},
		{"stable verified after a DAD conflict", netip.AddrFrom16(join(p.Addr(), stable1).As16()).String(), Evidence{Stable: []Generator{linux}}, KindStablePrivacy},
		{"stable link-local verified", ll.String(), Evidence{Stable: []Generator{linux}}, KindStablePrivacy},
		{"stable unverified", stable.String(), Evidence{MAC: mac}, KindOpaque},
		{"stable, wrong secret", stable.String(), Evidence{Stable: []Generator{&Linux{}}}, KindOpaque},
		{"local stable-privacy flag", opaque.String(), Evidence{Local: true, Flags: FlagStablePrivacy}, KindStablePrivacy},
		{"local temporary", opaque.String(), Evidence{Local: true, Flags: FlagTemporary}, KindTemporary},
		{"local temporary beats EUI-64 form", eui.String(), Evidence{Local: true, Flags: FlagTemporary, MAC: mac}, KindTemporary},
		{"local permanent global", opaque.String(), Evidence{Local: true, Flags: FlagPermanent}, KindManual},
		{"local permanent link-local", "fe80::a1b2:c3d4:e5f6:789", Evidence{Local: true, Flags: FlagPermanent}, KindOpaque},
		{"local dynamic opaque (DHCPv6)", opaque.String(), Evidence{Local: true, Siblings: []netip.Addr{eui}, MAC: mac}, KindOpaque},
		{"remote beside EUI-64", opaque.String(), Evidence{MAC: mac, Siblings: []netip.Addr{eui, opaque}}, KindLikelyTemporary},
		{"remote beside verified stable", opaque.String(), Evidence{Stable: []Generator{linux}, Siblings: []netip.Addr{stable}}, KindLikelyTemporary},
		{"remote beside EUI-64 of another MAC", opaque.String(), Evidence{MAC: mac, Siblings: []netip.Addr{netip.MustParseAddr("2001:db8:1:2:5054:ff:fe12:3456")}}, KindOpaque},
		{"remote beside EUI-64 on another prefix", opaque.String(), Evidence{MAC: mac, Siblings: []netip.Addr{netip.MustParseAddr("2001:db8:9:9:216:3eff:fe65:2b99")}}, KindOpaque},
		{"remote beside two opaque", opaque.String(), Evidence{MAC: mac, Siblings: []netip.Addr{stable, opaque}}, KindOpaque},
		{"link-local beside EUI-64 is not temporary", "fe80::a1b2:c3d4:e5f6:789", Evidence{MAC: mac, Siblings: []netip.Addr{netip.MustParseAddr("fe80::216:3eff:fe65:2b99")}}, KindOpaque},
		{"nil generator ignored", opaque.String(), Evidence{Stable: []Generator{nil, (*Linux)(nil)}}, KindOpaque},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(netip.MustParseAddr(tt.addr), tt.ev); got != tt.want {
				t.Errorf("Classify(%s) = %v, want %v", tt.addr, got, tt.want)
			}
		})
	}
}

func genIID(t *testing.T, g Generator, p netip.Prefix, dad int) IID {
	t.Helper()
	iid, used, err := g.IID(p, dad)
	if err != nil || used != dad {
		t.Fatalf("IID(%v, %d) = %v, %d, %v", p, dad, iid, used, err)
	}
	return iid
}

func TestClassifyNoAllocs(t *testing.T) {
	mac := net.HardwareAddr{0x00, 0x16, 0x3e, 0x65, 0x2b, 0x99}
	a := netip.MustParseAddr("2001:db8:1:2:a1b2:c3d4:e5f6:789")
	ev := Evidence{MAC: mac, Siblings: []netip.Addr{netip.MustParseAddr("2001:db8:1:2:216:3eff:fe65:2b99")}}
	if n := testing.AllocsPerRun(100, func() { Classify(a, ev) }); n != 0 {
		t.Errorf("Classify allocates %v times", n)
	}
	// With the generators a Host yields (EUI-64 and static identifiers
	// have no DAD retries, so no error is built for counters 1 to 3).
	ev.Stable = []Generator{EUI64Generator{MAC: net.HardwareAddr{0x02, 0, 0, 0, 0, 1}}, StaticIID{0, 0, 0, 0, 0, 0, 0, 0x1a}}
	if n := testing.AllocsPerRun(100, func() { Classify(a, ev) }); n != 0 {
		t.Errorf("Classify with EUI-64 and static generators allocates %v times", n)
	}
}

func TestKindText(t *testing.T) {
	for k := KindUnknown; k <= KindOpaque; k++ {
		b, err := k.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Kind
		if err := back.UnmarshalText(b); err != nil || back != k {
			t.Errorf("%v: round trip %q = %v, %v", k, b, back, err)
		}
		if string(b) != k.String() {
			t.Errorf("MarshalText %q, String %q", b, k.String())
		}
	}
	if _, err := Kind(200).MarshalText(); err == nil {
		t.Error("Kind(200) marshalled")
	}
	if Kind(200).String() != "Kind(200)" {
		t.Error(Kind(200).String())
	}
	if _, err := ParseKind("EUI64"); err == nil {
		t.Error("ParseKind is case-insensitive")
	}
}

func BenchmarkClassify(b *testing.B) {
	secret, _ := ParseLinuxSecret("2001:db8::1")
	a := netip.MustParseAddr("2001:db8:1:2:a1b2:c3d4:e5f6:789")
	ev := Evidence{Stable: []Generator{&Linux{Secret: secret}}}
	b.ReportAllocs()
	for b.Loop() {
		Classify(a, ev)
	}
}
