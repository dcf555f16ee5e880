package discover

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"net"
	"net/netip"
	"slices"
	"sync"
	"time"

	mdndp "github.com/mdlayher/ndp"
	"github.com/v6kit/v6kit/internal/v6frame"
	"github.com/v6kit/v6kit/ndp"
)

// link is what the engine needs of the wire: whole Ethernet frames in and
// out. On Linux it is a packet socket; tests use an in-memory link.
type link interface {
	ReadFrame(b []byte) (int, error)
	WriteFrame(b []byte) error
	SetReadDeadline(t time.Time) error
	Close() error
}

// env is what the engine needs of its own interface.
type env struct {
	mac       v6frame.MAC
	addrs     func() ([]netip.Addr, error)   // our addresses, read at each scan
	neighbors func() ([]ndp.Neighbor, error) // the neighbour cache; may be nil
}

// Options tune a Scanner. The zero value is a one-second scan with every
// technique at up to 2000 packets per second.
type Options struct {
	// Timeout is how long a scan listens for answers (default 1 s). Hosts
	// are reported as they answer, usually within milliseconds.
	Timeout time.Duration
	// Rate bounds the packets sent per second (default 2000, burst 32).
	Rate int
	// Methods selects techniques (default MethodsAll).
	Methods Method
	// Vendors names MAC vendors (default: LoadVendors).
	Vendors *Vendors
}

// Defaults.
const (
	DefaultTimeout = time.Second
	DefaultRate    = 2000
	rateBurst      = 32
	// endGrace is how long the end of a scan waits for frames beyond those
	// already queued in the socket.
	endGrace = 10 * time.Millisecond
)

// A Scanner finds the IPv6 hosts on one link. One scan runs at a time;
// Scan and Watch block each other.
type Scanner struct {
	link link
	env  env
	opts Options
	mu   sync.Mutex
}

func newScanner(l link, e env, o *Options) (*Scanner, error) {
	s := &Scanner{link: l, env: e}
	if o != nil {
		s.opts = *o
	}
	if s.opts.Timeout <= 0 {
		s.opts.Timeout = DefaultTimeout
	}
	if s.opts.Rate <= 0 {
		s.opts.Rate = DefaultRate
	}
	if s.opts.Methods == 0 {
		s.opts.Methods = MethodsAll
	}
	if s.opts.Vendors == nil {
		v, err := LoadVendors()
		if err != nil {
			return nil, err
		}
		s.opts.Vendors = v
	}
	return s, nil
}

// Close releases the scanner's sockets; a running scan ends.
func (s *Scanner) Close() error { return s.link.Close() }

// Scan probes the link once and yields a snapshot of a Host each time one
// is found or gains an address, a technique or the router flag, as answers
// arrive, until Options.Timeout
// passes. Cancelling ctx ends the scan early and yields ctx's error.
func (s *Scanner) Scan(ctx context.Context) iter.Seq2[Host, error] {
	return func(yield func(Host, error) bool) {
		s.mu.Lock()
		defer s.mu.Unlock()
		own, err := s.env.addrs()
		if err != nil {
			yield(Host{}, fmt.Errorf("discover: own addresses: %w", err))
			return
		}
		r := newRun(s, own)
		r.run(ctx, yield)
	}
}

// ScanAll runs Scan to the end and returns every host, sorted by MAC.
func (s *Scanner) ScanAll(ctx context.Context) ([]Host, error) {
	byMAC := map[string]Host{}
	for h, err := range s.Scan(ctx) {
		if err != nil {
			return nil, err
		}
		byMAC[string(h.MAC)] = h
	}
	return sortHosts(byMAC), nil
}

// sortHosts lists the latest snapshots by MAC.
func sortHosts(byMAC map[string]Host) []Host {
	out := make([]Host, 0, len(byMAC))
	for _, h := range byMAC {
		out = append(out, h)
	}
	slices.SortFunc(out, func(a, b Host) int { return bytes.Compare(a.MAC, b.MAC) })
	return out
}

// probeKey names a probe for round-trip times.
type probeKey struct {
	m   Method
	src netip.Addr // our source (echo, invalid-dst) or the NS target
}

