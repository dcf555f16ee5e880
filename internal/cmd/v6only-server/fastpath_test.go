package v6onlyserver

import (
	"bytes"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/server4"

	"github.com/v6kit/v6kit/dhcpv4opt108"
)

// twin is one configuration served twice: through the general path (the
// library's parser and reply builder under dhcpv4opt108.Handler) and
// through the fast path, each with its own pool.
type twin struct {
	general server4.Handler
	gs, fs  *server
}

func newTwin(t testing.TB, o Options) *twin {
	t.Helper()
	c, wrap, err := prepare(o)
	if err != nil {
		t.Fatal(err)
	}
	fail := func(err error) { t.Errorf("%v", err) }
	tw := &twin{
		gs: &server{c: c, policy: c.policy(), pool: newPool(c.first, c.last), fail: fail},
		fs: &server{c: c, policy: c.policy(), pool: newPool(c.first, c.last), fail: fail},
	}
	if tw.general, err = wrap(tw.gs.handle); err != nil {
		t.Fatal(err)
	}
	return tw
}

// send gives b to both paths. It reports whether the fast path took it,
// and fails the test when the two send different bytes.
func (tw *twin) send(t testing.TB, name string, b []byte) bool {
	t.Helper()
	var r wireRequest
	if !r.parse(b) {
		return false
	}
	var want []byte
	if m, err := dhcpv4.FromBytes(b); err == nil {
		rc := &recordConn{}
		tw.general(rc, &net.UDPAddr{IP: net.IPv4bcast, Port: 68}, m)
		if len(rc.sent) > 1 {
			t.Fatalf("%s: the general path sent %d replies", name, len(rc.sent))
		}
		if len(rc.sent) == 1 {
			want = rc.sent[0]
		}
	}
	got, when, _ := tw.fs.answer(nil, &r, nil, time.Now())
	if when == sendNone {
		got = nil
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: request\n% x\nthe fast path sends\n% x\nthe general path\n% x", name, b, got, want)
	}
	return true
}

// clientMsg builds a client message with the library, as a client would.
func clientMsg(t testing.TB, mt dhcpv4.MessageType, mac byte, mods ...dhcpv4.Modifier) []byte {
	t.Helper()
	m, err := dhcpv4.New(append([]dhcpv4.Modifier{dhcpv4.WithMessageType(mt),
		dhcpv4.WithHwAddr(net.HardwareAddr{2, 0, 0x5e, 0, 0x53, mac})}, mods...)...)
	if err != nil {
		t.Fatal(err)
	}
	return m.ToBytes()
}

