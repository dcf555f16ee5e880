package discover

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync"
	"time"

	mdndp "github.com/mdlayher/ndp"
	"github.com/v6kit/v6kit/internal/v6frame"
	"github.com/v6kit/v6kit/ndp"
)

// fakeHost answers probes the way a Linux host with the given quirks does.
type fakeHost struct {
	mac             v6frame.MAC
	addrs           []netip.Addr // first is the link-local
	replyFrom       netip.Addr   // global source it answers from (temporary address); default: same /64
	dropEcho        bool         // nftables drops echo requests
	ignoreMcastEcho bool         // net.ipv6.icmp.echo_ignore_multicast=1
	router          bool
	prefix          netip.Prefix  // advertised by a router
	delay           time.Duration // answers this late (a slow or sleeping host)
	mldDelay        time.Duration // sends its MLD report this late
	// lostMulticast loses its answers to echo and invalid-dst probes sent
	// in multicast frames, as a big link loses most of a round's burst;
	// it answers those sent to its MAC, and MLD queries.
	lostMulticast bool
	// skip loses its first skip answers to echo and invalid-dst probes
	// (say, to the first round).
	skip int
}

// memLink is an in-memory link: every frame written reaches the fake hosts,
// whose answers come back on ReadFrame.
type memLink struct {
	us    v6frame.MAC
	in    chan []byte
	mu    sync.Mutex
	hs    []*fakeHost
	dl    time.Time
	wk    chan struct{}
	cls   chan struct{}
	once  sync.Once
	sent  int
	kinds []byte // the ICMPv6 type of every frame written, in order
	mcast []byte // the same, of the frames to a multicast MAC
	// drop makes the first drop writes fail as a full kernel queue does.
	drop int
}

func newMemLink(us v6frame.MAC, hs ...*fakeHost) *memLink {
	return &memLink{us: us, in: make(chan []byte, 4096), hs: hs, wk: make(chan struct{}), cls: make(chan struct{})}
}

func (l *memLink) setHosts(hs ...*fakeHost) {
	l.mu.Lock()
	l.hs = hs
	l.mu.Unlock()
}

func (l *memLink) SetReadDeadline(t time.Time) error {
	l.mu.Lock()
	l.dl = t
	close(l.wk)
	l.wk = make(chan struct{})
	l.mu.Unlock()
	return nil
}

func (l *memLink) SetWriteDeadline(time.Time) error { return nil }

func (l *memLink) Close() error {
	l.once.Do(func() { close(l.cls) })
	return nil
}

func (l *memLink) ReadFrame(b []byte) (int, error) {
	for {
		l.mu.Lock()
		dl, wk := l.dl, l.wk
		l.mu.Unlock()
		var tc <-chan time.Time
		if !dl.IsZero() {
			d := time.Until(dl)
			if d <= 0 {
				return 0, os.ErrDeadlineExceeded
			}
			t := time.NewTimer(d)
			tc = t.C
			defer t.Stop()
		}
		select {
		case f := <-l.in:
			return copy(b, f), nil
		case <-tc:
			return 0, os.ErrDeadlineExceeded
		case <-wk:
		case <-l.cls:
			return 0, net.ErrClosed
		}
	}
}

func (l *memLink) WriteFrame(b []byte) error {
	var p v6frame.Packet
	if err := v6frame.Parse(b, &p); err != nil {
		return err
	}
	l.mu.Lock()
	hs := l.hs
	l.sent++
	l.kinds = append(l.kinds, p.ICMP[0])
	if p.DstMAC[0]&1 != 0 {
		l.mcast = append(l.mcast, p.ICMP[0])
	}
	if l.drop > 0 {
		l.drop--
		l.mu.Unlock()
		return fmt.Errorf("%w: sendto: no buffer space available", v6frame.ErrDropped)
	}
	l.mu.Unlock()
	for _, h := range hs {
		for _, f := range h.answer(&p, b[14:]) {
			f.SrcMAC, f.DstMAC = h.mac, l.us
			if f.Dst.IsMulticast() {
				f.DstMAC = v6frame.MulticastMAC(f.Dst)
			}
			out, err := f.Append(nil)
			if err != nil {
				panic(err)
			}
			delay := h.delay
			if f.ICMP[0] == icmpMLDv2Report && h.mldDelay > 0 {
				delay = h.mldDelay
			}
			if delay > 0 {
				time.AfterFunc(delay, func() {
					select {
					case l.in <- out:
					case <-l.cls:
					}
				})
				continue
			}
			l.in <- out
		}
	}
	return nil
}