type probe struct {
	frame []byte
	key   probeKey
}

// obs is one answer, classified by the reader.
type obs struct {
	mac      net.HardwareAddr
	addr     netip.Addr
	m        Method
	router   bool
	at       time.Time
	key      probeKey
	prefixes []netip.Prefix // from an RA
}

// run is one scan's state, owned by the scanning goroutine.
type run struct {
	s        *Scanner
	own      []netip.Addr
	ll       netip.Addr // our link-local source, if any
	id       uint16     // echo identifier
	tb       *table
	queue    []probe
	sentAt   map[probeKey]time.Time
	prefixes []netip.Prefix
	guessed  map[netip.Addr]bool
	tokens   float64
	last     time.Time
}

func newRun(s *Scanner, own []netip.Addr) *run {
	r := &run{s: s, own: own, id: uint16(rand.Uint32()), tb: newTable(own, s.opts.Vendors),
		sentAt: map[probeKey]time.Time{}, guessed: map[netip.Addr]bool{}, tokens: rateBurst}
	for _, a := range own {
		a = a.WithZone("")
		if a.IsLinkLocalUnicast() && !r.ll.IsValid() {
			r.ll = a
		}
		if a.IsGlobalUnicast() {
			r.addPrefix(netip.PrefixFrom(a, 64).Masked())
		}
	}
	return r
}

func (r *run) addPrefix(p netip.Prefix) bool {
	for _, q := range r.prefixes {
		if q == p {
			return false
		}
	}
	r.prefixes = append(r.prefixes, p)
	return true
}

func (r *run) enabled(m Method) bool { return r.s.opts.Methods&m != 0 }

// packet builds a frame from our MAC; errors cannot happen for the fixed
// shapes used here and drop the probe.
func (r *run) enqueue(key probeKey, p v6frame.Packet) {
	p.SrcMAC = r.s.env.mac
	if p.DstMAC == (v6frame.MAC{}) {
		p.DstMAC = v6frame.MulticastMAC(p.Dst)
	}
	b, err := p.Append(nil)
	if err != nil {
		return
	}
	r.queue = append(r.queue, probe{frame: b, key: key})
}

var (
	allNodes   = netip.IPv6LinkLocalAllNodes()
	allRouters = netip.MustParseAddr("ff02::2")
)

// unknownICMPType is an unassigned informational ICMPv6 type (RFC 4443
// leaves 160 unassigned): no node acts on it, and nftables rules that drop
// echo requests do not match it.
const unknownICMPType = 160

func (r *run) initialProbes() {
	if r.enabled(MethodMLD) && r.ll.IsValid() {
		// MLDv2 General Query (RFC 3810, Section 5.1), 28 bytes. Hosts
		// delay reports up to Maximum Response Delay: a third of the scan.
		mrd := min(max(r.s.opts.Timeout/3/time.Millisecond, 10), 10000)
		q := make([]byte, 28)
		q[0] = 130
		binary.BigEndian.PutUint16(q[4:6], uint16(mrd))
		q[24] = 2   // QRV 2
		q[25] = 125 // QQIC 125 s
		r.enqueue(probeKey{m: MethodMLD}, v6frame.Packet{Src: r.ll, Dst: allNodes, HopLimit: 1, HopByHop: v6frame.RouterAlertMLD, ICMP: q})
	}
	r.multicastProbes()
	if r.enabled(MethodRA) {
		rs := &mdndp.RouterSolicitation{}
		src := netip.IPv6Unspecified()
		if r.ll.IsValid() {
			src = r.ll
			rs.Options = []mdndp.Option{&mdndp.LinkLayerAddress{Direction: mdndp.Source, Addr: r.s.env.mac.HardwareAddr()}}
		}
		if b, err := mdndp.MarshalMessage(rs); err == nil {
			r.enqueue(probeKey{m: MethodRA}, v6frame.Packet{Src: src, Dst: allRouters, HopLimit: 255, ICMP: b})
		}
	}
}