// TestFastPathMatchesGeneral sends the messages real clients send — asking
// for 108 or not, with options 116, 80, 61 and 82, relayed, broadcast,
// selecting, renewing, asking for a wrong address, choosing another server
// — to both paths for every extreme configuration of the wire test: the
// fast path takes them all and sends the same bytes.
func TestFastPathMatchesGeneral(t *testing.T) {
	ask := dhcpv4opt108.WithRequest()
	prl := dhcpv4.WithRequestedOptions(dhcpv4.OptionSubnetMask, dhcpv4.OptionRouter, dhcpv4.OptionDomainNameServer)
	ac := dhcpv4.WithOption(dhcpv4.OptAutoConfigure(dhcpv4.AutoConfigure))
	rc := dhcpv4.WithOption(dhcpv4.OptGeneric(dhcpv4.OptionRapidCommit, nil))
	cid := dhcpv4.WithOption(dhcpv4.OptClientIdentifier([]byte{1, 2, 0, 0x5e, 0, 0x53, 9}))
	relay := func(d *dhcpv4.DHCPv4) {
		d.GatewayIPAddr = net.IPv4(198, 51, 100, 1)
		d.HopCount = 1
		d.UpdateOption(dhcpv4.OptRelayAgentInfo(dhcpv4.OptGeneric(dhcpv4.GenericOptionCode(1), []byte("port7"))))
	}
	bcast := dhcpv4.WithBroadcast(true)
	for _, wc := range wireCases() {
		tw := newTwin(t, wc.o)
		sid := tw.fs.c.serverID.AsSlice()
		n := 0
		for i, mods := range [][]dhcpv4.Modifier{
			{}, {prl}, {prl, ask}, {ask, ac}, {ask, rc}, {rc}, {ask, cid}, {prl, relay}, {ask, cid, relay, bcast},
		} {
			mac := byte(i)
			name := wc.name
			offer := clientMsg(t, dhcpv4.MessageTypeDiscover, mac, mods...)
			if !tw.send(t, name+": DISCOVER", offer) {
				t.Fatalf("%s: the fast path left a plain DISCOVER %d", name, i)
			}
			// What the client was offered, from the general path's pool.
			a, ok := tw.gs.pool.reserve([]byte(net.HardwareAddr{2, 0, 0x5e, 0, 0x53, mac}.String()), offerHold, time.Now())
			if !ok {
				continue // a one-address pool: later clients get nothing
			}
			for _, req := range [][]dhcpv4.Modifier{
				{dhcpv4.WithOption(dhcpv4.OptServerIdentifier(sid)), dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(a.AsSlice()))}, // selecting
				{dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(a.AsSlice()))},                                                     // init-reboot
				{dhcpv4.WithClientIP(a.AsSlice())},                                                                                 // renewing
				{dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(net.IPv4(203, 0, 113, 9)))},                                        // wrong address: NAK
			} {
				if !tw.send(t, name+": REQUEST", clientMsg(t, dhcpv4.MessageTypeRequest, mac, append(mods, req...)...)) {
					t.Fatalf("%s: the fast path left a plain REQUEST", name)
				}
				n++
			}
			// Another server chosen: both stay sendNone and forget the offer.
			other := dhcpv4.WithOption(dhcpv4.OptServerIdentifier(net.IPv4(192, 0, 2, 253)))
			tw.send(t, name+": REQUEST to another server", clientMsg(t, dhcpv4.MessageTypeRequest, mac, append(mods, other)...))
		}
		if n == 0 && !wc.o.ZeroYIAddr {
			t.Errorf("%s: no REQUEST was answered", wc.name)
		}
	}
}

// TestFastPathLeaves lists what the fast path leaves to the general path.
func TestFastPathLeaves(t *testing.T) {
	plain := clientMsg(t, dhcpv4.MessageTypeDiscover, 1, dhcpv4opt108.WithRequest())
	var r wireRequest
	if !r.parse(plain) {
		t.Fatal("a plain DISCOVER left the fast path")
	}
	edit := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), plain...)) }
	end := bytes.LastIndexByte(plain, byte(dhcpv4.OptionEnd))
	for name, b := range map[string][]byte{
		"short":               plain[:239],
		"BOOTREPLY":           edit(func(b []byte) []byte { b[0] = 2; return b }),
		"hlen 17":             edit(func(b []byte) []byte { b[2] = 17; return b }),
		"hlen 0":              edit(func(b []byte) []byte { b[2] = 0; return b }),
		"bad cookie":          edit(func(b []byte) []byte { b[239] = 0; return b }),
		"no End":              plain[:end],
		"RELEASE":             clientMsg(t, dhcpv4.MessageTypeRelease, 1),
		"DECLINE":             clientMsg(t, dhcpv4.MessageTypeDecline, 1),
		"INFORM":              clientMsg(t, dhcpv4.MessageTypeInform, 1),
		"no message type":     edit(func(b []byte) []byte { b[optionsStart] = 250; return b }),
		"repeated option":     edit(func(b []byte) []byte { return append(append(b[:end], 60, 1, 'a', 60, 1, 'b'), 255) }),
		"empty option":        edit(func(b []byte) []byte { return append(append(b[:end], 12, 0), 255) }),
		"option past the end": edit(func(b []byte) []byte { return append(b[:end], 12, 9, 'a') }),
		"3-byte server id":    clientMsg(t, dhcpv4.MessageTypeRequest, 1, dhcpv4.WithOption(dhcpv4.OptGeneric(dhcpv4.OptionServerIdentifier, []byte{1, 2, 3}))),
	} {
		if r.parse(b) {
			t.Errorf("%s: the fast path took it", name)
		}
	}
}

