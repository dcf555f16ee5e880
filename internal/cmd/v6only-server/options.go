package v6onlyserver

import (
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/v6kit/v6kit/dhcpv4opt108"
	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/internal/netx"
)

// Lease time limits: option 51 is 32-bit seconds, and 0xffffffff means
// infinity (RFC 2132, Section 9.2), which this server does not hand out.
const (
	DefaultLeaseTime = time.Hour
	MinLeaseTime     = time.Minute
	MaxLeaseTime     = 0xfffffffe * time.Second
)

// maxDNS is how many addresses option 6 holds: 255 bytes of 4.
const maxDNS = 63

// Options configure Run; Command fills them from flags.
type Options struct {
	// Interface to serve on (-i).
	Interface string
	// Addr is the server's IPv4 address and prefix on the link; by
	// default it is read from Interface (the address whose subnet holds
	// the range). Tests serving Conn set it instead.
	Addr netip.Prefix
	// First and Last bound the address pool (-range FIRST-LAST).
	First, Last netip.Addr
	// Router is sent as option 3 (-router); none when invalid.
	Router netip.Addr
	// DNS is sent as option 6 (-dns); none when empty.
	DNS []netip.Addr
	// ServerID is option 54 (-server-id); default Addr's address.
	ServerID netip.Addr
	// Mask is the subnet mask's prefix length (option 1); 0 means Addr's.
	Mask int
	// V6OnlyWait is V6ONLY_WAIT in seconds (-v6only-wait; 0 sends 0).
	V6OnlyWait int64
	// ZeroYIAddr offers 0.0.0.0 and allocates nothing to clients that ask
	// for 108 (-zero-yiaddr).
	ZeroYIAddr bool
	// LeaseTime is option 51 (-lease; 0 means DefaultLeaseTime).
	LeaseTime time.Duration
	// Workers is the number of serving workers (-workers; 0 means
	// dhcpv4opt108.DefaultWorkers).
	Workers int
	// Leases is the lease file (-leases); empty keeps leases in memory.
	Leases string
	// JSON prints one JSON object per decision (-json).
	JSON bool
	// Quiet prints no per-decision line (-quiet), for load tests.
	Quiet bool
	// MemoryLimit, when positive, is the Go runtime's soft memory limit
	// while Run serves (the program sets DefaultMemoryLimit unless
	// GOMEMLIMIT is in its environment); 0 leaves the limit alone.
	MemoryLimit int64

	// Conn, when set, is served instead of a socket opened on Interface
	// (tests). Run does not close it.
	Conn net.PacketConn
	// Ready, when set, is called once the socket is open.
	Ready func()
}

// config is Options validated: everything a reply is built from.
type config struct {
	subnet     netip.Prefix // masked
	serverID   netip.Addr
	first      netip.Addr
	last       netip.Addr
	router     netip.Addr
	dns        []netip.Addr
	wait       dhcpv4opt108.Option
	zero       bool
	leaseTime  time.Duration
	workers    int
	leasesFile string
}

// interfaceAddrs returns the IPv4 addresses of the interface named name,
// with their prefixes: the facts validation needs, read before anything
// is opened.
func interfaceAddrs(name string) ([]netip.Prefix, error) {
	if err := netx.CheckName(name); err != nil {
		return nil, cli.Usagef("-i: %v", err)
	}
	ifi, err := netx.Interface(name)
	if err != nil {
		return nil, cli.Usagef("-i: %v", err)
	}
	as, err := ifi.Addrs()
	if err != nil {
		return nil, err
	}
	var ps []netip.Prefix
	for _, a := range as {
		n, ok := a.(*net.IPNet)
		if !ok || n.IP.To4() == nil {
			continue
		}
		ip, _ := netip.AddrFromSlice(n.IP.To4())
		ones, bits := n.Mask.Size()
		if bits == 8*net.IPv6len {
			ones -= 96
		}
		if ones >= 0 && ones <= 32 {
			ps = append(ps, netip.PrefixFrom(ip, ones))
		}
	}
	return ps, nil
}

func (o *Options) checkWorkersAndLease(flags bool) error {
	if o.Workers < 0 || o.Workers > dhcpv4opt108.MaxWorkers || flags && o.Workers == 0 {
		return cli.Usagef("-workers %d is out of range; give 1 to %d", o.Workers, dhcpv4opt108.MaxWorkers)
	}
	if flags && o.LeaseTime == 0 || o.LeaseTime < 0 {
		return cli.Usagef("-lease %v is not a positive time; give e.g. -lease 1h", o.LeaseTime)
	}
	return nil
}