// multicastProbes queues the invalid-dst probe and the echo to ff02::1
// from every source. A scan sends them three times, at the start and a
// quarter and half into the scan, in case the first were lost or
// rate-limited (Parameter Problem counts against the kernel's ICMP error
// limits) or a host's first answer waited for address resolution.
func (r *run) multicastProbes() {
	for _, src := range r.own {
		src = src.WithZone("")
		if !usable(src) {
			continue
		}
		if r.enabled(MethodInvalidDst) {
			m := []byte{unknownICMPType, 0, 0, 0, byte(r.id >> 8), byte(r.id), 0, 0}
			r.enqueue(probeKey{m: MethodInvalidDst, src: src}, v6frame.Packet{Src: src, Dst: allNodes, HopLimit: 255, DestOpts: v6frame.UnknownOption, ICMP: m})
		}
		if r.enabled(MethodEcho) {
			m := []byte{128, 0, 0, 0, byte(r.id >> 8), byte(r.id), 0, 1, 'v', '6', 'k', 'i', 't'}
			r.enqueue(probeKey{m: MethodEcho, src: src}, v6frame.Packet{Src: src, Dst: allNodes, HopLimit: 255, ICMP: m})
		}
	}
}

// solicit queues an NS for target (EUI-64 guess or a seen link-local),
// once from every source we have, each with our link-layer address: a
// host that answers creates a neighbour entry for each of our addresses
// (RFC 4861, Section 7.2.3), so its answers to the next round of
// multicast probes need no address resolution of their own. On a big
// link that saves a storm of multicast NS, which the bridge floods.
func (r *run) solicit(target netip.Addr) {
	if !r.enabled(MethodNS) || r.guessed[target] || r.tb.own[target] || !r.ll.IsValid() {
		return
	}
	r.guessed[target] = true
	b, err := mdndp.MarshalMessage(&mdndp.NeighborSolicitation{TargetAddress: target,
		Options: []mdndp.Option{&mdndp.LinkLayerAddress{Direction: mdndp.Source, Addr: r.s.env.mac.HardwareAddr()}}})
	if err != nil {
		return
	}
	group := v6frame.SolicitedNode(target)
	r.enqueue(probeKey{m: MethodNS, src: target}, v6frame.Packet{Src: r.ll, Dst: group, HopLimit: 255, ICMP: b})
	for _, src := range r.own {
		if src = src.WithZone(""); src.IsGlobalUnicast() {
			r.enqueue(probeKey{m: MethodNS, src: target}, v6frame.Packet{Src: src, Dst: group, HopLimit: 255, ICMP: b})
		}
	}
}

// guess queues NS for mac's EUI-64 address in every known prefix.
func (r *run) guess(mac net.HardwareAddr) {
	iid, ok := eui64(mac)
	if !ok {
		return
	}
	r.solicit(join(netip.MustParseAddr("fe80::"), iid))
	for _, p := range r.prefixes {
		r.solicit(join(p.Addr(), iid))
	}
}

// eui64 is the modified EUI-64 interface identifier of a MAC (RFC 4291,
// Appendix A).
func eui64(mac net.HardwareAddr) ([8]byte, bool) {
	if len(mac) != 6 {
		return [8]byte{}, false
	}
	return [8]byte{mac[0] ^ 2, mac[1], mac[2], 0xff, 0xfe, mac[3], mac[4], mac[5]}, true
}

func join(p netip.Addr, iid [8]byte) netip.Addr {
	a := p.As16()
	copy(a[8:], iid[:])
	return netip.AddrFrom16(a)
}

// wait returns how long until the rate limiter lets one more packet go.
func (r *run) wait(now time.Time) time.Duration {
	rate := float64(r.s.opts.Rate)
	if !r.last.IsZero() {
		r.tokens = min(rateBurst, r.tokens+now.Sub(r.last).Seconds()*rate)
	}
	r.last = now
	if r.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - r.tokens) / rate * float64(time.Second))
}

