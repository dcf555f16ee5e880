package dhcpv4opt108

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"go.uber.org/goleak"
)

func newTestServer(t testing.TB, conn net.PacketConn, workers int) *Server {
	t.Helper()
	h, err := Handler(Policy{Wait: Option{1800}, ZeroYIAddr: true, ServerID: netip.MustParseAddr("192.0.2.1")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewServer(conn, h, workers)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestServerLoopback(t *testing.T) {
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

	s := newTestServer(t, srv, 2)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()

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
			t.Fatalf("Run = %v, want nil after cancel", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	// Run did not close what it did not open.
	if err := srv.SetReadDeadline(time.Time{}); err != nil {
		t.Errorf("the connection was closed by Run: %v", err)
	}
}

func TestServerReadError(t *testing.T) {
	defer goleak.VerifyNone(t)
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if err := newTestServer(t, c, 0).Run(context.Background()); err == nil {
		t.Fatal("Run on a closed conn returned nil")
	}
}

func TestNewServerRefuses(t *testing.T) {
	h := func(net.PacketConn, net.Addr, *dhcpv4.DHCPv4) {}
	c := &chanConn{}
	for _, tt := range []struct {
		name    string
		conn    net.PacketConn
		h       func(net.PacketConn, net.Addr, *dhcpv4.DHCPv4)
		workers int
	}{
		{"nil conn", nil, h, 1},
		{"nil handler", c, nil, 1},
		{"negative workers", c, h, -1},
		{"too many workers", c, h, MaxWorkers + 1},
	} {
		if _, err := NewServer(tt.conn, tt.h, tt.workers); err == nil {
			t.Errorf("%s: NewServer returned no error", tt.name)
		}
	}
}

// chanConn is a PacketConn whose reads block until a deadline passes or a
// datagram is pushed: enough for synctest, which cannot watch real sockets.
type chanConn struct {
	mu       sync.Mutex
	in       chan []byte
	deadline time.Time
	wake     chan struct{}
	closed   bool
	written  chan []byte
}

func newChanConn() *chanConn {
	return &chanConn{in: make(chan []byte, 8), wake: make(chan struct{}), written: make(chan []byte, 8)}
}

func (c *chanConn) ReadFrom(b []byte) (int, net.Addr, error) {
	for {
		c.mu.Lock()
		d, wake := c.deadline, c.wake
		c.mu.Unlock()
		var timer <-chan time.Time
		if !d.IsZero() {
			if !time.Now().Before(d) {
				return 0, nil, os.ErrDeadlineExceeded
			}
			timer = time.After(time.Until(d))
		}
		select {
		case p := <-c.in:
			return copy(b, p), &net.UDPAddr{IP: net.IPv4(192, 0, 2, 9), Port: 68}, nil
		case <-timer:
		case <-wake:
		}
	}
}

func (c *chanConn) WriteTo(b []byte, _ net.Addr) (int, error) {
	c.written <- append([]byte(nil), b...)
	return len(b), nil
}

func (c *chanConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.deadline = t
	close(c.wake)
	c.wake = make(chan struct{})
	return nil
}

func (c *chanConn) Close() error                     { c.closed = true; return nil }
func (c *chanConn) LocalAddr() net.Addr              { return &net.UDPAddr{} }
func (c *chanConn) SetDeadline(t time.Time) error    { return c.SetReadDeadline(t) }
func (c *chanConn) SetWriteDeadline(time.Time) error { return nil }

// TestServerRunLifecycle checks the loop's contract on a fake clock: it
// serves, refuses a second Run, returns nil soon after ctx ends (even a
// ctx that ends by deadline hours later), and never closes the connection.
func TestServerRunLifecycle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newChanConn()
		s := newTestServer(t, c, 3)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Hour)
		defer cancel()
		done := make(chan error, 1)
		start := time.Now()
		go func() { done <- s.Run(ctx) }()
		synctest.Wait()
		if err := s.Run(ctx); !errors.Is(err, ErrRunTwice) {
			t.Errorf("second Run = %v, want ErrRunTwice", err)
		}
		c.in <- request(t, dhcpv4.MessageTypeDiscover, WithRequest()).ToBytes()
		m, err := dhcpv4.FromBytes(<-c.written)
		if err != nil {
			t.Fatal(err)
		}
		if _, p := Lookup(m); p != Valid {
			t.Errorf("reply carries option 108 %v", p)
		}
		if err := <-done; err != nil {
			t.Errorf("Run = %v after its deadline, want nil", err)
		}
		if el := time.Since(start); el != 5*time.Hour {
			t.Errorf("Run returned after %v, want exactly the 5h deadline", el)
		}
		if c.closed {
			t.Error("Run closed a connection it did not open")
		}
	})
}

// BenchmarkServeLoopback measures one DISCOVER→OFFER round trip through a
// Server and the ZeroYIAddr handler over loopback UDP.
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
	s := newTestServer(b, srv, 2)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
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
