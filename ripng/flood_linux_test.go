package ripng

import (
	"encoding/binary"
	"math/rand/v2"
	"net"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/mdlayher/packet"
	"golang.org/x/sys/unix"
)

// frame builds an Ethernet/IPv6/UDP frame with a correct UDP checksum.
func frame(srcMAC net.HardwareAddr, src, dst netip.Addr, sport, dport uint16, hop byte, payload []byte) []byte {
	dstMAC := net.HardwareAddr{0x33, 0x33, 0, 0, 0, 9}
	if !dst.IsMulticast() {
		dstMAC = net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	}
	ulen := 8 + len(payload)
	b := make([]byte, 0, 14+40+ulen)
	b = append(b, dstMAC...)
	b = append(b, srcMAC...)
	b = append(b, 0x86, 0xdd)
	b = append(b, 0x60, 0, 0, 0, byte(ulen>>8), byte(ulen), 17, hop)
	s16, d16 := src.As16(), dst.As16()
	b = append(b, s16[:]...)
	b = append(b, d16[:]...)
	udp := len(b)
	b = append(b, byte(sport>>8), byte(sport), byte(dport>>8), byte(dport), byte(ulen>>8), byte(ulen), 0, 0)
	b = append(b, payload...)
	// Checksum over the pseudo-header and the datagram.
	var sum uint32
	add := func(p []byte) {
		for i := 0; i+1 < len(p); i += 2 {
			sum += uint32(binary.BigEndian.Uint16(p[i:]))
		}
		if len(p)%2 == 1 {
			sum += uint32(p[len(p)-1]) << 8
		}
	}
	add(s16[:])
	add(d16[:])
	sum += uint32(ulen) + 17
	add(b[udp:])
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	cs := ^uint16(sum)
	if cs == 0 {
		cs = 0xffff
	}
	binary.BigEndian.PutUint16(b[udp+6:], cs)
	return b
}

// TestFlood sends malformed and spoofed RIPng packets at our speaker as
// fast as a raw socket allows for a few seconds, beside BIRD: memory stays
// bounded, the counters rise, and BIRD's real routes survive.
func TestFlood(t *testing.T) {
	rl := newRipLab(t, true, false)
	atk, err := rl.l.Namespace("atk")
	if err != nil {
		t.Fatal(err)
	}
	sw := rl.l.Namespaces()[0]
	if err := rl.l.Attach(atk, "eth0", sw, "br0", "p9"); err != nil {
		t.Fatal(err)
	}
	if err := atk.StaticLinkLocal("eth0", netip.MustParseAddr("fe80::66")); err != nil {
		t.Fatal(err)
	}
	const limit = 300
	s, _ := rl.speaker(t, Config{RouteLimit: limit, NeighborLimit: 8, Announce: []Route{{Prefix: netip.MustParsePrefix("2001:db8:60::/48")}}})
	waitFor(t, "BIRD's routes", 60*time.Second, func() bool {
		_, a := routeOf(s, pBird)
		_, b := routeOf(s, pBird7)
		return a && b
	})

	ifi, err := atk.Interface("eth0")
	if err != nil {
		t.Fatal(err)
	}
	var c *packet.Conn
	if err := atk.Run(func() error {
		var err error
		c, err = packet.Listen(ifi, packet.Raw, unix.ETH_P_IPV6, nil)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	rnd := rand.New(rand.NewPCG(1, 2))
	ff02 := AllRIPRouters()
	randLL := func() netip.Addr {
		return netip.AddrFrom16([16]byte{0xfe, 0x80, 8: byte(rnd.Uint32()), 9: byte(rnd.Uint32()), 14: byte(rnd.Uint32()), 15: byte(rnd.Uint32())})
	}
	routes := func() []byte {
		m := Message{Command: Response}
		for range 72 {
			m.Entries = append(m.Entries, RTE{Prefix: netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 4: byte(rnd.Uint32()), 5: byte(rnd.Uint32()), 6: byte(rnd.Uint32())}), 56), Metric: uint8(1 + rnd.IntN(15)), Tag: uint16(rnd.Uint32())})
		}
		b, _ := m.MarshalBinary()
		return b
	}
	dst := &packet.Addr{HardwareAddr: net.HardwareAddr{0x33, 0x33, 0, 0, 0, 9}}
	end := time.Now().Add(3 * time.Second)
	sent := 0
	for time.Now().Before(end) && sent < 30000 {
		var f []byte
		switch sent % 6 {
		case 0: // spoofed neighbours with full tables
			f = frame(ifi.HardwareAddr, randLL(), ff02, 521, 521, 255, routes())
		case 1: // bad version, bad length, junk
			p := routes()
			p[1] = 9
			f = frame(ifi.HardwareAddr, randLL(), ff02, 521, 521, 255, p[:4+rnd.IntN(len(p)-4)])
		case 2: // hop limit below 255
			f = frame(ifi.HardwareAddr, randLL(), ff02, 521, 521, 64, routes())
		case 3: // non-link-local source
			f = frame(ifi.HardwareAddr, netip.MustParseAddr("2001:db8::bad"), ff02, 521, 521, 255, routes())
		case 4: // wrong source port
			f = frame(ifi.HardwareAddr, randLL(), ff02, 520, 521, 255, routes())
		case 5: // our own address, spoofed
			f = frame(ifi.HardwareAddr, llGo, ff02, 521, 521, 255, routes())
		}
		if _, err := c.WriteTo(f, dst); err != nil {
			if err == unix.ENOBUFS {
				continue
			}
			t.Fatalf("send: %v", err)
		}
		sent++
	}
	t.Logf("sent %d packets in %v", sent, 3*time.Second-time.Until(end))

	waitFor(t, "the speaker to count the flood", 60*time.Second, func() bool {
		st := s.Stats()
		return st.BadPackets > 0 && st.RouteLimitDrops > 0 && st.NeighborLimitDrops > 0 && st.OwnPackets > 0
	})
	st := s.Stats()
	t.Logf("stats after the flood: %+v", st)
	if n := len(s.Routes()); n > limit+1 {
		t.Errorf("%d routes in the table, limit %d (+1 static)", n, limit)
	}
	if n := len(s.Neighbors()); n > 8 {
		t.Errorf("%d neighbours, limit 8", n)
	}
	for _, p := range []netip.Prefix{pBird, pBird7} {
		if r, ok := routeOf(s, p); !ok || r.Metric != 2 || r.NextHop != llBird {
			t.Errorf("BIRD's route %v did not survive: %+v", p, r)
		}
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	t.Logf("heap in use: %d KiB before, %d KiB after", before.HeapInuse/1024, after.HeapInuse/1024)
	if after.HeapInuse > before.HeapInuse+32<<20 {
		t.Errorf("heap grew from %d to %d bytes", before.HeapInuse, after.HeapInuse)
	}
	// BIRD still has our route: the link still works.
	if rl.birdRoute(t, netip.MustParsePrefix("2001:db8:60::/48")) == "" {
		t.Error("BIRD lost our route during the flood")
	}
}
