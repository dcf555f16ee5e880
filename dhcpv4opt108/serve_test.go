package dhcpv4opt108

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"go.uber.org/goleak"
)

func TestServeLoopback(t *testing.T) {
	defer goleak.VerifyNone(t)
	srv, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cli, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()

	h, err := Handler(Policy{Wait: Option{1800}, ZeroYIAddr: true, ServerID: netip.MustParseAddr("192.0.2.1")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, srv, h, 2) }()

	// Junk first: it must not stop the loop.
	if _, err := cli.WriteTo([]byte("not dhcp"), srv.LocalAddr()); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		d := request(t, dhcpv4.MessageTypeDiscover, WithRequest())
		if _, err := cli.WriteTo(d.ToBytes(), srv.LocalAddr()); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 1500)
		cli.SetReadDeadline(time.Now().Add(10 * time.Second))
		n, _, err := cli.ReadFrom(buf)
		if err != nil {
			t.Fatalf("reply %d: %v", i, err)
		}
		m, err := dhcpv4.FromBytes(buf[:n])
		if err != nil {
			t.Fatal(err)
		}
		if o, p := Lookup(m); p != Valid || o.Seconds != 1800 || m.TransactionID != d.TransactionID {
			t.Fatalf("reply %d: %v %v xid %v", i, p, o, m.TransactionID)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve = %v, want nil after cancel", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
}

func TestServeReadError(t *testing.T) {
	defer goleak.VerifyNone(t)
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if err := Serve(context.Background(), c, func(net.PacketConn, net.Addr, *dhcpv4.DHCPv4) {}, 0); err == nil {
		t.Fatal("Serve on a closed conn returned nil")
	}
}

// BenchmarkServeLoopback measures one DISCOVER→OFFER round trip through
// Serve and the ZeroYIAddr handler over loopback UDP.
func BenchmarkServeLoopback(b *testing.B) {
	srv, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	cli, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		b.Fatal(err)
	}
	defer cli.Close()
	h, err := Handler(Policy{Wait: Option{1800}, ZeroYIAddr: true, ServerID: netip.MustParseAddr("192.0.2.1")}, nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, srv, h, 2) }()
	req := request(b, dhcpv4.MessageTypeDiscover, WithRequest()).ToBytes()
	buf := make([]byte, 1500)
	dst := srv.LocalAddr()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cli.WriteTo(req, dst); err != nil {
			b.Fatal(err)
		}
		if _, _, err := cli.ReadFrom(buf); err != nil {
			b.Fatal(err)
		}
	}
	cancel()
	<-done
}
