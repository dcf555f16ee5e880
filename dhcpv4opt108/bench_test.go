package dhcpv4opt108

import (
	"net"
	"net/netip"
	"testing"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

func BenchmarkOptionUnmarshal(b *testing.B) {
	v := []byte{0, 0, 7, 8}
	b.ReportAllocs()
	for b.Loop() {
		var o Option
		if err := o.UnmarshalBinary(v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOptionAppend(b *testing.B) {
	o := Option{1800}
	buf := make([]byte, 0, 8)
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = o.AppendBinary(buf[:0])
	}
}

func BenchmarkLookup(b *testing.B) {
	m, _ := dhcpv4.New(dhcpv4.WithMessageType(dhcpv4.MessageTypeOffer), dhcpv4.WithOption(Option{1800}.DHCPv4()))
	b.ReportAllocs()
	for b.Loop() {
		if _, p := Lookup(m); p != Valid {
			b.Fatal(p)
		}
	}
}

func BenchmarkDecide(b *testing.B) {
	m, _ := dhcpv4.New(dhcpv4.WithMessageType(dhcpv4.MessageTypeOffer), dhcpv4.WithOption(Option{1800}.DHCPv4()))
	b.ReportAllocs()
	for b.Loop() {
		if d := Decide(Selecting, true, m); d.Action != StopV6Only {
			b.Fatal(d)
		}
	}
}

// discardConn is a PacketConn whose writes go nowhere.
type discardConn struct{ net.PacketConn }

func (discardConn) WriteTo(b []byte, _ net.Addr) (int, error) { return len(b), nil }

func BenchmarkHandlerZeroYIAddr(b *testing.B) {
	h, err := Handler(Policy{Wait: Option{1800}, ZeroYIAddr: true, ServerID: netip.MustParseAddr("192.0.2.1")}, nil)
	if err != nil {
		b.Fatal(err)
	}
	req := request(b, dhcpv4.MessageTypeDiscover, WithRequest())
	peer := &net.UDPAddr{IP: net.IPv4bcast, Port: 68}
	b.ReportAllocs()
	for b.Loop() {
		h(discardConn{}, peer, req)
	}
}

func BenchmarkHandlerWrapped(b *testing.B) {
	resp := nextServer(b, request(b, dhcpv4.MessageTypeDiscover, WithRequest())).ToBytes()
	next := func(conn net.PacketConn, peer net.Addr, _ *dhcpv4.DHCPv4) { _, _ = conn.WriteTo(resp, peer) }
	h, err := Handler(Policy{Wait: Option{1800}}, next)
	if err != nil {
		b.Fatal(err)
	}
	req := request(b, dhcpv4.MessageTypeDiscover, WithRequest())
	peer := &net.UDPAddr{IP: net.IPv4bcast, Port: 68}
	b.ReportAllocs()
	for b.Loop() {
		h(discardConn{}, peer, req)
	}
}

func BenchmarkPolicyApply(b *testing.B) {
	req := request(b, dhcpv4.MessageTypeDiscover, WithRequest())
	resp := nextServer(b, req)
	p := Policy{Wait: Option{1800}}
	b.ReportAllocs()
	for b.Loop() {
		p.Apply(req, resp)
	}
}
