package discover

import (
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/v6kit/v6kit/slaac"
)

// Method is a set of discovery techniques.
type Method uint16

// Techniques. Their names (String) are the "methods" of v6disc's JSON.
const (
	// MethodEcho: Echo Request to ff02::1 (RFC 4443, Section 4.1) from the
	// link-local and from every global and ULA source.
	MethodEcho Method = 1 << iota
	// MethodInvalidDst: a Destination Options header with unknown option
	// 0x80 on an ICMPv6 message of unknown type, to ff02::1; every node
	// answers Parameter Problem, code 2 (RFC 8200, Section 4.2), even one
	// that drops or ignores echo.
	MethodInvalidDst
	// MethodMLD: an MLDv2 General Query with Router Alert (RFC 3810,
	// Section 5.1); nodes answer with listener reports.
	MethodMLD
	// MethodNS: Neighbor Solicitations for EUI-64 guesses in every known
	// prefix and for every link-local seen (RFC 4861, Section 7.2.2).
	MethodNS
	// MethodNeighbor: the kernel's neighbour cache.
	MethodNeighbor
	// MethodRA: Router Advertisements, solicited at scan start.
	MethodRA
	// MethodPassive: NDP traffic other nodes sent during the scan.
	MethodPassive

	// MethodsAll is every technique.
	MethodsAll = MethodEcho | MethodInvalidDst | MethodMLD | MethodNS | MethodNeighbor | MethodRA | MethodPassive
	// methodsActive are the techniques that show a host is up now.
	methodsActive = MethodsAll &^ MethodNeighbor
)

var methodNames = [...]string{"echo", "invalid-dst", "mld", "ns", "neighbor", "ra", "passive"}

// Names returns the techniques' names in a fixed order.
func (m Method) Names() []string {
	names := []string{}
	for i, n := range methodNames {
		if m&(1<<i) != 0 {
			names = append(names, n)
		}
	}
	return names
}

// String joins Names with ",".
func (m Method) String() string { return strings.Join(m.Names(), ",") }

// ParseMethods parses a comma-separated list of technique names.
func ParseMethods(s string) (Method, bool) {
	var m Method
	for _, f := range strings.Split(s, ",") {
		i := slices.Index(methodNames[:], strings.TrimSpace(f))
		if i < 0 {
			return 0, false
		}
		m |= 1 << i
	}
	return m, true
}

// Addr is one address of a host and how it was found. Fields that
// describe one address go here, so that every Host, Event and Change
// carries them.
type Addr struct {
	// Addr is the address. A link-local one is zoned with the scanner's
	// interface index ("fe80::2%3"): dial it as it is. The index, never
	// the name, because Go caches interface names process-wide whatever
	// network namespace a thread is in; net.InterfaceByIndex names it.
	Addr    netip.Addr
	Methods Method
	RTT     time.Duration // first answer's round trip; 0 when not timed (neighbour cache, passive)
	// Kind says how the address's interface identifier was formed, as
	// far as a neighbour can tell from outside: slaac.Classify with the
	// host's MAC and its other addresses found so far (no secrets, no
	// kernel flags). So an address is slaac.KindEUI64 when it is the
	// MAC's EUI-64, slaac.KindLikelyTemporary when it is opaque beside
	// the host's EUI-64 address in the same /64, and slaac.KindOpaque
	// when nothing tells stable-privacy from temporary. A snapshot's
	// kinds are recomputed each time, so a later address can change an
	// earlier one's kind (opaque → likely-temporary).
	Kind slaac.Kind
}

// A Host is one MAC on the link and everything found for it.
type Host struct {
	MAC     net.HardwareAddr
	Vendor  string // from the IEEE registry; LocallyAdministered or "" when unknown
	Addrs   []Addr // link-local first, then by address
	Methods Method // union of the addresses' (and MAC-only sightings')
	Router  bool   // sent a Router Advertisement or an NA with the R flag, or the cache says so
	RTT     time.Duration
}

// clone deep-copies h so yielded snapshots never change.
func (h *Host) clone() Host {
	c := *h
	c.MAC = slices.Clone(h.MAC)
	c.Addrs = slices.Clone(h.Addrs)
	setKinds(c.Addrs, c.MAC)
	return c
}

