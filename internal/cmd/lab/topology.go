//go:build linux

package labcmd

import (
	"fmt"
	"net"
	"net/netip"
	"os/exec"
	"sync"
	"time"

	"github.com/v6kit/v6kit/internal/lab"
)

// The lab's addressing plan: documentation ranges only (RFC 3849, RFC 5737).
var (
	lanPrefix      = netip.MustParsePrefix("2001:db8:1:1::/64")
	lanULA         = netip.MustParsePrefix("fd00:db8:1:1::/64")
	upstreamPrefix = netip.MustParsePrefix("2001:db8:ff00::/48")
	// pref64 is network-specific: the lab's IPv4 internet uses
	// documentation ranges, which RFC 6052 (Section 3.1) keeps away from
	// the Well-Known Prefix 64:ff9b::/96 (tayga drops them).
	pref64        = netip.MustParsePrefix("2001:db8:64::/96")
	routerLL      = netip.MustParseAddr("fe80::1")
	upstreamLL    = netip.MustParseAddr("fe80::2")
	routerLANv4   = netip.MustParsePrefix("192.0.2.1/24")
	routerLANAddr = netip.MustParseAddr("2001:db8:1:1::1")
	routerLANULA  = netip.MustParseAddr("fd00:db8:1:1::1")
	// laptopSecret is the laptop's net.ipv6.conf.eth0.stable_secret.
	laptopSecret = netip.MustParseAddr("2001:db8:5ec:7e7::1")
)

// A host of the lab: a namespace on the LAN with a role.
type host struct {
	Role   string // "pi", "laptop", …
	Label  string // what the report calls it
	MAC    net.HardwareAddr
	NS     *lab.Netns
	IfName string
	// Mode is the kernel's addr_gen_mode: 0 EUI-64, 2 stable-privacy.
	Mode int
	// Temporary is use_tempaddr=2 (RFC 8981 temporary addresses).
	Temporary bool
	// IgnoreEcho is net.ipv6.icmp.echo_ignore_all=1.
	IgnoreEcho bool
	// NoIPv4 hosts never run DHCPv4.
	NoIPv4 bool
}

// network is the built lab: a LAN bridge, a router with a transit link to
// an upstream router, hosts, and an LXD host whose container sits on the
// LAN through a macvlan.
type network struct {
	l        *lab.Lab
	lanSw    *lab.Netns
	router   *lab.Netns
	upstream *lab.Netns
	hosts    []*host
	lxdHost  *host
	// container is the LXD host's macvlan container.
	container *host
	// mu guards stops and found: acts run concurrently.
	mu sync.Mutex
	// stops end what the acts started in this process (advertiser,
	// speakers, servers), last first, before the namespaces go.
	stops []func()
	// found is what the rescue act learned per MAC ("vendor, found by
	// …"), for the picture.
	found map[string]string
	// raSource names what sends the LAN's RAs; raAt is when it started.
	raSource string
	raAt     time.Time
	// brk is -break: how the mostly-v6 act's network is broken ("" for
	// not at all).
	brk string
}

// onStop registers what stop must end.
func (n *network) onStop(f func()) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.stops = append(n.stops, f)
}

// stop ends everything the acts started in this process.
func (n *network) stop() {
	n.mu.Lock()
	stops := n.stops
	n.stops = nil
	n.mu.Unlock()
	for i := len(stops) - 1; i >= 0; i-- {
		stops[i]()
	}
}

func (n *network) setFound(mac, what string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.found == nil {
		n.found = map[string]string{}
	}
	n.found[mac] = what
}

func (n *network) foundFor(mac string) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.found[mac]
}

func mustMAC(s string) net.HardwareAddr {
	m, err := net.ParseMAC(s)
	if err != nil {
		panic(err) // constants only
	}
	return m
}

// plannedHosts is the LAN's population, before any namespace exists.
func plannedHosts() []*host {
	return []*host{
		{Role: "pi", Label: "Raspberry Pi (EUI-64)", MAC: mustMAC("b8:27:eb:5a:11:0c"), Mode: 0},
		{Role: "laptop", Label: "laptop (stable-privacy + temporary)", MAC: mustMAC("3c:58:c2:0b:6e:21"), Mode: 2, Temporary: true},
		{Role: "iot", Label: "IoT plug (ignores echo)", MAC: mustMAC("24:0a:c4:9e:33:70"), Mode: 0, IgnoreEcho: true},
		{Role: "lost", Label: "lost device (no IPv4)", MAC: mustMAC("00:1b:21:4c:2d:7e"), Mode: 0, NoIPv4: true},
	}
}

const (
	lxdHostMAC   = "dc:a6:32:01:02:03" // a Raspberry Pi 4 running LXD
	containerMAC = "00:16:3e:65:2b:99" // LXD's range, as in the seed
)

