package v6onlyserver

import (
	"context"
	"encoding/json"
	"net"
	"net/netip"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/v6kit/v6kit/dhcpv4opt108"
	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/internal/lab"
	"go.uber.org/goleak"
)

// serve runs Run on a loopback socket and returns a function that sends a
// message and returns the reply.
func serve(t *testing.T, o Options) (func(*dhcpv4.DHCPv4) *dhcpv4.DHCPv4, *lab.SyncBuffer) {
	t.Helper()
	srv, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	cli, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	o.Conn = srv
	if !o.Addr.IsValid() {
		o.Addr = netip.MustParsePrefix("192.0.2.1/24")
	}
	out := &lab.SyncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, o, out) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v", err)
		}
		srv.Close()
		cli.Close()
	})
	return func(m *dhcpv4.DHCPv4) *dhcpv4.DHCPv4 {
		t.Helper()
		if _, err := cli.WriteTo(m.ToBytes(), srv.LocalAddr()); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 1500)
		cli.SetReadDeadline(time.Now().Add(10 * time.Second))
		n, _, err := cli.ReadFrom(buf)
		if err != nil {
			t.Fatal(err)
		}
		r, err := dhcpv4.FromBytes(buf[:n])
		if err != nil {
			t.Fatal(err)
		}
		return r
	}, out
}

func discover(t *testing.T, mac byte, ask bool) *dhcpv4.DHCPv4 {
	t.Helper()
	mods := []dhcpv4.Modifier{}
	if ask {
		mods = append(mods, dhcpv4opt108.WithRequest())
	}
	m, err := dhcpv4.NewDiscovery(net.HardwareAddr{2, 0, 0x5e, 0, 0x53, mac}, mods...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func opts() Options {
	return Options{
		First: netip.MustParseAddr("192.0.2.100"), Last: netip.MustParseAddr("192.0.2.101"),
		Router: netip.MustParseAddr("192.0.2.1"), V6OnlyWait: 1800,
	}
}

type got struct {
	Type   string
	YIAddr string
	P108   string
	V108   uint32
}

func summary(m *dhcpv4.DHCPv4) got {
	o, p := dhcpv4opt108.Lookup(m)
	return got{Type: m.MessageType().String(), YIAddr: m.YourIPAddr.String(), P108: p.String(), V108: o.Seconds}
}

func TestRun(t *testing.T) {
	tests := []struct {
		name string
		zero bool
		ask  bool
		want got
	}{
		{name: "legacy client gets a lease, no 108", ask: false, want: got{"OFFER", "192.0.2.100", "absent", 0}},
		{name: "capable client gets 108 and an address", ask: true, want: got{"OFFER", "192.0.2.100", "valid", 1800}},
		{name: "capable client with -zero-yiaddr", zero: true, ask: true, want: got{"OFFER", "0.0.0.0", "valid", 1800}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := opts()
			o.ZeroYIAddr = tt.zero
			send, out := serve(t, o)
			if diff := cmp.Diff(tt.want, summary(send(discover(t, 1, tt.ask)))); diff != "" {
				t.Errorf("reply (-want +got):\n%s", diff)
			}
			if !strings.Contains(out.String(), "DISCOVER from 02:00:5e:00:53:01") {
				t.Errorf("log %q lacks the decision", out.String())
			}
		})
	}
}

func TestRunLeaseAndPool(t *testing.T) {
	o := opts()
	o.JSON = true
	send, out := serve(t, o)
	offer := send(discover(t, 1, false))
	req, err := dhcpv4.NewRequestFromOffer(offer)
	if err != nil {
		t.Fatal(err)
	}
	ack := send(req)
	if diff := cmp.Diff(got{"ACK", "192.0.2.100", "absent", 0}, summary(ack)); diff != "" {
		t.Errorf("ACK (-want +got):\n%s", diff)
	}
	if lt := ack.IPAddressLeaseTime(0); lt != time.Hour {
		t.Errorf("lease time %v", lt)
	}
	if r := ack.Router(); len(r) != 1 || !r[0].Equal(net.IPv4(192, 0, 2, 1)) {
		t.Errorf("router %v", r)
	}
	// Same client, same address; a second client gets the next one.
	if a := send(discover(t, 1, false)).YourIPAddr.String(); a != "192.0.2.100" {
		t.Errorf("second DISCOVER of the same client got %s", a)
	}
	if a := send(discover(t, 2, false)).YourIPAddr.String(); a != "192.0.2.101" {
		t.Errorf("second client got %s", a)
	}
	// A REQUEST for an address that is not the client's is NAKed.
	bad, _ := dhcpv4.NewRequestFromOffer(offer, dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(net.IPv4(192, 0, 2, 101))))
	if mt := send(bad).MessageType(); mt != dhcpv4.MessageTypeNak {
		t.Errorf("foreign REQUEST got %v, want NAK", mt)
	}

	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var first map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatalf("first line %q: %v", lines[0], err)
	}
	want := map[string]any{"client": "02:00:5e:00:53:01", "xid": first["xid"], "request": "DISCOVER", "asked_108": false,
		"reply": "OFFER", "yiaddr": "192.0.2.100", "option108": false, "v6only_wait_s": nil}
	if diff := cmp.Diff(want, first); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}
}

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestPoolExpiry(t *testing.T) {
	o := opts() // two addresses
	p := newPool(o.First, o.Last)
	now := time.Unix(1e9, 0)
	a1, _ := p.reserve([]byte("a"), offerHold, now)
	a2, _ := p.reserve([]byte("b"), time.Hour, now)
	if _, ok := p.reserve([]byte("c"), offerHold, now); ok {
		t.Fatal("a full pool allocated a third address")
	}
	now = now.Add(offerHold + time.Second)
	// a's offer expired, b's lease did not: c gets a's address.
	if a3, ok := p.reserve([]byte("c"), offerHold, now); !ok || a3 != a1 {
		t.Fatalf("after a's offer expired, c got %v %v, want %v", a3, ok, a1)
	}
	if got, _ := p.reserve([]byte("b"), time.Hour, now); got != a2 {
		t.Errorf("b's address moved to %v", got)
	}
	if len(p.byMAC) != 2 || p.inUse() != 2 {
		t.Errorf("pool holds %d bindings and %d addresses, want 2 and 2", len(p.byMAC), p.inUse())
	}
}

type closedPipe struct{}

func (closedPipe) Write([]byte) (int, error) { return 0, syscall.EPIPE }

// TestRunEndsOnClosedStdout: `v6only-server ... | head -1` ends the server
// (quietly: cli.Main turns EPIPE into status 0) instead of serving on with
// a log nobody reads, or ignoring the error.
func TestRunEndsOnClosedStdout(t *testing.T) {
	srv, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	o := opts()
	o.Conn, o.Addr = srv, netip.MustParsePrefix("192.0.2.1/24")
	done := make(chan error, 1)
	go func() { done <- Run(context.Background(), o, closedPipe{}) }()
	if _, err := c.WriteTo(discover(t, 1, false).ToBytes(), srv.LocalAddr()); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !cli.ClosedOutput(err) {
			t.Errorf("Run = %v, want a closed-output error", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run kept serving after stdout closed")
	}
}
