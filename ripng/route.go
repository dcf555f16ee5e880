package ripng

import (
	"cmp"
	"net/netip"
	"slices"
	"time"
)

// entry is one route of the table: learned from a neighbour, or static.
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
	hidx    int       // index in core.deadlines, -1 when no timer runs
}

// add puts a new entry in the table.
func (c *core) add(e *entry) {
	e.hidx = -1
	c.table[e.prefix] = e
	c.orderDirty = true
	if !e.static {
		c.nrip++
	}
	c.schedule(e)
}

// remove deletes e from the table.
func (c *core) remove(e *entry) {
	delete(c.table, e.prefix)
	c.orderDirty = true
	if !e.static {
		c.nrip--
	}
	c.unschedule(e)
}

// replace overwrites e's route with r, keeping its place in the table.
func (c *core) replace(e *entry, r entry) {
	if e.static != r.static {
		if e.static {
			c.nrip++
		} else {
			c.nrip--
		}
	}
	r.hidx, r.changed = e.hidx, e.changed
	*e = r
	c.schedule(e)
}

// announce adds or replaces a static route.
func (c *core) announce(now time.Time, r Route) {
	if r.Metric == 0 {
		r.Metric = 1
	}
	s := entry{prefix: r.Prefix, created: now, static: true, metric: r.Metric, tag: r.Tag, updated: now}
	if r.NextHop.IsLinkLocalUnicast() && r.NextHop.Zone() != "" {
		for _, ifi := range c.ifaces {
			if ifi.name == r.NextHop.Zone() {
				s.ifi, s.nexthop = ifi, r.NextHop.WithZone("")
			}
		}
	}
	e := c.table[r.Prefix]
	if e == nil {
		e = &s
		c.add(e)
	} else {
		if !e.static {
			c.sync(true, e)
		}
		s.created = e.created
		c.replace(e, s)
	}
	c.markChanged(e)
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
	c.schedule(e)
	c.markChanged(e)
	if !e.static {
		c.sync(true, e)
	}
	c.trigger()
}

func (c *core) trigger() { c.trigPending = true }

func (c *core) markChanged(e *entry) {
	if !e.changed {
		e.changed = true
		c.changed = append(c.changed, e)
	}
}

func (c *core) clearChanged() {
	for _, e := range c.changed {
		e.changed = false
	}
	c.changed = c.changed[:0]
	c.trigPending = false
}

func (c *core) sync(del bool, e *entry) {
	if c.cfg.RouteSync == nil || e.static {
		return
	}
	c.syncs = append(c.syncs, syncOp{del: del, r: c.info(e, time.Time{})})
}

// learn applies one received route (metric already including the cost) to
// the table (RFC 2080 §2.4.2).
func (c *core) learn(now time.Time, ifi *iface, src, nh netip.Addr, p netip.Prefix, tag uint16, metric uint8) {
	r := c.table[p]
	if r != nil && r.static {
		if r.metric < Infinity || metric >= Infinity {
			return // our own route wins
		}
		// A withdrawn static route gives way to a learned one.
		c.remove(r)
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
		r = &entry{prefix: p, nexthop: nh, from: src, ifi: ifi, metric: metric, tag: tag, created: now, updated: now, expire: now.Add(c.cfg.Timeout)}
		c.add(r)
		c.markChanged(r)
		c.sync(false, r)
		c.trigger()
		return
	}
	same := r.ifi == ifi && r.from == src
	switch {
	case same:
		if metric < Infinity {
			r.expire, r.gcAt = now.Add(c.cfg.Timeout), time.Time{}
			c.schedule(r)
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
		r.metric, r.nexthop, r.tag, r.updated = metric, nh, tag, now
		c.markChanged(r)
		c.sync(false, r)
		c.trigger()
	case metric < r.metric,
		// Equal metric from another router while ours is halfway to
		// timing out: switch (RFC 2080 §2.4.2's heuristic).
		metric == r.metric && metric < Infinity && !r.expire.IsZero() && now.After(r.expire.Add(-c.cfg.Timeout/2)):
		if r.metric < Infinity && (r.ifi != ifi || r.nexthop != nh) {
			c.sync(true, r)
		}
		c.replace(r, entry{prefix: p, nexthop: nh, from: src, ifi: ifi, metric: metric, tag: tag, created: r.created, updated: now, expire: now.Add(c.cfg.Timeout)})
		c.markChanged(r)
		c.sync(false, r)
		c.trigger()
	}
}

// sorted returns the table sorted by prefix (shared: do not modify). It
// sorts only after entries were added or deleted.
func (c *core) sorted() []*entry {
	if c.orderDirty || len(c.order) != len(c.table) {
		c.order = c.order[:0]
		for _, e := range c.table {
			c.order = append(c.order, e)
		}
		sortEntries(c.order)
		c.orderDirty = false
	}
	return c.order
}

func sortEntries(es []*entry) {
	slices.SortFunc(es, func(a, b *entry) int {
		if n := a.prefix.Addr().Compare(b.prefix.Addr()); n != 0 {
			return n
		}
		return cmp.Compare(a.prefix.Bits(), b.prefix.Bits())
	})
}

func sortNeighbors(ns []NeighborInfo) {
	slices.SortFunc(ns, func(a, b NeighborInfo) int { return a.Addr.Compare(b.Addr) })
}
