// Package v6onlyserver is the v6only-server program: a small DHCPv4 server
// that applies RFC 8925's option 108 policy (package dhcpv4opt108) and logs
// one line, or one JSON object, per decision.
package v6onlyserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/server4"
	"github.com/v6kit/v6kit/dhcpv4opt108"
)

// Options configure Run; examples/v6only-server fills them from flags.
type Options struct {
	// Interface to serve on (-i).
	Interface string
	// First and Last bound the address pool (-range FIRST-LAST).
	First, Last netip.Addr
	// Router is sent as option 3 (-router); it is also the server
	// identifier unless ServerID is set.
	Router netip.Addr
	// ServerID is option 54 (-server-id); default Router.
	ServerID netip.Addr
	// Mask is the subnet mask's prefix length (option 1; default 24).
	Mask int
	// V6OnlyWait is V6ONLY_WAIT in seconds (-v6only-wait; 0 sends 0).
	V6OnlyWait int64
	// ZeroYIAddr offers 0.0.0.0 and allocates nothing to clients that ask
	// for 108 (-zero-yiaddr).
	ZeroYIAddr bool
	// LeaseTime is option 51 (-lease; default 1 h).
	LeaseTime time.Duration
	// Workers is the number of serving workers (-workers; default 4).
	Workers int
	// JSON prints one JSON object per decision (-json).
	JSON bool
	// Quiet prints no per-decision line (-quiet), for load tests.
	Quiet bool

	// Conn, when set, is served instead of a socket opened on Interface
	// (tests). Run does not close it.
	Conn net.PacketConn
	// Ready, when set, is called once the socket is open.
	Ready func()
}

// ParseRange parses "192.0.2.100-192.0.2.200".
func ParseRange(s string) (first, last netip.Addr, err error) {
	if s == "" {
		return first, last, errors.New("v6only-server: -range FIRST-LAST is required")
	}
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return first, last, fmt.Errorf("v6only-server: range %q: want FIRST-LAST", s)
	}
	if first, err = netip.ParseAddr(strings.TrimSpace(a)); err != nil {
		return first, last, fmt.Errorf("v6only-server: range %q: %w", s, err)
	}
	if last, err = netip.ParseAddr(strings.TrimSpace(b)); err != nil {
		return first, last, fmt.Errorf("v6only-server: range %q: %w", s, err)
	}
	if !first.Is4() || !last.Is4() || last.Less(first) {
		return first, last, fmt.Errorf("v6only-server: range %q: want two IPv4 addresses, first ≤ last", s)
	}
	return first, last, nil
}

// Run serves DHCPv4 until ctx ends; it returns nil then. It opens its
// socket on the calling goroutine before starting any other, so it can be
// run on a thread inside a network namespace.
func Run(ctx context.Context, o Options, stdout io.Writer) error {
	if !o.First.Is4() || !o.Last.Is4() || o.Last.Less(o.First) {
		return errors.New("v6only-server: -range FIRST-LAST of IPv4 addresses is required")
	}
	if !o.Router.Is4() {
		return errors.New("v6only-server: -router IPv4 address is required")
	}
	if !o.ServerID.IsValid() {
		o.ServerID = o.Router
	}
	if o.Mask == 0 {
		o.Mask = 24
	}
	if o.LeaseTime == 0 {
		o.LeaseTime = time.Hour
	}
	wait, err := dhcpv4opt108.FromSeconds(o.V6OnlyWait)
	if err != nil {
		return fmt.Errorf("v6only-server: -v6only-wait: %w", err)
	}
	policy := dhcpv4opt108.Policy{Wait: wait, ZeroYIAddr: o.ZeroYIAddr, ServerID: o.ServerID}
	pool := newPool(o)
	h, err := dhcpv4opt108.Handler(policy, pool.handle)
	if err != nil {
		return fmt.Errorf("v6only-server: %w", err)
	}
	if !o.Quiet {
		h = logged(h, &logger{w: stdout, json: o.JSON})
	}
	conn := o.Conn
	if conn == nil {
		if o.Interface == "" {
			return errors.New("v6only-server: -i interface is required")
		}
		c, err := server4.NewIPv4UDPConn(o.Interface, &net.UDPAddr{Port: dhcpv4.ServerPort})
		if err != nil {
			return fmt.Errorf("v6only-server: listen on %s: %w", o.Interface, err)
		}
		defer c.Close()
		conn = c
	}
	if o.Ready != nil {
		o.Ready()
	}
	if err := dhcpv4opt108.Serve(ctx, conn, h, o.Workers); err != nil {
		return fmt.Errorf("v6only-server: %w", err)
	}
	return nil
}

// offerHold is how long an offered address stays reserved for a client
// that has not requested it yet.
const offerHold = time.Minute

// pool is a small in-memory allocator: one address per client MAC. An
// offer reserves its address for offerHold, a lease for the lease time;
// expired reservations are taken back when the pool runs out, so memory
// stays bounded by the pool's size.
type pool struct {
	o      Options
	now    func() time.Time
	mu     sync.Mutex
	byMAC  map[string]*binding
	inUse  map[netip.Addr]string
	cursor netip.Addr
}

type binding struct {
	addr    netip.Addr
	expires time.Time
}

func newPool(o Options) *pool {
	return &pool{o: o, now: time.Now, byMAC: map[string]*binding{}, inUse: map[netip.Addr]string{}, cursor: o.First}
}

