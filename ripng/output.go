package ripng

import (
	"net/netip"
	"time"
)

// ifaceUp sends a whole-table request and a full update on ifi.
func (c *core) ifaceUp(now time.Time, ifi *iface) []outPkt {
	if !ifi.up {
		return nil
	}
	req := WholeTableRequest()
	b, _ := req.MarshalBinary()
	out := []outPkt{{ifi: ifi.idx, dst: allRIPRouters, b: b}}
	c.stats.RequestsSent++
	return append(out, c.update(ifi, allRIPRouters, c.sorted(), false)...)
}

var allRIPRouters = netip.AddrPortFrom(AllRIPRouters(), Port)

// updateAll sends es (sorted by prefix) on every interface that is up.
func (c *core) updateAll(es []*entry, poison bool) []outPkt {
	var out []outPkt
	for _, ifi := range c.ifaces {
		if ifi.up {
			out = append(out, c.update(ifi, allRIPRouters, es, poison)...)
		}
	}
	return out
}

// changedSorted returns the entries changed since the last update that are
// still in the table, sorted by prefix: a triggered update's content.
func (c *core) changedSorted() []*entry {
	es := make([]*entry, 0, len(c.changed))
	for _, e := range c.changed {
		if c.table[e.prefix] == e {
			es = append(es, e)
		}
	}
	sortEntries(es)
	return es
}

// update builds a response for ifi to dst carrying es (sorted by prefix),
// with split horizon and poisoned reverse applied (RFC 2080 §2.5); poison
// sets every metric to 16 (shutdown).
func (c *core) update(ifi *iface, dst netip.AddrPort, es []*entry, poison bool) []outPkt {
	routes := make([]Route, 0, len(es))
	for _, e := range es {
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

func (c *core) exportable(e *entry) bool {
	return c.cfg.Export == nil || c.cfg.Export(c.info(e, time.Time{}))
}

// shutdown returns the final update: every route we advertise, poisoned.
func (c *core) shutdown() []outPkt {
	return c.updateAll(c.sorted(), true)
}
