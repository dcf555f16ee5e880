package ripng

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// RTE is one route table entry (RFC 2080 §2.1): a route (Prefix, Tag,
// Metric 1–16) or, when Metric is [MetricNextHop], a next-hop entry
// (RFC 2080 §2.1.1) whose Prefix.Addr() is the next hop for the routes that
// follow it, :: meaning the sender. Use [NextHopRTE] to make one.
type RTE struct {
	Prefix netip.Prefix
	Tag    uint16
	Metric uint8
}

// NextHopRTE returns the next-hop entry for nh (RFC 2080 §2.1.1); :: means
// the sender of the message.
func NextHopRTE(nh netip.Addr) RTE {
	return RTE{Prefix: netip.PrefixFrom(nh, 0), Metric: MetricNextHop}
}

// IsNextHop reports whether e is a next-hop entry.
func (e RTE) IsNextHop() bool { return e.Metric == MetricNextHop }

// NextHop returns the next hop a next-hop entry carries.
func (e RTE) NextHop() netip.Addr { return e.Prefix.Addr() }

func (e RTE) isWholeTable() bool {
	return e.Metric == Infinity && e.Prefix.Bits() == 0 && e.Prefix.Addr() == netip.IPv6Unspecified() && e.Tag == 0
}

func (e RTE) String() string {
	if e.IsNextHop() {
		return "nexthop " + e.NextHop().String()
	}
	return fmt.Sprintf("%v tag %d metric %d", e.Prefix, e.Tag, e.Metric)
}

// Validate checks e as an entry of a message with command c, as a receiver
// does per entry (RFC 2080 §2.4.2): a valid IPv6 prefix of length 0–128
// without host bits; in responses a metric of 1–16 and a prefix that is
// neither multicast nor link-local. A next-hop entry must carry :: or a
// link-local address. Request entries are not checked for metric or scope:
// the responder fills in the metric (RFC 2080 §2.4.1).
func (e RTE) Validate(c Command) error {
	a := e.Prefix.Addr()
	if !a.Is6() || a.Zone() != "" {
		if e.IsNextHop() {
			return ErrNextHop
		}
		return ErrPrefixLength
	}
	if e.IsNextHop() {
		if a != netip.IPv6Unspecified() && !a.IsLinkLocalUnicast() {
			return ErrNextHop
		}
		return nil
	}
	if !e.Prefix.IsValid() {
		return ErrPrefixLength
	}
	a16 := a.As16()
	return checkRoute(binary.BigEndian.Uint64(a16[:8]), binary.BigEndian.Uint64(a16[8:]), uint8(e.Prefix.Bits()), e.Metric, c)
}