// reserve returns mac's address, allocating one if needed, and keeps it
// for at least hold.
func (p *pool) reserve(mac string, hold time.Duration) (netip.Addr, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if b, ok := p.byMAC[mac]; ok {
		if e := now.Add(hold); e.After(b.expires) {
			b.expires = e
		}
		return b.addr, true
	}
	a := p.cursor
	for {
		next := a.Next()
		if !next.IsValid() || p.o.Last.Less(next) {
			next = p.o.First
		}
		owner, used := p.inUse[a]
		if used && !p.byMAC[owner].expires.After(now) {
			delete(p.byMAC, owner) // expired: take it back
			used = false
		}
		if !used {
			p.byMAC[mac] = &binding{addr: a, expires: now.Add(hold)}
			p.inUse[a] = mac
			p.cursor = next
			return a, true
		}
		if a = next; a == p.cursor {
			return netip.Addr{}, false // exhausted
		}
	}
}

func (p *pool) release(mac string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if b, ok := p.byMAC[mac]; ok {
		delete(p.byMAC, mac)
		delete(p.inUse, b.addr)
	}
}

func (p *pool) handle(conn net.PacketConn, peer net.Addr, req *dhcpv4.DHCPv4) {
	if req.OpCode != dhcpv4.OpcodeBootRequest {
		return
	}
	mac := req.ClientHWAddr.String()
	var mt dhcpv4.MessageType
	var yiaddr netip.Addr
	switch req.MessageType() {
	case dhcpv4.MessageTypeDiscover:
		a, ok := p.reserve(mac, offerHold)
		if !ok {
			return // pool exhausted: stay silent, as RFC 2131 allows
		}
		mt, yiaddr = dhcpv4.MessageTypeOffer, a
	case dhcpv4.MessageTypeRequest:
		if sid := req.ServerIdentifier(); sid != nil && !sid.Equal(p.o.ServerID.AsSlice()) {
			p.release(mac) // the client chose another server
			return
		}
		want := req.RequestedIPAddress()
		if want == nil || want.IsUnspecified() {
			want = req.ClientIPAddr
		}
		a, ok := p.reserve(mac, p.o.LeaseTime)
		w, _ := netip.AddrFromSlice(want.To4())
		if ok && w == a {
			mt, yiaddr = dhcpv4.MessageTypeAck, a
		} else {
			mt = dhcpv4.MessageTypeNak
		}
	case dhcpv4.MessageTypeRelease, dhcpv4.MessageTypeDecline:
		p.release(mac)
		return
	default:
		return
	}
	mods := []dhcpv4.Modifier{
		dhcpv4.WithMessageType(mt),
		dhcpv4.WithServerIP(p.o.ServerID.AsSlice()),
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(p.o.ServerID.AsSlice())),
	}
	if mt != dhcpv4.MessageTypeNak {
		mods = append(mods,
			dhcpv4.WithYourIP(yiaddr.AsSlice()),
			dhcpv4.WithNetmask(net.CIDRMask(p.o.Mask, 32)),
			dhcpv4.WithRouter(p.o.Router.AsSlice()),
			dhcpv4.WithLeaseTime(uint32(p.o.LeaseTime/time.Second)),
		)
	}
	resp, err := dhcpv4.NewReplyFromRequest(req, mods...)
	if err != nil {
		return
	}
	_, _ = conn.WriteTo(resp.ToBytes(), peer)
}

// Decision is one logged decision; the JSON keys are the program's contract.
type Decision struct {
	Client      string `json:"client"`
	XID         string `json:"xid"`
	Request     string `json:"request"`
	Asked108    bool   `json:"asked_108"`
	Reply       string `json:"reply"`
	YIAddr      string `json:"yiaddr"`
	Option108   bool   `json:"option108"`
	V6OnlyWaitS *int64 `json:"v6only_wait_s"`
}

type logger struct {
	mu   sync.Mutex
	w    io.Writer
	json bool
}

func (l *logger) log(d Decision) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.json {
		b, _ := json.Marshal(d)
		l.w.Write(append(b, '\n'))
		return
	}
	asked := ""
	if d.Asked108 {
		asked = " (asks for 108)"
	}
	opt := "no option 108"
	if d.Option108 {
		opt = fmt.Sprintf("option 108 = %d s", *d.V6OnlyWaitS)
	}
	fmt.Fprintf(l.w, "%s from %s%s: %s %s, %s\n", d.Request, d.Client, asked, d.Reply, d.YIAddr, opt)
}

// logged logs every reply h writes.
func logged(h server4.Handler, l *logger) server4.Handler {
	return func(conn net.PacketConn, peer net.Addr, req *dhcpv4.DHCPv4) {
		h(&logConn{PacketConn: conn, l: l, req: req}, peer, req)
	}
}

type logConn struct {
	net.PacketConn
	l   *logger
	req *dhcpv4.DHCPv4
}

func (c *logConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	if resp, err := dhcpv4.FromBytes(b); err == nil {
		d := Decision{
			Client:   c.req.ClientHWAddr.String(),
			XID:      c.req.TransactionID.String(),
			Request:  c.req.MessageType().String(),
			Asked108: dhcpv4opt108.Requested(c.req),
			Reply:    resp.MessageType().String(),
			YIAddr:   resp.YourIPAddr.String(),
		}
		if o, p := dhcpv4opt108.Lookup(resp); p == dhcpv4opt108.Valid {
			s := int64(o.Seconds)
			d.Option108, d.V6OnlyWaitS = true, &s
		}
		c.l.log(d)
	}
	return c.PacketConn.WriteTo(b, addr)
}

// ParseAddr parses an IPv4 address given to flag name.
func ParseAddr(name, s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return netip.Addr{}, fmt.Errorf("v6only-server: %s %q: want an IPv4 address", name, s)
	}
	return a, nil
}
