package ripng

import (
	"cmp"
	"net/netip"
	"slices"
)

// Route is a route to advertise: a prefix with its metric and tag, and the
// next hop to advertise for it (:: or invalid: ourselves).
type Route struct {
	Prefix  netip.Prefix
	NextHop netip.Addr
	Tag     uint16
	Metric  uint8
}

// Packetize splits routes into response messages that each fit a link of
// the given MTU (RFC 2080 §2.1: 72 entries at 1500), next-hop entries
// counted. Routes are grouped by next hop, routes via ourselves first,
// each group after a next-hop entry (RFC 2080 §2.1.1); within a group the
// input order is kept. A next hop that is neither :: nor link-local is
// advertised as ourselves. Routes are validated as [RTE.Validate] does.
func Packetize(routes []Route, mtu int) ([]Message, error) {
	max := MaxEntries(mtu)
	if max < 2 {
		return nil, ErrMTU
	}
	sorted := make([]Route, len(routes))
	copy(sorted, routes)
	for i := range sorted {
		nh := sorted[i].NextHop.WithZone("")
		if !nh.IsLinkLocalUnicast() {
			nh = netip.IPv6Unspecified()
		}
		sorted[i].NextHop = nh
		e := RTE{Prefix: sorted[i].Prefix, Tag: sorted[i].Tag, Metric: sorted[i].Metric}
		if err := e.Validate(Response); err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(sorted, func(a, b Route) int { return cmp.Compare(nhKey(a.NextHop), nhKey(b.NextHop)) })

	var msgs []Message
	var cur *Message
	var curNH netip.Addr
	for _, r := range sorted {
		need := 1
		if cur == nil || r.NextHop != curNH {
			need = 2
		}
		if cur == nil || len(cur.Entries)+need > max {
			msgs = append(msgs, Message{Command: Response, Entries: make([]RTE, 0, min(max, len(sorted)+1))})
			cur = &msgs[len(msgs)-1]
			curNH = netip.IPv6Unspecified()
		}
		if r.NextHop != curNH {
			cur.Entries = append(cur.Entries, NextHopRTE(r.NextHop))
			curNH = r.NextHop
		}
		cur.Entries = append(cur.Entries, RTE{Prefix: r.Prefix, Tag: r.Tag, Metric: r.Metric})
	}
	return msgs, nil
}

// nhKey orders next hops: :: (ourselves) first, then by address.
func nhKey(a netip.Addr) string {
	if a == netip.IPv6Unspecified() {
		return ""
	}
	b := a.As16()
	return string(b[:])
}