// source picks the host's address to answer a packet from src.
func (h *fakeHost) source(src netip.Addr) (netip.Addr, bool) {
	if src.IsLinkLocalUnicast() {
		return h.addrs[0], true
	}
	if h.replyFrom.IsValid() && netip.PrefixFrom(h.replyFrom, 64).Masked().Contains(src) {
		return h.replyFrom, true
	}
	for _, a := range h.addrs[1:] {
		if netip.PrefixFrom(a, 64).Masked().Contains(src) {
			return a, true
		}
	}
	return netip.Addr{}, false
}

func (h *fakeHost) answer(p *v6frame.Packet, ip []byte) []v6frame.Packet {
	m := p.ICMP
	from, ok := h.source(p.Src)
	if p.DstMAC[0]&1 == 0 && p.DstMAC != h.mac {
		return nil // a frame to another host's MAC: the NIC filters it
	}
	if h.lostMulticast && p.DstMAC[0]&1 != 0 && m[0] != icmpMLDQuery {
		return nil
	}
	if h.skip > 0 && (m[0] == icmpEchoRequest || len(p.DestOpts) > 0) {
		h.skip--
		return nil
	}
	switch {
	case len(p.DestOpts) > 0 && p.DestOpts[0] == 0x80:
		if !ok {
			return nil
		}
		pp := append([]byte{4, 2, 0, 0, 0, 0, 0, 42}, ip...)
		return []v6frame.Packet{{Src: from, Dst: p.Src, HopLimit: 64, ICMP: pp}}
	case m[0] == 128:
		if !ok || h.dropEcho || (h.ignoreMcastEcho && p.Dst.IsMulticast()) {
			return nil
		}
		r := append([]byte{129}, m[1:]...)
		return []v6frame.Packet{{Src: from, Dst: p.Src, HopLimit: 64, ICMP: r}}
	case m[0] == 130:
		report := make([]byte, 8+20)
		report[0] = 143
		binary.BigEndian.PutUint16(report[6:8], 1)
		report[8] = 4 // CHANGE_TO_EXCLUDE ff02::1:ffXX:XXXX
		sn := v6frame.SolicitedNode(h.addrs[0]).As16()
		copy(report[12:], sn[:])
		return []v6frame.Packet{{Src: h.addrs[0], Dst: netip.MustParseAddr("ff02::16"), HopLimit: 1, HopByHop: v6frame.RouterAlertMLD, ICMP: report}}
	case m[0] == 133 && h.router:
		ra, _ := mdndp.MarshalMessage(&mdndp.RouterAdvertisement{CurrentHopLimit: 64, RouterLifetime: 30 * time.Minute,
			Options: []mdndp.Option{&mdndp.PrefixInformation{PrefixLength: 64, OnLink: true, AutonomousAddressConfiguration: true,
				ValidLifetime: time.Hour, PreferredLifetime: time.Hour, Prefix: h.prefix.Addr()}}})
		return []v6frame.Packet{{Src: h.addrs[0], Dst: netip.IPv6LinkLocalAllNodes(), HopLimit: 255, ICMP: ra}}
	case m[0] == 135:
		msg, err := mdndp.ParseMessage(m)
		if err != nil {
			return nil
		}
		ns := msg.(*mdndp.NeighborSolicitation)
		for _, a := range h.addrs {
			if a == ns.TargetAddress {
				na, _ := mdndp.MarshalMessage(&mdndp.NeighborAdvertisement{Router: h.router, Solicited: true, Override: true, TargetAddress: a,
					Options: []mdndp.Option{&mdndp.LinkLayerAddress{Direction: mdndp.Target, Addr: h.mac.HardwareAddr()}}})
				return []v6frame.Packet{{Src: a, Dst: p.Src, HopLimit: 255, ICMP: na}}
			}
		}
	}
	return nil
}

// memEnv is the env of a scanner with fixed addresses and cache.
func memEnv(mac v6frame.MAC, own []netip.Addr, cache []ndp.Neighbor) env {
	return env{
		mac:       mac,
		addrs:     func() ([]netip.Addr, error) { return own, nil },
		neighbors: func() ([]ndp.Neighbor, error) { return cache, nil },
	}
}
