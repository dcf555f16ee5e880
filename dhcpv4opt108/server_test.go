package dhcpv4opt108

import (
	"net"
	"net/netip"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/insomniacslk/dhcp/dhcpv4"
)

var clientMAC = net.HardwareAddr{0x02, 0x00, 0x5e, 0x00, 0x53, 0x01}

func request(t testing.TB, mt dhcpv4.MessageType, mods ...dhcpv4.Modifier) *dhcpv4.DHCPv4 {
	t.Helper()
	m, err := dhcpv4.New(append([]dhcpv4.Modifier{dhcpv4.WithMessageType(mt), dhcpv4.WithHwAddr(clientMAC)}, mods...)...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestPolicyDecide(t *testing.T) {
	ask := WithRequest()
	rc := dhcpv4.WithOption(dhcpv4.OptGeneric(dhcpv4.OptionRapidCommit, nil))
	ac := dhcpv4.WithOption(dhcpv4.OptAutoConfigure(dhcpv4.AutoConfigure))
	prl := dhcpv4.WithRequestedOptions(dhcpv4.OptionRouter)
	tests := []struct {
		name string
		p    Policy
		req  *dhcpv4.DHCPv4
		want Verdict
	}{
		{name: "DISCOVER without PRL", p: Policy{Wait: Option{1800}}, req: request(t, dhcpv4.MessageTypeDiscover)},
		{name: "DISCOVER with PRL without 108", p: Policy{Wait: Option{1800}}, req: request(t, dhcpv4.MessageTypeDiscover, prl)},
		{name: "DISCOVER asking for 108", p: Policy{Wait: Option{1800}}, req: request(t, dhcpv4.MessageTypeDiscover, prl, ask),
			want: Verdict{V6Only: true, Option: Option{1800}}},
		{name: "unset wait sends 0", p: Policy{}, req: request(t, dhcpv4.MessageTypeDiscover, ask),
			want: Verdict{V6Only: true, Option: Option{0}}},
		{name: "REQUEST asking for 108", p: Policy{Wait: Option{1800}}, req: request(t, dhcpv4.MessageTypeRequest, ask),
			want: Verdict{V6Only: true, Option: Option{1800}}},
		{name: "INFORM gets no 108", p: Policy{Wait: Option{1800}}, req: request(t, dhcpv4.MessageTypeInform, ask)},
		{name: "rapid commit refused", p: Policy{Wait: Option{1800}}, req: request(t, dhcpv4.MessageTypeDiscover, ask, rc),
			want: Verdict{V6Only: true, Option: Option{1800}, RapidCommitRefused: true}},
		{name: "rapid commit kept without 108", p: Policy{Wait: Option{1800}}, req: request(t, dhcpv4.MessageTypeDiscover, rc)},
		{name: "zero yiaddr", p: Policy{Wait: Option{1800}, ZeroYIAddr: true}, req: request(t, dhcpv4.MessageTypeDiscover, ask),
			want: Verdict{V6Only: true, Option: Option{1800}, ZeroYIAddr: true}},
		{name: "zero yiaddr with 116", p: Policy{Wait: Option{1800}, ZeroYIAddr: true}, req: request(t, dhcpv4.MessageTypeDiscover, ask, ac),
			want: Verdict{V6Only: true, Option: Option{1800}, ZeroYIAddr: true, AutoConfigure: true}},
		{name: "zero yiaddr only for DISCOVER", p: Policy{Wait: Option{1800}, ZeroYIAddr: true}, req: request(t, dhcpv4.MessageTypeRequest, ask, ac),
			want: Verdict{V6Only: true, Option: Option{1800}}},
		{name: "nil", p: Policy{Wait: Option{1800}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.p.Decide(tt.req)); diff != "" {
				t.Errorf("Decide (-want +got):\n%s", diff)
			}
			if tt.req == nil {
				return
			}
			// The in-place form decides the same from the facts.
			got := tt.p.DecideFor(tt.req.MessageType(), Requested(tt.req),
				tt.req.Options.Has(dhcpv4.OptionRapidCommit), tt.req.Options.Has(dhcpv4.OptionAutoConfigure))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("DecideFor (-want +got):\n%s", diff)
			}
		})
	}
}