// FuzzFastPath holds the fast path to the general one on any datagram:
// when it takes a message, it sends what the general path sends.
func FuzzFastPath(f *testing.F) {
	f.Add(clientMsg(f, dhcpv4.MessageTypeDiscover, 1, dhcpv4opt108.WithRequest()), false)
	f.Add(clientMsg(f, dhcpv4.MessageTypeDiscover, 2, dhcpv4opt108.WithRequest(), dhcpv4.WithOption(dhcpv4.OptAutoConfigure(dhcpv4.AutoConfigure))), true)
	f.Add(clientMsg(f, dhcpv4.MessageTypeRequest, 3, dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(net.IPv4(192, 0, 2, 100)))), false)
	f.Add(clientMsg(f, dhcpv4.MessageTypeRequest, 4, dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(net.IPv4(192, 0, 2, 7)))), true)
	f.Add(clientMsg(f, dhcpv4.MessageTypeRequest, 5, dhcpv4.WithClientIP(net.IPv4(192, 0, 2, 100))), false)
	f.Add(clientMsg(f, dhcpv4.MessageTypeDiscover, 6, dhcpv4.WithOption(dhcpv4.OptClientIdentifier([]byte{1, 2, 3})),
		dhcpv4.WithOption(dhcpv4.OptRelayAgentInfo(dhcpv4.OptGeneric(dhcpv4.GenericOptionCode(1), []byte("x"))))), false)
	f.Fuzz(func(t *testing.T, b []byte, zero bool) {
		o := Options{Addr: netip.MustParsePrefix("192.0.2.1/24"), First: netip.MustParseAddr("192.0.2.100"), Last: netip.MustParseAddr("192.0.2.101"),
			Router: netip.MustParseAddr("192.0.2.1"), DNS: []netip.Addr{netip.MustParseAddr("192.0.2.53")}, V6OnlyWait: 1800, ZeroYIAddr: zero}
		tw := newTwin(t, o)
		tw.send(t, "fuzz", b)
		tw.send(t, "fuzz again", b) // the same client, now known
	})
}

// BenchmarkFastPathOffer is one DISCOVER answered by the fast path: read,
// decide, allocate (a known client), build the OFFER.
func BenchmarkFastPathOffer(b *testing.B) {
	tw := newTwin(b, Options{Addr: netip.MustParsePrefix("198.18.0.1/15"), First: netip.MustParseAddr("198.18.1.0"),
		Last: netip.MustParseAddr("198.19.255.250"), Router: netip.MustParseAddr("198.18.0.1"), V6OnlyWait: 1800})
	req := clientMsg(b, dhcpv4.MessageTypeDiscover, 1, dhcpv4opt108.WithRequest())
	out, mac := make([]byte, 0, 1024), make([]byte, 0, 48)
	var r wireRequest
	b.ReportAllocs()
	for b.Loop() {
		if !r.parse(req) {
			b.Fatal("left the fast path")
		}
		out, _, _ = tw.fs.answer(out[:0], &r, mac, time.Now())
	}
}

// BenchmarkGeneralPathOffer is the same DISCOVER through the general path,
// as every message went before the fast path.
func BenchmarkGeneralPathOffer(b *testing.B) {
	tw := newTwin(b, Options{Addr: netip.MustParsePrefix("198.18.0.1/15"), First: netip.MustParseAddr("198.18.1.0"),
		Last: netip.MustParseAddr("198.19.255.250"), Router: netip.MustParseAddr("198.18.0.1"), V6OnlyWait: 1800})
	req := clientMsg(b, dhcpv4.MessageTypeDiscover, 1, dhcpv4opt108.WithRequest())
	peer := &net.UDPAddr{IP: net.IPv4bcast, Port: 68}
	b.ReportAllocs()
	for b.Loop() {
		m, err := dhcpv4.FromBytes(req)
		if err != nil {
			b.Fatal(err)
		}
		tw.general(discardConn{}, peer, m)
	}
}

// discardConn is a PacketConn whose writes go nowhere.
type discardConn struct{ net.PacketConn }

func (discardConn) WriteTo(b []byte, _ net.Addr) (int, error) { return len(b), nil }