// setKinds sets each address's Kind from the MAC and the other addresses.
func setKinds(addrs []Addr, mac net.HardwareAddr) {
	var buf [8]netip.Addr
	siblings := buf[:0]
	for _, a := range addrs {
		siblings = append(siblings, a.Addr)
	}
	for i := range addrs {
		addrs[i].Kind = slaac.Classify(addrs[i].Addr, slaac.Evidence{MAC: mac, Siblings: siblings})
	}
}

// Has reports whether h has address a, zone aside: a link-local address
// found by a scan is zoned with the interface index, one from elsewhere
// (a configuration, a prediction) usually is not.
func (h Host) Has(a netip.Addr) bool {
	a = a.WithZone("")
	for _, x := range h.Addrs {
		if x.Addr.WithZone("") == a {
			return true
		}
	}
	return false
}

// sortAddrs puts link-local addresses first, then the rest by address.
func sortAddrs(as []Addr) {
	slices.SortFunc(as, func(a, b Addr) int {
		al, bl := a.Addr.IsLinkLocalUnicast(), b.Addr.IsLinkLocalUnicast()
		switch {
		case al && !bl:
			return -1
		case bl && !al:
			return 1
		}
		return a.Addr.Compare(b.Addr)
	})
}

// table groups observations by MAC.
type table struct {
	hosts   map[string]*Host
	own     map[netip.Addr]bool
	vendors func() *Vendors
	zone    string // for link-local addresses: the scanner's interface index
}

func newTable(own []netip.Addr, v func() *Vendors, zone string) *table {
	t := &table{hosts: map[string]*Host{}, own: map[netip.Addr]bool{}, vendors: v, zone: zone}
	for _, a := range own {
		t.own[a.WithZone("")] = true
	}
	return t
}

// usable reports whether a is a host address worth listing.
func usable(a netip.Addr) bool {
	return a.Is6() && !a.Is4In6() && !a.IsMulticast() && !a.IsUnspecified() && !a.IsLoopback() &&
		(a.IsLinkLocalUnicast() || a.IsGlobalUnicast())
}

// sighting is what one observation changed.
type sighting struct {
	changed   bool // anything but an RTT: worth a new snapshot
	newMAC    bool // the host is new
	newAddr   bool // Addr is new to the host
	newRouter bool // the host is now known to route
	addr      Addr // the address observed (zoned if link-local), when valid
}

// news reports whether the sighting taught the scan something it looks
// for: a host, an address, that a host routes.
func (s sighting) news() bool { return s.newMAC || s.newAddr || s.newRouter }

// observe records one sighting. It returns the host (nil when the
// sighting is not of another host) and what changed.
func (t *table) observe(mac net.HardwareAddr, a netip.Addr, m Method, rtt time.Duration, router bool) (h *Host, s sighting) {
	if len(mac) != 6 || mac[0]&1 != 0 {
		return nil, s
	}
	a = a.WithZone("")
	if a.IsValid() && (!usable(a) || t.own[a]) {
		if t.own[a] {
			return nil, s
		}
		a = netip.Addr{}
	}
	if a.IsLinkLocalUnicast() {
		a = a.WithZone(t.zone)
	}
	key := string(mac)
	h = t.hosts[key]
	if h == nil {
		var v *Vendors
		if t.vendors != nil {
			v = t.vendors()
		}
		h = &Host{MAC: slices.Clone(mac), Vendor: v.Name(mac)}
		t.hosts[key] = h
		s.changed, s.newMAC = true, true
	}
	if router && !h.Router {
		h.Router, s.changed, s.newRouter = true, true, true
	}
	if h.Methods|m != h.Methods {
		h.Methods, s.changed = h.Methods|m, true
	}
	if rtt > 0 && (h.RTT == 0 || rtt < h.RTT) {
		h.RTT = rtt
	}
	if !a.IsValid() {
		return h, s
	}
	for i := range h.Addrs {
		if h.Addrs[i].Addr == a {
			if h.Addrs[i].Methods|m != h.Addrs[i].Methods {
				h.Addrs[i].Methods, s.changed = h.Addrs[i].Methods|m, true
			}
			if rtt > 0 && (h.Addrs[i].RTT == 0 || rtt < h.Addrs[i].RTT) {
				h.Addrs[i].RTT = rtt
			}
			s.addr = h.Addrs[i]
			return h, s
		}
	}
	s.addr = Addr{Addr: a, Methods: m, RTT: rtt}
	h.Addrs = append(h.Addrs, s.addr)
	sortAddrs(h.Addrs)
	s.changed, s.newAddr = true, true
	return h, s
}
