package v6onlyserver

import (
	"fmt"
	"net"
	"net/netip"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/insomniacslk/dhcp/dhcpv4"

	"github.com/v6kit/v6kit/dhcpv4opt108"
	"github.com/v6kit/v6kit/internal/sdktest"
)

// recordConn keeps what a handler sends.
type recordConn struct {
	net.PacketConn
	sent [][]byte
}

func (c *recordConn) WriteTo(b []byte, _ net.Addr) (int, error) {
	c.sent = append(c.sent, append([]byte(nil), b...))
	return len(b), nil
}

// wireCase is one extreme valid configuration.
type wireCase struct {
	name string
	o    Options
}

func wireCases() []wireCase {
	var cs []wireCase
	base := func(addr string, first, last string) Options {
		return Options{Addr: netip.MustParsePrefix(addr), First: netip.MustParseAddr(first), Last: netip.MustParseAddr(last), V6OnlyWait: 1800}
	}
	// Every mask validation allows, with the smallest range (one address)
	// and the server as router.
	for m := 1; m <= 31; m++ {
		o := base(fmt.Sprintf("10.0.0.1/%d", m), "10.0.0.2", "10.0.0.2")
		if m == 31 {
			o = base("10.0.0.0/31", "10.0.0.1", "10.0.0.1")
		}
		o.Router = o.Addr.Addr()
		cs = append(cs, wireCase{name: fmt.Sprintf("mask /%d, one address, router", m), o: o})
	}
	largest8 := base("10.0.0.1/8", "10.0.0.2", "10.255.255.254")
	largest1 := base("10.0.0.1/1", "10.0.0.2", "127.255.255.254")
	cs = append(cs, wireCase{name: "largest /8 range", o: largest8}, wireCase{name: "largest /1 range", o: largest1})
	for _, w := range []int64{0, 300, 1800, 1<<32 - 1} {
		for _, zero := range []bool{false, true} {
			o := base("192.0.2.1/24", "192.0.2.100", "192.0.2.200")
			o.V6OnlyWait, o.ZeroYIAddr = w, zero
			cs = append(cs, wireCase{name: fmt.Sprintf("V6ONLY_WAIT %d zero-yiaddr %v", w, zero), o: o})
		}
	}
	for _, lt := range []time.Duration{MinLeaseTime, MaxLeaseTime} {
		o := base("192.0.2.1/24", "192.0.2.100", "192.0.2.200")
		o.LeaseTime = lt
		cs = append(cs, wireCase{name: "lease " + lt.String(), o: o})
	}
	var dns63 []netip.Addr
	for i := range maxDNS {
		dns63 = append(dns63, netip.AddrFrom4([4]byte{198, 51, 100, byte(i + 1)}))
	}
	for _, d := range []struct {
		name string
		dns  []netip.Addr
		rt   bool
	}{{"no router, no DNS", nil, false}, {"router and one DNS", dns63[:1], true}, {"router and 63 DNS", dns63, true}} {
		o := base("192.0.2.1/24", "192.0.2.100", "192.0.2.200")
		o.DNS = d.dns
		if d.rt {
			o.Router = netip.MustParseAddr("192.0.2.254")
		}
		cs = append(cs, wireCase{name: d.name, o: o})
	}
	return cs
}

// sent is one message the server sent, and what it must carry.
type sent struct {
	cfg  string
	c    *config
	want dhcpv4.MessageType
	b    []byte
}

// everyMessage drives the server's handler with every kind of client
// message for o and returns the replies.
func everyMessage(t *testing.T, name string, o Options) []sent {
	t.Helper()
	c, wrap, err := prepare(o)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	srv := &server{c: c, pool: newPool(c.first, c.last), fail: func(err error) { t.Errorf("%s: %v", name, err) }}
	h, err := wrap(srv.handle)
	if err != nil {
		t.Fatal(err)
	}
	var out []sent
	send := func(req *dhcpv4.DHCPv4, want dhcpv4.MessageType) *dhcpv4.DHCPv4 {
		rc := &recordConn{}
		h(rc, &net.UDPAddr{IP: net.IPv4bcast, Port: 68}, req)
		if len(rc.sent) != 1 {
			t.Fatalf("%s: %v got %d replies", name, req.MessageType(), len(rc.sent))
		}
		out = append(out, sent{cfg: name, c: c, want: want, b: rc.sent[0]})
		m, err := dhcpv4.FromBytes(rc.sent[0])
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	for i, ask := range []bool{true, false} {
		mac := net.HardwareAddr{2, 0, 0x5e, 0, 0x53, byte(i + 1)}
		var mods []dhcpv4.Modifier
		if ask {
			mods = append(mods, dhcpv4opt108.WithRequest())
		}
		d, _ := dhcpv4.NewDiscovery(mac, mods...)
		off := send(d, dhcpv4.MessageTypeOffer)
		if off.YourIPAddr.IsUnspecified() {
			continue // zero-yiaddr: nothing to request
		}
		if _, bound := srv.pool.byMAC[mac.String()]; !ask && !bound {
			t.Fatalf("%s: no binding after the OFFER", name)
		}
		req, _ := dhcpv4.NewRequestFromOffer(off, mods...)
		ack := send(req, dhcpv4.MessageTypeAck)
		bad, _ := dhcpv4.NewRequestFromOffer(off, append(mods, dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(net.IPv4(203, 0, 113, 9))))...)
		send(bad, dhcpv4.MessageTypeNak)
		// Give the address back, for the next client of a one-address pool.
		rel, _ := dhcpv4.NewReleaseFromACK(ack)
		h(&recordConn{}, &net.UDPAddr{IP: net.IPv4bcast, Port: 68}, rel)
	}
	return out
}