// build creates every namespace and link. Addresses form later, when the
// router advertises; build leaves host links down until their sysctls are
// set, then up.
func build(l *lab.Lab) (*network, error) {
	n := &network{l: l}
	var err error
	if n.lanSw, err = l.Namespace("lan"); err != nil {
		return nil, err
	}
	if err := n.lanSw.Bridge("br0", false); err != nil {
		return nil, err
	}
	if n.router, err = l.Namespace("router"); err != nil {
		return nil, err
	}
	if n.upstream, err = l.Namespace("upstream"); err != nil {
		return nil, err
	}

	// Router: eth0 on the LAN, eth1 on the transit link to upstream.
	if err := l.Attach(n.router, "eth0", n.lanSw, "br0", "p-router"); err != nil {
		return nil, err
	}
	if err := n.router.SetMAC("eth0", mustMAC("02:00:5e:10:00:01")); err != nil {
		return nil, err
	}
	if err := n.router.StaticLinkLocal("eth0", routerLL); err != nil {
		return nil, err
	}
	for _, p := range []netip.Prefix{netip.PrefixFrom(routerLANAddr, 64), netip.PrefixFrom(routerLANULA, 64), routerLANv4} {
		if err := n.router.AddAddr("eth0", p); err != nil {
			return nil, err
		}
	}
	if err := l.Veth(n.router, "eth1", n.upstream, "eth0"); err != nil {
		return nil, err
	}
	if err := n.router.StaticLinkLocal("eth1", routerLL); err != nil {
		return nil, err
	}
	if err := n.upstream.StaticLinkLocal("eth0", upstreamLL); err != nil {
		return nil, err
	}
	if err := n.router.Sysctl("net.ipv6.conf.all.forwarding", "1"); err != nil {
		return nil, err
	}

	for i, h := range plannedHosts() {
		if h.NS, err = l.Namespace(h.Role); err != nil {
			return nil, err
		}
		h.IfName = "eth0"
		if err := l.Attach(h.NS, "eth0", n.lanSw, "br0", fmt.Sprintf("p%d", i)); err != nil {
			return nil, err
		}
		if err := configureHost(h); err != nil {
			return nil, err
		}
		n.hosts = append(n.hosts, h)
	}

	// The LXD host and its macvlan container: the container's NIC is a
	// macvlan child of the LXD host's eth0, moved into its own namespace,
	// exactly what LXD's nictype macvlan does.
	lh := &host{Role: "lxdhost", Label: "LXD host", MAC: mustMAC(lxdHostMAC), IfName: "eth0"}
	if lh.NS, err = l.Namespace("lxdhost"); err != nil {
		return nil, err
	}
	if err := l.Attach(lh.NS, "eth0", n.lanSw, "br0", "p-lxd"); err != nil {
		return nil, err
	}
	if err := configureHost(lh); err != nil {
		return nil, err
	}
	n.lxdHost = lh
	ct := &host{Role: "container", Label: "LXD container (macvlan)", MAC: mustMAC(containerMAC), IfName: "eth0"}
	if ct.NS, err = l.Namespace("container"); err != nil {
		return nil, err
	}
	if err := lh.NS.IP("link", "add", "mv0", "link", "eth0", "type", "macvlan", "mode", "bridge"); err != nil {
		return nil, err
	}
	if err := lh.NS.IP("link", "set", "mv0", "netns", ct.NS.Name); err != nil {
		return nil, err
	}
	if err := ct.NS.IP("link", "set", "mv0", "name", "eth0"); err != nil {
		return nil, err
	}
	if err := configureHost(ct); err != nil {
		return nil, err
	}
	n.container = ct
	return n, nil
}

// configureHost sets a host's MAC and IPv6 sysctls on its still-down link,
// then brings it up. Sysctls like stable_secret only take effect when set
// before the link comes up.
func configureHost(h *host) error {
	ns, ifn := h.NS, h.IfName
	if err := ns.SetMAC(ifn, h.MAC); err != nil {
		return err
	}
	set := func(k, v string) error { return ns.Sysctl("net.ipv6.conf."+ifn+"."+k, v) }
	// DAD takes a second per address; the lab's addresses are unique by
	// construction, and optimistic DAD keeps them usable at once.
	if err := set("dad_transmits", "1"); err != nil {
		return err
	}
	if err := set("optimistic_dad", "1"); err != nil {
		return err
	}
	if err := set("accept_ra", "2"); err != nil {
		return err
	}
	if h.Mode == 2 {
		if err := set("stable_secret", laptopSecret.String()); err != nil {
			return err
		}
	}
	if err := set("addr_gen_mode", fmt.Sprint(h.Mode)); err != nil {
		return err
	}
	if h.Temporary {
		if err := set("use_tempaddr", "2"); err != nil {
			return err
		}
	}
	if h.IgnoreEcho {
		if err := ns.Sysctl("net.ipv6.icmp.echo_ignore_all", "1"); err != nil {
			return err
		}
	}
	return ns.Up(ifn)
}

// all returns every LAN host, the LXD host and the container.
func (n *network) all() []*host {
	return append(append([]*host(nil), n.hosts...), n.lxdHost, n.container)
}

// byRole returns the host with that role.
func (n *network) byRole(role string) *host {
	for _, h := range n.all() {
		if h.Role == role {
			return h
		}
	}
	panic("lab: no host " + role) // roles are constants
}

// haveCommand reports whether a peer program is installed.
func haveCommand(name string) bool {
	_, err := exec.LookPath(name)
	return err == nil
}
