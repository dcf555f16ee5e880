package ripng

import (
	"net/netip"
	"time"
)

// RouteInfo is one route as a speaker's table holds it (like
// `birdc show route`).
type RouteInfo struct {
	Prefix    netip.Prefix
	NextHop   netip.Addr // the router to forward to (learned routes)
	Metric    uint8
	Tag       uint16
	Interface string     // learned on (or static next hop's interface)
	From      netip.Addr // the neighbour that advertised it
	Source    string     // "rip" or "static"
	Updated   time.Time
	Age       time.Duration
}

// InterfaceInfo is one interface as `birdc show rip interfaces` shows it.
type InterfaceInfo struct {
	Name       string
	Up         bool
	Cost       uint8
	LinkLocal  netip.Addr
	Neighbors  int
	NextUpdate time.Time
}

// NeighborInfo is one neighbour as `birdc show rip neighbors` shows it.
type NeighborInfo struct {
	Addr       netip.Addr
	Interface  string
	Routes     int
	LastSeen   time.Time
	BadPackets uint64
	BadRoutes  uint64
}

// Stats counts what a speaker has seen and done.
type Stats struct {
	PacketsReceived    uint64 // datagrams from others
	OwnPackets         uint64 // datagrams from our own addresses (or on a down interface), ignored
	BadPackets         uint64 // dropped whole: malformed, wrong port, non-link-local source, hop limit
	BadRoutes          uint64 // entries dropped one by one (RFC 2080 §2.4.2)
	RequestsReceived   uint64
	ResponsesReceived  uint64 // accepted responses
	RequestsSent       uint64
	ResponsesSent      uint64
	PeriodicUpdates    uint64
	TriggeredUpdates   uint64
	Timeouts           uint64 // routes that timed out after 180 s
	RouteLimitDrops    uint64 // new routes refused by Config.RouteLimit
	NeighborLimitDrops uint64 // new neighbours not tracked because of Config.NeighborLimit
	SendErrors         uint64
}

// Routes returns the table, sorted by prefix.
func (s *Speaker) Routes() []RouteInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	var rs []RouteInfo
	for _, e := range s.c.sorted() {
		rs = append(rs, s.c.info(e, now))
	}
	return rs
}

// Interfaces returns the interfaces in configuration order.
func (s *Speaker) Interfaces() []InterfaceInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	var is []InterfaceInfo
	for _, ifi := range s.c.ifaces {
		is = append(is, InterfaceInfo{Name: ifi.name, Up: ifi.up, Cost: ifi.cost, LinkLocal: ifi.ll, Neighbors: len(ifi.neighbors), NextUpdate: s.c.nextPeriodic})
	}
	return is
}

// Neighbors returns the neighbours, by interface then address.
func (s *Speaker) Neighbors() []NeighborInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ns []NeighborInfo
	for _, ifi := range s.c.ifaces {
		start := len(ns)
		for _, n := range ifi.neighbors {
			ni := NeighborInfo{Addr: n.addr, Interface: ifi.name, LastSeen: n.lastSeen, BadPackets: n.badPackets, BadRoutes: n.badRoutes}
			for _, e := range s.c.table {
				if e.ifi == ifi && e.from == n.addr && !e.static && e.metric < Infinity {
					ni.Routes++
				}
			}
			ns = append(ns, ni)
		}
		sortNeighbors(ns[start:])
	}
	return ns
}

// Stats returns the counters.
func (s *Speaker) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.c.stats
}
