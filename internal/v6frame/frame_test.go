package v6frame

import (
	"bytes"
	"errors"
	"net/netip"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	ll := netip.MustParseAddr("fe80::1")
	tests := []struct {
		name string
		p    Packet
		size int
	}{
		{"echo to all nodes", Packet{DstMAC: MulticastMAC(netip.MustParseAddr("ff02::1")), SrcMAC: MAC{2, 0, 0, 0, 0, 1},
			Src: ll, Dst: netip.MustParseAddr("ff02::1"), HopLimit: 255, ICMP: []byte{128, 0, 0, 0, 0, 1, 0, 1}}, 14 + 40 + 8},
		{"MLDv2 query with router alert", Packet{DstMAC: MulticastMAC(netip.MustParseAddr("ff02::1")),
			Src: ll, Dst: netip.MustParseAddr("ff02::1"), HopLimit: 1, HopByHop: RouterAlertMLD,
			ICMP: make([]byte, 28)}, 14 + 40 + 8 + 28},
		{"unknown destination option", Packet{Src: ll, Dst: netip.MustParseAddr("ff02::1"), HopLimit: 64,
			DestOpts: UnknownOption, ICMP: []byte{160, 0, 0, 0, 0, 0, 0, 0}}, 14 + 40 + 8 + 8},
		{"both headers, odd padding", Packet{Src: ll, Dst: ll, HopByHop: []byte{5, 2, 0, 0, 0}, DestOpts: []byte{}, ICMP: []byte{1, 2, 3, 4}}, 14 + 40 + 8 + 8 + 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.p.Append(nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(b) != tt.size {
				t.Errorf("frame of %d bytes, want %d", len(b), tt.size)
			}
			var got Packet
			if err := Parse(append(b, 0, 0, 0), &got); err != nil { // with Ethernet padding
				t.Fatal(err)
			}
			if Checksum(got.Src, got.Dst, zeroSum(got.ICMP)) != uint16(got.ICMP[2])<<8|uint16(got.ICMP[3]) {
				t.Error("checksum does not verify")
			}
			if got.DstMAC != tt.p.DstMAC || got.SrcMAC != tt.p.SrcMAC || got.Src != tt.p.Src || got.Dst != tt.p.Dst ||
				got.HopLimit != tt.p.HopLimit || !bytes.Equal(zeroSum(got.ICMP), zeroSum(tt.p.ICMP)) ||
				(got.HopByHop == nil) != (tt.p.HopByHop == nil) || (got.DestOpts == nil) != (tt.p.DestOpts == nil) ||
				!bytes.HasPrefix(got.HopByHop, tt.p.HopByHop) || !bytes.HasPrefix(got.DestOpts, tt.p.DestOpts) {
				t.Errorf("round trip: got %+v, want %+v", got, tt.p)
			}
		})
	}
}

func zeroSum(m []byte) []byte {
	c := bytes.Clone(m)
	c[2], c[3] = 0, 0
	return c
}

func TestParseErrors(t *testing.T) {
	good, _ := (&Packet{Src: netip.IPv6LinkLocalAllNodes(), Dst: netip.IPv6LinkLocalAllNodes(), ICMP: []byte{128, 0, 0, 0}}).Append(nil)
	udp := bytes.Clone(good)
	udp[14+6] = 17
	short := bytes.Clone(good)
	short[14+5] = 200
	arp := bytes.Clone(good)
	arp[12], arp[13] = 0x08, 0x06
	tests := []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, ErrNotIPv6},
		{"ARP", arp, ErrNotIPv6},
		{"UDP", udp, ErrNotICMPv6},
		{"payload length past end", short, ErrMalformed},
		{"truncated header", good[:30], ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p Packet
			if err := Parse(tt.b, &p); !errors.Is(err, tt.want) {
				t.Fatalf("Parse = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestHelpers(t *testing.T) {
	a := netip.MustParseAddr("2001:db8::211:22ff:fe33:4455")
	if got, want := SolicitedNode(a), netip.MustParseAddr("ff02::1:ff33:4455"); got != want {
		t.Errorf("SolicitedNode = %v, want %v", got, want)
	}
	if got, want := MulticastMAC(netip.MustParseAddr("ff02::1:ff33:4455")).String(), "33:33:ff:33:44:55"; got != want {
		t.Errorf("MulticastMAC = %v, want %v", got, want)
	}
}

func FuzzParse(f *testing.F) {
	b, _ := (&Packet{Src: netip.IPv6LinkLocalAllNodes(), Dst: netip.IPv6LinkLocalAllNodes(), HopByHop: RouterAlertMLD, DestOpts: UnknownOption, ICMP: []byte{128, 0, 0, 0}}).Append(nil)
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		var p Packet
		if Parse(b, &p) != nil {
			return
		}
		w1, err := p.Append(nil)
		if err != nil {
			return // option areas not a multiple of 8 minus 2 cannot come from Parse; others are rejected
		}
		w2, _ := p.Append(nil)
		if !bytes.Equal(w1, w2) {
			t.Fatal("Append not stable")
		}
		var q Packet
		if err := Parse(w1, &q); err != nil {
			t.Fatalf("reparse: %v", err)
		}
		if p.Src != q.Src || p.Dst != q.Dst || p.SrcMAC != q.SrcMAC || !bytes.Equal(zeroSum(p.ICMP), zeroSum(q.ICMP)) ||
			!bytes.Equal(p.HopByHop, q.HopByHop) || !bytes.Equal(p.DestOpts, q.DestOpts) {
			t.Fatalf("round trip differs: %+v vs %+v", p, q)
		}
	})
}

func BenchmarkAppendParse(b *testing.B) {
	p := Packet{Src: netip.MustParseAddr("fe80::1"), Dst: netip.IPv6LinkLocalAllNodes(), DestOpts: UnknownOption, ICMP: []byte{160, 0, 0, 0, 0, 0, 0, 0}}
	buf := make([]byte, 0, 128)
	b.ReportAllocs()
	for b.Loop() {
		w, _ := p.Append(buf[:0])
		var q Packet
		if err := Parse(w, &q); err != nil {
			b.Fatal(err)
		}
	}
}