// replyFacts is what a test checks of a reply.
type replyFacts struct {
	Type     string
	YIAddr   string
	Has108   bool
	V108     Option
	Has116   bool
	V116     byte
	Has80    bool
	Presence Presence
}

func facts(m *dhcpv4.DHCPv4) replyFacts {
	o, p := Lookup(m)
	f := replyFacts{Type: m.MessageType().String(), YIAddr: m.YourIPAddr.String(), Has108: p == Valid, V108: o, Presence: p,
		Has116: m.Options.Has(dhcpv4.OptionAutoConfigure), Has80: m.Options.Has(dhcpv4.OptionRapidCommit)}
	if v := m.Options.Get(dhcpv4.OptionAutoConfigure); len(v) == 1 {
		f.V116 = v[0]
	}
	return f
}

// nextServer is an allocating server that answers DISCOVER with OFFER (or
// ACK for Rapid Commit), always 192.0.2.100, and adds 108 and 116
// unconditionally, as a naive server might.
func nextServer(t testing.TB, req *dhcpv4.DHCPv4) *dhcpv4.DHCPv4 {
	mt := dhcpv4.MessageTypeOffer
	if req.MessageType() == dhcpv4.MessageTypeRequest || req.Options.Has(dhcpv4.OptionRapidCommit) {
		mt = dhcpv4.MessageTypeAck
	}
	mods := []dhcpv4.Modifier{dhcpv4.WithMessageType(mt), dhcpv4.WithYourIP(net.IPv4(192, 0, 2, 100)),
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(net.IPv4(192, 0, 2, 1))),
		dhcpv4.WithOption(Option{7}.DHCPv4()),
		dhcpv4.WithOption(dhcpv4.OptAutoConfigure(dhcpv4.AutoConfigure))}
	if req.Options.Has(dhcpv4.OptionRapidCommit) {
		mods = append(mods, dhcpv4.WithOption(dhcpv4.OptGeneric(dhcpv4.OptionRapidCommit, nil)))
	}
	resp, err := dhcpv4.NewReplyFromRequest(req, mods...)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestPolicyApply(t *testing.T) {
	ask := WithRequest()
	rc := dhcpv4.WithOption(dhcpv4.OptGeneric(dhcpv4.OptionRapidCommit, nil))
	ac := dhcpv4.WithOption(dhcpv4.OptAutoConfigure(dhcpv4.AutoConfigure))
	p := Policy{Wait: Option{1800}}
	pz := Policy{Wait: Option{1800}, ZeroYIAddr: true, ServerID: netip.MustParseAddr("192.0.2.1")}
	tests := []struct {
		name string
		p    Policy
		req  *dhcpv4.DHCPv4
		want replyFacts
	}{
		{name: "legacy client: lease, no 108, no unsolicited 116", p: p, req: request(t, dhcpv4.MessageTypeDiscover),
			want: replyFacts{Type: "OFFER", YIAddr: "192.0.2.100"}},
		{name: "capable client: 108 with the configured wait", p: p, req: request(t, dhcpv4.MessageTypeDiscover, ask),
			want: replyFacts{Type: "OFFER", YIAddr: "192.0.2.100", Has108: true, V108: Option{1800}, Presence: Valid}},
		{name: "116 echoed only when sent", p: p, req: request(t, dhcpv4.MessageTypeDiscover, ask, ac),
			want: replyFacts{Type: "OFFER", YIAddr: "192.0.2.100", Has108: true, V108: Option{1800}, Presence: Valid, Has116: true, V116: 1}},
		{name: "rapid commit ACK becomes OFFER", p: p, req: request(t, dhcpv4.MessageTypeDiscover, ask, rc),
			want: replyFacts{Type: "OFFER", YIAddr: "192.0.2.100", Has108: true, V108: Option{1800}, Presence: Valid}},
		{name: "rapid commit honoured without 108", p: p, req: request(t, dhcpv4.MessageTypeDiscover, rc),
			want: replyFacts{Type: "ACK", YIAddr: "192.0.2.100", Has80: true}},
		{name: "zero yiaddr", p: pz, req: request(t, dhcpv4.MessageTypeDiscover, ask),
			want: replyFacts{Type: "OFFER", YIAddr: "0.0.0.0", Has108: true, V108: Option{1800}, Presence: Valid}},
		{name: "zero yiaddr, 116 DoNotAutoConfigure", p: pz, req: request(t, dhcpv4.MessageTypeDiscover, ask, ac),
			want: replyFacts{Type: "OFFER", YIAddr: "0.0.0.0", Has108: true, V108: Option{1800}, Presence: Valid, Has116: true, V116: 0}},
		{name: "INIT-REBOOT REQUEST gets 108 in the ACK", p: pz, req: request(t, dhcpv4.MessageTypeRequest, ask),
			want: replyFacts{Type: "ACK", YIAddr: "192.0.2.100", Has108: true, V108: Option{1800}, Presence: Valid}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := nextServer(t, tt.req)
			tt.p.Apply(tt.req, resp)
			if diff := cmp.Diff(tt.want, facts(resp)); diff != "" {
				t.Errorf("Apply (-want +got):\n%s", diff)
			}
		})
	}
}