// validate checks o against the interface's IPv4 addresses (ifAddrs) and
// returns the configuration every reply is built from. It is pure.
func (o *Options) validate(ifAddrs []netip.Prefix) (*config, error) {
	if err := o.checkWorkersAndLease(false); err != nil {
		return nil, err
	}
	c := &config{first: o.First, last: o.Last, router: o.Router, zero: o.ZeroYIAddr, workers: o.Workers,
		leaseTime: o.LeaseTime, leasesFile: o.Leases, dns: o.DNS}
	if c.workers == 0 {
		c.workers = dhcpv4opt108.DefaultWorkers
	}
	if c.leaseTime == 0 {
		c.leaseTime = DefaultLeaseTime
	}
	switch {
	case c.leaseTime < MinLeaseTime || c.leaseTime > MaxLeaseTime:
		return nil, cli.Usagef("-lease %v is out of range; give %v to %v", c.leaseTime, MinLeaseTime, MaxLeaseTime)
	case c.leaseTime%time.Second != 0:
		return nil, cli.Usagef("-lease %v is not whole seconds; option 51 carries seconds", c.leaseTime)
	}
	if !o.First.Is4() || !o.Last.Is4() || o.Last.Less(o.First) {
		return nil, cli.Usagef("-range is required; give FIRST-LAST, e.g. -range 192.0.2.100-192.0.2.200")
	}
	var err error
	if c.wait, err = dhcpv4opt108.FromSeconds(o.V6OnlyWait); err != nil {
		return nil, cli.Usagef("-v6only-wait %d is out of range; give 0 to 4294967295 seconds (1800 is RFC 8925's default)", o.V6OnlyWait)
	}
	if o.Mask < 0 || o.Mask > 31 {
		return nil, cli.Usagef("-mask %d is out of range; give a prefix length from 1 to 31", o.Mask)
	}
	// The server's own address: the interface's whose subnet holds the range.
	name := o.Interface
	if name == "" {
		name = "the link"
	}
	if len(ifAddrs) == 0 {
		return nil, cli.Usagef("interface %q has no IPv4 address; add one (ip addr add 192.0.2.1/24 dev %s) before serving", name, name)
	}
	var own netip.Prefix
	for _, p := range ifAddrs {
		bits := p.Bits()
		if o.Mask != 0 {
			bits = o.Mask
		}
		if q := netip.PrefixFrom(p.Addr(), bits).Masked(); q.Contains(o.First) && q.Contains(o.Last) {
			own = netip.PrefixFrom(p.Addr(), bits)
			break
		}
	}
	if !own.IsValid() {
		return nil, cli.Usagef("-range %v-%v is outside %s's subnets (%s); give addresses inside one", o.First, o.Last, name, prefixList(ifAddrs, o.Mask))
	}
	if own.Bits() > 31 {
		return nil, cli.Usagef("%s's address %v leaves no address for clients; give -mask 1 to 31", name, own)
	}
	c.subnet = own.Masked()
	network, bcast := c.subnet.Addr(), lastAddr(c.subnet)
	usable := func(a netip.Addr) bool {
		return c.subnet.Contains(a) && (c.subnet.Bits() == 31 || a != network && a != bcast)
	}
	inRange := func(a netip.Addr) bool { return !a.Less(o.First) && !o.Last.Less(a) }
	if !usable(o.First) || !usable(o.Last) {
		return nil, cli.Usagef("-range %v-%v includes the network or broadcast address of %v; give host addresses only", o.First, o.Last, c.subnet)
	}
	c.serverID = own.Addr()
	if o.ServerID.IsValid() {
		if !slices.ContainsFunc(ifAddrs, func(p netip.Prefix) bool { return p.Addr() == o.ServerID }) {
			return nil, cli.Usagef("-server-id %v is not an address of %s; give %v or omit it", o.ServerID, name, own.Addr())
		}
		c.serverID = o.ServerID
	}
	if inRange(c.serverID) {
		return nil, cli.Usagef("-range %v-%v includes the server's own address %v; leave it out", o.First, o.Last, c.serverID)
	}
	if o.Router.IsValid() {
		switch {
		case !o.Router.Is4():
			return nil, cli.Usagef("-router %v is not an IPv4 address; give one such as %v", o.Router, own.Addr())
		case !usable(o.Router):
			return nil, cli.Usagef("-router %v is not a host of the subnet %v; give a router on the link", o.Router, c.subnet)
		case inRange(o.Router):
			return nil, cli.Usagef("-router %v is inside -range %v-%v; leave it out of the pool", o.Router, o.First, o.Last)
		}
	}
	if len(o.DNS) > maxDNS {
		return nil, cli.Usagef("-dns has %d addresses; option 6 holds at most %d", len(o.DNS), maxDNS)
	}
	for i, a := range o.DNS {
		switch {
		case !a.Is4() || a.IsUnspecified() || a.IsMulticast() || a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
			return nil, cli.Usagef("-dns %v is not a unicast IPv4 address; give a DNS server's address", a)
		case slices.Contains(o.DNS[:i], a):
			return nil, cli.Usagef("-dns lists %v twice; give each server once", a)
		}
	}
	return c, nil
}

func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := (uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])) | host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

func prefixList(ps []netip.Prefix, mask int) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		if mask != 0 {
			p = netip.PrefixFrom(p.Addr(), mask)
		}
		s[i] = p.Masked().String()
	}
	return strings.Join(s, ", ")
}
