package ripng

import (
	"cmp"
	"encoding/binary"
	"io"
	"net/netip"
	"slices"
	"time"
)

// core is the speaker's state machine: no goroutines, no clock, no I/O. Every
// method takes the current time and returns the packets to send, so it is
// tested deterministically; Speaker runs it over real conns and a clock.
type core struct {
	cfg    Config
	ifaces []*iface
	table  map[netip.Prefix]*entry
	nrip   int // learned (non-static) entries, bounded by RouteLimit
	stats  Stats

	started       bool
	nextPeriodic  time.Time
	trigPending   bool
	trigHoldUntil time.Time
	syncs         []syncOp
}

type iface struct {
	idx       int
	name      string
	cost      uint8
	ll        netip.Addr
	mtu       int
	up        bool
	neighbors map[netip.Addr]*neighbor
}

type neighbor struct {
	addr       netip.Addr
	lastSeen   time.Time
	badPackets uint64
	badRoutes  uint64
}

type entry struct {
	prefix  netip.Prefix
	nexthop netip.Addr // forwarding next hop (link-local); for a static route, an optional advertised next hop
	from    netip.Addr // the neighbour that advertised it
	ifi     *iface     // the interface it was learned on (static: the next hop's interface, or nil)
	metric  uint8
	tag     uint16
	static  bool
	changed bool
	created time.Time
	updated time.Time
	expire  time.Time // learned routes: when the timeout fires (zero once unreachable)
	gcAt    time.Time // unreachable routes: when they are deleted
}

type outPkt struct {
	ifi int
	dst netip.AddrPort
	b   []byte
}

type syncOp struct {
	del bool
	r   RouteInfo
}

func newCore(cfg Config, names []ifaceConf) *core {
	c := &core{cfg: cfg, table: make(map[netip.Prefix]*entry)}
	for i, ic := range names {
		c.ifaces = append(c.ifaces, &iface{idx: i, name: ic.name, cost: ic.cost, ll: ic.ll, mtu: ic.mtu, up: true, neighbors: make(map[netip.Addr]*neighbor)})
	}
	return c
}

type ifaceConf struct {
	name string
	cost uint8
	ll   netip.Addr
	mtu  int
}

// random returns a uniformly random duration in [lo, hi] from cfg.Rand.
func (c *core) random(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	var b [8]byte
	if _, err := io.ReadFull(c.cfg.Rand, b[:]); err != nil {
		return lo + (hi-lo)/2
	}
	return lo + time.Duration(binary.BigEndian.Uint64(b[:])%uint64(hi-lo+1))
}

func (c *core) periodicDelay() time.Duration {
	return c.random(c.cfg.UpdateInterval-c.cfg.UpdateJitter, c.cfg.UpdateInterval+c.cfg.UpdateJitter)
}

// start announces the static routes, asks every neighbour for its whole
// table and sends ours, so neighbours learn us at once (RFC 2080 §2.4.1).
func (c *core) start(now time.Time) []outPkt {
	c.started = true
	for _, r := range c.cfg.Announce {
		c.announce(now, r)
	}
	// The start-up update below carries everything: nothing is pending.
	c.clearChanged()
	c.nextPeriodic = now.Add(c.periodicDelay())
	var out []outPkt
	for _, ifi := range c.ifaces {
		out = append(out, c.ifaceUp(now, ifi)...)
	}
	return out
}

// ifaceUp sends a whole-table request and a full update on ifi.
func (c *core) ifaceUp(now time.Time, ifi *iface) []outPkt {
	if !ifi.up {
		return nil
	}
	req := WholeTableRequest()
	b, _ := req.MarshalBinary()
	out := []outPkt{{ifi: ifi.idx, dst: netip.AddrPortFrom(AllRIPRouters(), Port), b: b}}
	c.stats.RequestsSent++
	return append(out, c.update(ifi, netip.AddrPortFrom(AllRIPRouters(), Port), false, false)...)
}

// setUp brings an interface up (request and full update) or down (its
// routes become unreachable).
func (c *core) setUp(now time.Time, name string, up bool) []outPkt {
	for _, ifi := range c.ifaces {
		if ifi.name != name || ifi.up == up {
			continue
		}
		ifi.up = up
		if up {
			return c.ifaceUp(now, ifi)
		}
		for _, e := range c.table {
			if !e.static && e.ifi == ifi && e.metric < Infinity {
				c.unreachable(now, e)
			}
		}
		clear(ifi.neighbors)
	}
	return nil
}

