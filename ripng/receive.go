package ripng

import (
	"net/netip"
	"time"
)

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
			return c.update(ifi, dst, c.sorted(), false)
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