func writePcap(t *testing.T, path string, msgs []sent) {
	frames := make([][]byte, len(msgs))
	for i, m := range msgs {
		eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0x5e, 0x10, 0, 1}, DstMAC: layers.EthernetBroadcast, EthernetType: layers.EthernetTypeIPv4}
		ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: m.c.serverID.AsSlice(), DstIP: net.IPv4bcast}
		udp := &layers.UDP{SrcPort: 67, DstPort: 68}
		_ = udp.SetNetworkLayerForChecksum(ip)
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, eth, ip, udp, gopacket.Payload(m.b)); err != nil {
			t.Fatal(err)
		}
		frames[i] = buf.Bytes()
	}
	sdktest.WritePcap(t, path, frames)
}

// TestNoMalformedPacket builds every message v6only-server can send
// (OFFER, ACK, NAK; with and without 108) for its extreme valid
// configurations and decodes them with tshark's DHCP dissector: no
// malformed packet, no expert warning, and the decoded values are the
// configuration.
func TestNoMalformedPacket(t *testing.T) {
	sdktest.Tshark(t)
	var msgs []sent
	for _, wc := range wireCases() {
		msgs = append(msgs, everyMessage(t, wc.name, wc.o)...)
	}
	path := filepath.Join(t.TempDir(), "replies.pcap")
	writePcap(t, path, msgs)

	// Verbose decode: no "Malformed", no warning or error from the expert,
	// no complaint about an option's length.
	frames := sdktest.TsharkFrames(t, path)
	if len(frames) != len(msgs) {
		t.Fatalf("tshark decoded %d frames, want %d", len(frames), len(msgs))
	}
	for i, fr := range frames {
		if bad := sdktest.TsharkProblem(fr, "isn't", "Bad length"); bad != "" {
			t.Errorf("%s, frame %d (%v): tshark says %q:\n%s", msgs[i].cfg, i+1, msgs[i].want, bad, fr)
		}
	}

	// Decoded values.
	fields := []string{"dhcp.option.dhcp", "dhcp.ip.your", "dhcp.option.dhcp_server_id", "dhcp.option.subnet_mask",
		"dhcp.option.router", "dhcp.option.domain_name_server", "dhcp.option.ip_address_lease_time", "dhcp.option.type", "dhcp.option.value"}
	lines := sdktest.TsharkFields(t, path, fields)
	if len(lines) != len(msgs) {
		t.Fatalf("tshark gave %d lines, want %d", len(lines), len(msgs))
	}
	for i, got := range lines {
		m := msgs[i]
		msg, _ := dhcpv4.FromBytes(m.b)
		c := m.c
		want := []string{strconv.Itoa(int(m.want)), msg.YourIPAddr.String(), c.serverID.String(), "", "", "", ""}
		// A NAK, and a zero-yiaddr OFFER (nothing allocated), carry no
		// configuration.
		if m.want != dhcpv4.MessageTypeNak && !msg.YourIPAddr.IsUnspecified() {
			want[3] = net.IP(net.CIDRMask(c.subnet.Bits(), 32)).String()
			if c.router.IsValid() {
				want[4] = c.router.String()
			}
			var dns []string
			for _, a := range c.dns {
				dns = append(dns, a.String())
			}
			want[5] = strings.Join(dns, ",")
			want[6] = strconv.FormatInt(int64(c.leaseTime/time.Second), 10)
		}
		if m.want == dhcpv4.MessageTypeNak {
			want[1] = "0.0.0.0"
		}
		for j := range want {
			if got[j] != want[j] {
				t.Errorf("%s, frame %d (%v): %s = %q, want %q", m.cfg, i+1, m.want, fields[j], got[j], want[j])
			}
		}
		// Option 108: present exactly when the policy says so, 4 bytes,
		// the configured V6ONLY_WAIT.
		types := strings.Split(got[7], ",")
		has108 := slices.Contains(types, "108")
		_, p := dhcpv4opt108.Lookup(msg)
		if has108 != (p == dhcpv4opt108.Valid) {
			t.Errorf("%s, frame %d: tshark sees 108 %v, we sent %v", m.cfg, i+1, has108, p)
		}
		if m.want == dhcpv4.MessageTypeNak && has108 {
			t.Errorf("%s, frame %d: a NAK carries option 108", m.cfg, i+1)
		}
		if has108 {
			wantV := fmt.Sprintf("%08x", c.wait.Seconds)
			if !strings.Contains(got[8], wantV) && !strings.Contains(got[8], strconv.FormatUint(uint64(c.wait.Seconds), 10)) {
				t.Errorf("%s, frame %d: option 108 decoded as %q, want V6ONLY_WAIT %d (%s)", m.cfg, i+1, got[8], c.wait.Seconds, wantV)
			}
		}
	}
	t.Logf("%d messages from %d configurations decoded by tshark without a warning", len(msgs), len(wireCases()))
}