// announce adds or replaces a static route.
func (c *core) announce(now time.Time, r Route) {
	if r.Metric == 0 {
		r.Metric = 1
	}
	e := c.table[r.Prefix]
	if e == nil {
		e = &entry{prefix: r.Prefix, created: now}
		c.table[r.Prefix] = e
	} else if !e.static {
		c.nrip--
		c.sync(true, e)
	}
	*e = entry{prefix: r.Prefix, created: e.created, static: true, metric: r.Metric, tag: r.Tag, updated: now, changed: true}
	if r.NextHop.IsLinkLocalUnicast() && r.NextHop.Zone() != "" {
		for _, ifi := range c.ifaces {
			if ifi.name == r.NextHop.Zone() {
				e.ifi, e.nexthop = ifi, r.NextHop.WithZone("")
			}
		}
	}
	c.trigger()
}

// withdraw makes a static route unreachable; it is advertised with metric
// 16 until garbage collection removes it.
func (c *core) withdraw(now time.Time, p netip.Prefix) bool {
	e := c.table[p]
	if e == nil || !e.static || e.metric == Infinity {
		return false
	}
	c.unreachable(now, e)
	return true
}

func (c *core) unreachable(now time.Time, e *entry) {
	e.metric = Infinity
	e.expire = time.Time{}
	e.gcAt = now.Add(c.cfg.GarbageCollection)
	e.updated = now
	e.changed = true
	if !e.static {
		c.sync(true, e)
	}
	c.trigger()
}

func (c *core) trigger() { c.trigPending = true }

func (c *core) sync(del bool, e *entry) {
	if c.cfg.RouteSync == nil || e.static {
		return
	}
	c.syncs = append(c.syncs, syncOp{del: del, r: c.info(e, time.Time{})})
}

func (c *core) isOwn(a netip.Addr) bool {
	for _, ifi := range c.ifaces {
		if ifi.ll == a {
			return true
		}
	}
	return false
}

// receive handles one datagram that arrived on interface ifIdx.
func (c *core) receive(now time.Time, ifIdx int, b []byte, pi PacketInfo) []outPkt {
	if ifIdx < 0 || ifIdx >= len(c.ifaces) {
		return nil
	}
	ifi := c.ifaces[ifIdx]
	src := pi.Src.Addr().WithZone("")
	if !ifi.up || c.isOwn(src) {
		c.stats.OwnPackets++
		return nil
	}
	c.stats.PacketsReceived++
	var d Decoder
	if err := d.Reset(b); err != nil {
		c.badPacket(now, ifi, src)
		return nil
	}
	switch d.Command() {
	case Request:
		return c.request(now, ifi, &d, pi)
	default:
		if pi.Src.Port() != Port || !src.IsLinkLocalUnicast() || (pi.Dst.IsMulticast() && pi.HopLimit >= 0 && pi.HopLimit != 255) {
			c.badPacket(now, ifi, src)
			return nil
		}
		c.response(now, ifi, src, &d)
		return nil
	}
}

func (c *core) badPacket(now time.Time, ifi *iface, src netip.Addr) {
	c.stats.BadPackets++
	if n := c.neighbor(now, ifi, src, false); n != nil {
		n.badPackets++
	}
}

// neighbor returns (creating, within the limit) the neighbour src on ifi.
// Only link-local sources become neighbours.
func (c *core) neighbor(now time.Time, ifi *iface, src netip.Addr, seen bool) *neighbor {
	if !src.IsLinkLocalUnicast() {
		return nil
	}
	n := ifi.neighbors[src]
	if n == nil {
		if len(ifi.neighbors) >= c.cfg.NeighborLimit {
			c.stats.NeighborLimitDrops++
			return nil
		}
		n = &neighbor{addr: src, lastSeen: now}
		ifi.neighbors[src] = n
	}
	if seen {
		n.lastSeen = now
	}
	return n
}

// request answers a request (RFC 2080 §2.4.1): the whole table with split
// horizon, or the asked entries with our metrics, to the requester's
// address and port.
func (c *core) request(now time.Time, ifi *iface, d *Decoder, pi PacketInfo) []outPkt {
	c.stats.RequestsReceived++
	if pi.Src.Port() == Port {
		c.neighbor(now, ifi, pi.Src.Addr().WithZone(""), true)
	}
	dst := netip.AddrPortFrom(pi.Src.Addr().WithZone(""), pi.Src.Port())
	if d.Len() == 1 && d.Next() {
		if e, err := d.Entry(); err == nil && e.isWholeTable() {
			return c.update(ifi, dst, false, false)
		}
		_ = d.Reset(d.b)
	}
	m := Message{Command: Response}
	for d.Next() {
		e, err := d.Entry()
		if err != nil || e.IsNextHop() {
			continue
		}
		e.Metric = Infinity
		if r := c.table[e.Prefix]; r != nil && c.exportable(r) {
			e.Metric, e.Tag = r.metric, r.tag
		}
		m.Entries = append(m.Entries, e)
	}
	var out []outPkt
	max := MaxEntries(ifi.mtu)
	for len(m.Entries) > 0 {
		part := Message{Command: Response, Entries: m.Entries[:min(max, len(m.Entries))]}
		m.Entries = m.Entries[len(part.Entries):]
		if b, err := part.MarshalBinary(); err == nil {
			out = append(out, outPkt{ifi: ifi.idx, dst: dst, b: b})
		}
	}
	return out
}