// recConn records what is written to it.
type recConn struct {
	net.PacketConn
	mu  sync.Mutex
	out []*dhcpv4.DHCPv4
}

func (c *recConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	m, err := dhcpv4.FromBytes(b)
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	c.out = append(c.out, m)
	c.mu.Unlock()
	return len(b), nil
}

func TestHandler(t *testing.T) {
	calls := 0
	next := func(conn net.PacketConn, peer net.Addr, req *dhcpv4.DHCPv4) {
		calls++
		if _, err := conn.WriteTo(nextServer(t, req).ToBytes(), peer); err != nil {
			t.Error(err)
		}
	}
	peer := &net.UDPAddr{IP: net.IPv4bcast, Port: 68}
	tests := []struct {
		name      string
		p         Policy
		req       *dhcpv4.DHCPv4
		wantCalls int
		want      replyFacts
	}{
		{name: "legacy client reaches next", p: Policy{Wait: Option{1800}, ZeroYIAddr: true, ServerID: netip.MustParseAddr("192.0.2.1")},
			req: request(t, dhcpv4.MessageTypeDiscover), wantCalls: 1, want: replyFacts{Type: "OFFER", YIAddr: "192.0.2.100"}},
		{name: "capable client with zero yiaddr never reaches next", p: Policy{Wait: Option{1800}, ZeroYIAddr: true, ServerID: netip.MustParseAddr("192.0.2.1")},
			req: request(t, dhcpv4.MessageTypeDiscover, WithRequest()), want: replyFacts{Type: "OFFER", YIAddr: "0.0.0.0", Has108: true, V108: Option{1800}, Presence: Valid}},
		{name: "capable client gets a pool address and 108", p: Policy{Wait: Option{1800}},
			req: request(t, dhcpv4.MessageTypeDiscover, WithRequest()), wantCalls: 1, want: replyFacts{Type: "OFFER", YIAddr: "192.0.2.100", Has108: true, V108: Option{1800}, Presence: Valid}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls = 0
			h, err := Handler(tt.p, next)
			if err != nil {
				t.Fatal(err)
			}
			c := &recConn{}
			h(c, peer, tt.req)
			if calls != tt.wantCalls || len(c.out) != 1 {
				t.Fatalf("next called %d times (want %d), %d replies (want 1)", calls, tt.wantCalls, len(c.out))
			}
			if diff := cmp.Diff(tt.want, facts(c.out[0])); diff != "" {
				t.Errorf("reply (-want +got):\n%s", diff)
			}
			if tt.p.ZeroYIAddr && !Requested(tt.req) {
				return
			}
			if sid := c.out[0].ServerIdentifier(); !sid.Equal(net.IPv4(192, 0, 2, 1)) {
				t.Errorf("server identifier %v", sid)
			}
		})
	}
	if _, err := Handler(Policy{ZeroYIAddr: true}, next); err != ErrNoServerID {
		t.Errorf("Handler without ServerID: %v, want ErrNoServerID", err)
	}
}