func (r *run) run(ctx context.Context, yield func(Host, error) bool) {
	if err := r.s.link.SetReadDeadline(time.Time{}); err != nil {
		yield(Host{}, fmt.Errorf("discover: %w", err))
		return
	}
	obsc := make(chan obs, 256)
	errc := make(chan error, 1)
	quit := make(chan struct{})
	rdone := make(chan struct{})
	go func() {
		defer close(rdone)
		r.read(obsc, errc, quit)
	}()
	defer func() {
		close(quit)
		_ = r.s.link.SetReadDeadline(time.Unix(1, 0))
		<-rdone
	}()

	emit := func(h *Host, changed bool) bool {
		return !changed || yield(h.clone(), nil)
	}
	if r.enabled(MethodNeighbor) && r.s.env.neighbors != nil {
		if !r.neighbors(emit) {
			return
		}
	}
	r.initialProbes()
	end := time.NewTimer(r.s.opts.Timeout)
	defer end.Stop()
	// Repeat the multicast probes a quarter and half into the scan.
	again := time.NewTimer(r.s.opts.Timeout / 4)
	defer again.Stop()
	rounds := 1
	send := time.NewTimer(0)
	defer send.Stop()
	for {
		var sendc <-chan time.Time
		if len(r.queue) > 0 {
			now := time.Now()
			if d := r.wait(now); d == 0 {
				p := r.queue[0]
				r.queue = r.queue[1:]
				r.tokens--
				// Stamp before sending: on a veth the answer can be read
				// before WriteFrame returns.
				if _, ok := r.sentAt[p.key]; !ok {
					r.sentAt[p.key] = time.Now()
				}
				if err := r.s.link.WriteFrame(p.frame); errors.Is(err, v6frame.ErrDropped) {
					// A full queue on the way out (a flooded bridge, say)
					// loses this probe like a lossy wire would; the later
					// rounds make up for it, so the scan goes on.
					continue
				} else if err != nil {
					if ctx.Err() == nil {
						yield(Host{}, fmt.Errorf("discover: send: %w", err))
					}
					return
				}
				continue
			} else {
				send.Reset(d)
				sendc = send.C
			}
		}
		select {
		case <-ctx.Done():
			yield(Host{}, ctx.Err())
			return
		case err := <-errc:
			yield(Host{}, fmt.Errorf("discover: receive: %w", err))
			return
		case <-sendc:
		case <-again.C:
			r.multicastProbes()
			if rounds++; rounds < 3 {
				again.Reset(r.s.opts.Timeout / 4)
			}
		case o := <-obsc:
			if !r.handle(o, emit) {
				return
			}
		case <-end.C:
			// Read what the socket already holds (a reader that fell behind
			// a busy CPU loses nothing), waiting at most endGrace for more.
			_ = r.s.link.SetReadDeadline(time.Now().Add(endGrace))
			for done := false; !done; {
				select {
				case o := <-obsc:
					if !r.handle(o, emit) {
						return
					}
				case <-rdone:
					done = true
				case <-ctx.Done():
					yield(Host{}, ctx.Err())
					return
				}
			}
			for len(obsc) > 0 {
				if !r.handle(<-obsc, emit) {
					return
				}
			}
			if r.enabled(MethodNeighbor) && r.s.env.neighbors != nil {
				r.neighbors(emit)
			}
			return
		}
	}
}

func (r *run) neighbors(emit func(*Host, bool) bool) bool {
	ns, err := r.s.env.neighbors()
	if err != nil {
		return true // the cache is a bonus; the scan goes on without it
	}
	for _, n := range ns {
		h, changed, newMAC := r.tb.observe(n.MAC, n.Addr, MethodNeighbor, 0, n.Router)
		if h == nil {
			continue
		}
		if newMAC {
			r.guess(h.MAC)
		}
		if !emit(h, changed) {
			return false
		}
	}
	return true
}