func (c *core) exportable(e *entry) bool {
	return c.cfg.Export == nil || c.cfg.Export(c.info(e, time.Time{}))
}

// response applies a response's entries to the table (RFC 2080 §2.4.2).
func (c *core) response(now time.Time, ifi *iface, src netip.Addr, d *Decoder) {
	c.stats.ResponsesReceived++
	n := c.neighbor(now, ifi, src, true)
	nh := src
	for d.Next() {
		e, err := d.Entry()
		if err != nil {
			c.stats.BadRoutes++
			if n != nil {
				n.badRoutes++
			}
			continue
		}
		if e.IsNextHop() {
			nh = e.NextHop()
			if !nh.IsValid() || nh == netip.IPv6Unspecified() {
				nh = src
			}
			continue
		}
		metric := min(int(e.Metric)+int(ifi.cost), Infinity)
		c.learn(now, ifi, src, nh, e.Prefix, e.Tag, uint8(metric))
	}
}

func (c *core) learn(now time.Time, ifi *iface, src, nh netip.Addr, p netip.Prefix, tag uint16, metric uint8) {
	r := c.table[p]
	if r != nil && r.static {
		if r.metric < Infinity || metric >= Infinity {
			return // our own route wins
		}
		// A withdrawn static route gives way to a learned one.
		delete(c.table, p)
		r = nil
	}
	if c.cfg.Import != nil && !c.cfg.Import(RouteInfo{Prefix: p, NextHop: nh, Metric: metric, Tag: tag, Interface: ifi.name, From: src, Source: "rip"}) {
		return
	}
	if r == nil {
		if metric >= Infinity {
			return
		}
		if c.nrip >= c.cfg.RouteLimit {
			c.stats.RouteLimitDrops++
			return
		}
		r = &entry{prefix: p, nexthop: nh, from: src, ifi: ifi, metric: metric, tag: tag, created: now, updated: now, expire: now.Add(c.cfg.Timeout), changed: true}
		c.table[p] = r
		c.nrip++
		c.sync(false, r)
		c.trigger()
		return
	}
	same := r.ifi == ifi && r.from == src
	switch {
	case same:
		if metric < Infinity {
			r.expire, r.gcAt = now.Add(c.cfg.Timeout), time.Time{}
		}
		if metric == r.metric && nh == r.nexthop && tag == r.tag {
			return
		}
		if metric >= Infinity {
			if r.metric < Infinity {
				c.unreachable(now, r)
			}
			r.tag = tag
			return
		}
		r.metric, r.nexthop, r.tag, r.updated, r.changed = metric, nh, tag, now, true
		c.sync(false, r)
		c.trigger()
	case metric < r.metric,
		// Equal metric from another router while ours is halfway to
		// timing out: switch (RFC 2080 §2.4.2's heuristic).
		metric == r.metric && metric < Infinity && !r.expire.IsZero() && now.After(r.expire.Add(-c.cfg.Timeout/2)):
		if r.metric < Infinity && (r.ifi != ifi || r.nexthop != nh) {
			c.sync(true, r)
		}
		*r = entry{prefix: p, nexthop: nh, from: src, ifi: ifi, metric: metric, tag: tag, created: r.created, updated: now, expire: now.Add(c.cfg.Timeout), changed: true}
		c.sync(false, r)
		c.trigger()
	}
}

// tick runs the timers due at now: route timeouts, garbage collection,
// triggered and periodic updates.
func (c *core) tick(now time.Time) []outPkt {
	if !c.started {
		return nil
	}
	for p, e := range c.table {
		if !e.expire.IsZero() && !now.Before(e.expire) {
			c.stats.Timeouts++
			c.unreachable(now, e)
		}
		if !e.gcAt.IsZero() && !now.Before(e.gcAt) {
			delete(c.table, p)
			if !e.static {
				c.nrip--
			}
		}
	}
	c.expireNeighbors(now)
	var out []outPkt
	if !now.Before(c.nextPeriodic) {
		for _, ifi := range c.ifaces {
			if ifi.up {
				out = append(out, c.update(ifi, netip.AddrPortFrom(AllRIPRouters(), Port), false, false)...)
			}
		}
		c.stats.PeriodicUpdates++
		c.clearChanged()
		c.nextPeriodic = now.Add(c.periodicDelay())
		return out
	}
	if c.trigPending && !now.Before(c.trigHoldUntil) {
		for _, ifi := range c.ifaces {
			if ifi.up {
				out = append(out, c.update(ifi, netip.AddrPortFrom(AllRIPRouters(), Port), true, false)...)
			}
		}
		c.stats.TriggeredUpdates++
		c.clearChanged()
		c.trigHoldUntil = now.Add(c.random(c.cfg.TriggeredMin, c.cfg.TriggeredMax))
	}
	return out
}

