package ripng

import (
	"net/netip"
	"time"
)

// core is the speaker's state machine: no goroutines, no clock, no I/O. Every
// method takes the current time and returns the packets to send, so it is
// tested deterministically; Speaker runs it over real conns and the clock.
//
// Its concepts live in one file each: the route lifecycle (route.go),
// receiving (receive.go), output with split horizon (output.go) and the
// timers (timers.go).
type core struct {
	cfg    Config
	ifaces []*iface
	table  map[netip.Prefix]*entry
	nrip   int // learned (non-static) entries, bounded by RouteLimit
	stats  Stats

	// order is the table sorted by prefix, rebuilt only when an entry
	// was added or deleted since (orderDirty) and someone asks for it.
	order      []*entry
	orderDirty bool
	// changed lists the entries marked changed since the last update.
	changed []*entry
	// deadlines is a min-heap of the entries with a timer running.
	deadlines deadlineHeap

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

type outPkt struct {
	ifi int
	dst netip.AddrPort
	b   []byte
}

type syncOp struct {
	del bool
	r   RouteInfo
}

type ifaceConf struct {
	name string
	cost uint8
	ll   netip.Addr
	mtu  int
}

// newCore returns a core for cfg, which must have its defaults filled in
// ([Config.withDefaults]).
func newCore(cfg Config, names []ifaceConf) *core {
	c := &core{cfg: cfg, table: make(map[netip.Prefix]*entry)}
	for i, ic := range names {
		c.ifaces = append(c.ifaces, &iface{idx: i, name: ic.name, cost: ic.cost, ll: ic.ll, mtu: ic.mtu, up: true, neighbors: make(map[netip.Addr]*neighbor)})
	}
	return c
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

func (c *core) isOwn(a netip.Addr) bool {
	for _, ifi := range c.ifaces {
		if ifi.ll == a {
			return true
		}
	}
	return false
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