func (r *run) handle(o obs, emit func(*Host, bool) bool) bool {
	var rtt time.Duration
	if t, ok := r.sentAt[o.key]; ok && o.key.m != 0 {
		rtt = max(o.at.Sub(t), time.Microsecond)
	}
	for _, p := range o.prefixes {
		if r.addPrefix(p) {
			for _, h := range r.tb.hosts {
				r.guess(h.MAC)
			}
		}
	}
	h, changed, newMAC := r.tb.observe(o.mac, o.addr, o.m, rtt, o.router)
	if h == nil {
		return true
	}
	if newMAC {
		r.guess(h.MAC)
	}
	if o.addr.IsLinkLocalUnicast() {
		r.solicit(o.addr.WithZone("")) // its NA tells whether it routes
	}
	return emit(h, changed)
}

// read classifies frames until quit; it owns its buffer.
func (r *run) read(obsc chan<- obs, errc chan<- error, quit <-chan struct{}) {
	buf := make([]byte, 9216)
	own := map[netip.Addr]bool{}
	for _, a := range r.own {
		own[a.WithZone("")] = true
	}
	for {
		n, err := r.s.link.ReadFrame(buf)
		select {
		case <-quit:
			return
		default:
		}
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			select {
			case errc <- err:
			default:
			}
			return
		}
		var p v6frame.Packet
		if v6frame.Parse(buf[:n], &p) != nil || p.SrcMAC == r.s.env.mac {
			continue
		}
		o, ok := classify(&p, r.id, own)
		if !ok {
			continue
		}
		o.at = time.Now()
		select {
		case obsc <- o:
		case <-quit:
			return
		}
	}
}

// classify turns an ICMPv6 frame from another node into an observation.
func classify(p *v6frame.Packet, id uint16, own map[netip.Addr]bool) (obs, bool) {
	o := obs{mac: p.SrcMAC.HardwareAddr(), addr: p.Src}
	m := p.ICMP
	switch m[0] {
	case 129: // Echo Reply
		if len(m) < 8 || binary.BigEndian.Uint16(m[4:6]) != id || !own[p.Dst] {
			return o, false
		}
		o.m, o.key = MethodEcho, probeKey{m: MethodEcho, src: p.Dst}
	case 4: // Parameter Problem, invoked by our probe
		if len(m) < 8+40 || m[1] != 2 || !own[netip.AddrFrom16([16]byte(m[8+8:8+24]))] {
			return o, false
		}
		o.m, o.key = MethodInvalidDst, probeKey{m: MethodInvalidDst, src: p.Dst}
	case 131, 143: // MLDv1 or MLDv2 Report
		if !p.Src.IsLinkLocalUnicast() {
			o.addr = netip.Addr{}
		}
		o.m, o.key = MethodMLD, probeKey{m: MethodMLD}
	case 133, 134, 135, 136:
		if p.HopLimit != 255 {
			return o, false
		}
		msg, err := mdndp.ParseMessage(m)
		if err != nil {
			return o, false
		}
		o.m = MethodPassive
		switch msg := msg.(type) {
		case *mdndp.NeighborAdvertisement:
			o.addr, o.router = msg.TargetAddress, msg.Router
			if own[p.Dst] {
				o.m, o.key = MethodNS, probeKey{m: MethodNS, src: msg.TargetAddress}
			}
			for _, opt := range msg.Options {
				if lla, ok := opt.(*mdndp.LinkLayerAddress); ok && lla.Direction == mdndp.Target && len(lla.Addr) == 6 {
					o.mac = append(net.HardwareAddr(nil), lla.Addr...)
				}
			}
		case *mdndp.NeighborSolicitation:
			if p.Src.IsUnspecified() {
				return o, false // DAD: the address is not in use yet
			}
		case *mdndp.RouterAdvertisement:
			o.m, o.router, o.key = MethodRA, true, probeKey{m: MethodRA}
			for _, opt := range msg.Options {
				if pi, ok := opt.(*mdndp.PrefixInformation); ok && pi.PrefixLength == 64 && pi.AutonomousAddressConfiguration {
					if pfx, err := pi.Prefix.Prefix(64); err == nil && pfx.Addr().IsGlobalUnicast() {
						o.prefixes = append(o.prefixes, pfx)
					}
				}
			}
		}
	default:
		return o, false
	}
	if p.Src.IsUnspecified() && o.m != MethodNS && o.m != MethodPassive {
		o.addr = netip.Addr{}
	}
	return o, true
}