// expireNeighbors forgets neighbours silent for longer than a route lives
// (timeout plus garbage collection) that no route points to any more. One
// pass over the table, and only when some neighbour is that old.
func (c *core) expireNeighbors(now time.Time) {
	type key struct {
		ifi  *iface
		addr netip.Addr
	}
	var stale map[key]bool
	for _, ifi := range c.ifaces {
		for a, n := range ifi.neighbors {
			if now.Sub(n.lastSeen) > c.cfg.Timeout+c.cfg.GarbageCollection {
				if stale == nil {
					stale = make(map[key]bool)
				}
				stale[key{ifi, a}] = true
			}
		}
	}
	if stale == nil {
		return
	}
	for _, e := range c.table {
		if !e.static {
			delete(stale, key{e.ifi, e.from})
		}
	}
	for k := range stale {
		delete(k.ifi.neighbors, k.addr)
	}
}

func (c *core) clearChanged() {
	for _, e := range c.table {
		e.changed = false
	}
	c.trigPending = false
}

// next returns when tick must run next.
func (c *core) next() time.Time {
	t := c.nextPeriodic
	if c.trigPending && c.trigHoldUntil.Before(t) {
		t = c.trigHoldUntil
	}
	for _, e := range c.table {
		if !e.expire.IsZero() && e.expire.Before(t) {
			t = e.expire
		}
		if !e.gcAt.IsZero() && e.gcAt.Before(t) {
			t = e.gcAt
		}
	}
	return t
}

// update builds a response for ifi to dst: the whole table, or with
// changedOnly the changed routes (a triggered update), with split horizon
// and poisoned reverse applied; poison sets every metric to 16 (shutdown).
func (c *core) update(ifi *iface, dst netip.AddrPort, changedOnly, poison bool) []outPkt {
	routes := make([]Route, 0, len(c.table))
	for _, e := range c.sorted() {
		if changedOnly && !e.changed {
			continue
		}
		if !c.exportable(e) {
			continue
		}
		r := Route{Prefix: e.prefix, Tag: e.tag, Metric: e.metric}
		if e.ifi == ifi {
			switch {
			case e.static:
				r.NextHop = e.nexthop
			case c.cfg.SplitHorizon == SplitHorizonSimple:
				continue
			case c.cfg.SplitHorizon == SplitHorizonPoisonedReverse:
				r.Metric = Infinity
			default:
				r.NextHop = e.nexthop
			}
		}
		if poison {
			r.Metric = Infinity
		}
		routes = append(routes, r)
	}
	if len(routes) == 0 {
		return nil
	}
	msgs, err := Packetize(routes, ifi.mtu)
	if err != nil {
		return nil
	}
	out := make([]outPkt, 0, len(msgs))
	for i := range msgs {
		b, err := msgs[i].MarshalBinary()
		if err != nil {
			continue
		}
		out = append(out, outPkt{ifi: ifi.idx, dst: dst, b: b})
	}
	c.stats.ResponsesSent += uint64(len(out))
	return out
}

func (c *core) sorted() []*entry {
	es := make([]*entry, 0, len(c.table))
	for _, e := range c.table {
		es = append(es, e)
	}
	slices.SortFunc(es, func(a, b *entry) int {
		if n := a.prefix.Addr().Compare(b.prefix.Addr()); n != 0 {
			return n
		}
		return cmp.Compare(a.prefix.Bits(), b.prefix.Bits())
	})
	return es
}

// shutdown returns the final update: every route we advertise, poisoned.
func (c *core) shutdown() []outPkt {
	var out []outPkt
	for _, ifi := range c.ifaces {
		if ifi.up {
			out = append(out, c.update(ifi, netip.AddrPortFrom(AllRIPRouters(), Port), false, true)...)
		}
	}
	return out
}

func (c *core) info(e *entry, now time.Time) RouteInfo {
	r := RouteInfo{Prefix: e.prefix, NextHop: e.nexthop, Metric: e.metric, Tag: e.tag, From: e.from, Source: "rip", Updated: e.updated}
	if e.ifi != nil {
		r.Interface = e.ifi.name
	}
	if e.static {
		r.Source = "static"
	}
	if !now.IsZero() {
		r.Age = now.Sub(e.updated)
	}
	return r
}

func sortNeighbors(ns []NeighborInfo) {
	slices.SortFunc(ns, func(a, b NeighborInfo) int { return a.Addr.Compare(b.Addr) })
}
