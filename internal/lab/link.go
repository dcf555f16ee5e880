//go:build linux

package lab

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"slices"
)

// Veth creates a veth pair with one end, aIf, in namespace a and the other,
// bIf, in namespace b. Both ends stay down, so sysctls that must be set
// before link up (stable_secret, addr_gen_mode) can still be set; call Up.
// The pair is created inside a, never in the root namespace.
func (l *Lab) Veth(a *Netns, aIf string, b *Netns, bIf string) error {
	return a.IP("link", "add", aIf, "type", "veth", "peer", "name", bIf, "netns", b.Name)
}

// Bridge creates a bridge in namespace n that behaves like an unmanaged
// switch: no STP, no forwarding delay, no multicast snooping (so every host
// sees every multicast, as on a cheap LAN). With hub set it also forgets
// MACs at once (ageing_time 0), so a capture on any port sees unicast too.
// IPv6 is disabled on the bridge itself so it never shows up as a host.
func (n *Netns) Bridge(name string, hub bool) error {
	args := []string{"link", "add", name, "type", "bridge", "mcast_snooping", "0", "stp_state", "0", "forward_delay", "0"}
	if hub {
		args = append(args, "ageing_time", "0")
	}
	if err := n.IP(args...); err != nil {
		return err
	}
	if err := n.Sysctl("net.ipv6.conf."+name+".disable_ipv6", "1"); err != nil {
		return err
	}
	return n.Up(name)
}

// Attach plugs host into the bridge in namespace sw: a veth pair with
// hostIf in host and port in sw, enslaved to bridge and up. hostIf stays
// down (see Veth).
func (l *Lab) Attach(host *Netns, hostIf string, sw *Netns, bridge, port string) error {
	if err := l.Veth(host, hostIf, sw, port); err != nil {
		return err
	}
	if err := sw.Sysctl("net.ipv6.conf."+port+".disable_ipv6", "1"); err != nil {
		return err
	}
	if err := sw.IP("link", "set", port, "master", bridge); err != nil {
		return err
	}
	return sw.Up(port)
}

// Up sets the interfaces up.
func (n *Netns) Up(ifnames ...string) error {
	for _, ifname := range ifnames {
		if err := n.IP("link", "set", ifname, "up"); err != nil {
			return err
		}
	}
	return nil
}

// SetMAC sets an interface's MAC address.
func (n *Netns) SetMAC(ifname string, mac net.HardwareAddr) error {
	return n.IP("link", "set", ifname, "address", mac.String())
}

// AddAddr adds an address with prefix length (as "2001:db8::1/64") without
// duplicate address detection, so it is usable at once.
func (n *Netns) AddAddr(ifname string, p netip.Prefix) error {
	args := []string{"addr", "add", p.String(), "dev", ifname}
	if p.Addr().Is6() {
		args = append(args, "nodad")
	}
	return n.IP(args...)
}

// StaticLinkLocal makes ifname's IPv6 usable at once with exactly one
// link-local address: no DAD, no kernel-generated link-local (addrgenmode
// none), then ll/64 added and the link set up.
func (n *Netns) StaticLinkLocal(ifname string, ll netip.Addr) error {
	if err := n.Sysctl("net.ipv6.conf."+ifname+".accept_dad", "0"); err != nil {
		return err
	}
	if err := n.IP("link", "set", ifname, "addrgenmode", "none"); err != nil {
		return err
	}
	if err := n.Up(ifname); err != nil {
		return err
	}
	return n.AddAddr(ifname, netip.PrefixFrom(ll, 64))
}

// Addr is one address as `ip -j addr` reports it.
type Addr struct {
	Prefix netip.Prefix
	Scope  string   // "link", "global", "host"
	Flags  []string // "tentative", "dadfailed", "temporary", "mngtmpaddr", "stable-privacy", "deprecated", …
	// ValidLft and PreferredLft are the remaining lifetimes in seconds;
	// 4294967295 means forever.
	ValidLft, PreferredLft uint64
}

// Has reports whether the address carries a flag.
func (a Addr) Has(flag string) bool { return slices.Contains(a.Flags, flag) }

// Addrs lists ifname's addresses of one family ("inet" or "inet6").
func (n *Netns) Addrs(ifname, family string) ([]Addr, error) {
	out, err := run(context.Background(), "ip", "-n", n.Name, "-j", "addr", "show", "dev", ifname)
	if err != nil {
		return nil, err
	}
	var links []struct {
		AddrInfo []map[string]any `json:"addr_info"`
	}
	if err := json.Unmarshal(out, &links); err != nil {
		return nil, fmt.Errorf("lab: parse ip -j addr: %w", err)
	}
	var addrs []Addr
	for _, l := range links {
		for _, ai := range l.AddrInfo {
			if ai["family"] != family {
				continue
			}
			local, _ := ai["local"].(string)
			plen, _ := ai["prefixlen"].(float64)
			a, err := netip.ParseAddr(local)
			if err != nil {
				return nil, fmt.Errorf("lab: parse address %q: %w", local, err)
			}
			addr := Addr{Prefix: netip.PrefixFrom(a, int(plen))}
			addr.Scope, _ = ai["scope"].(string)
			if v, ok := ai["valid_life_time"].(float64); ok {
				addr.ValidLft = uint64(v)
			}
			if v, ok := ai["preferred_life_time"].(float64); ok {
				addr.PreferredLft = uint64(v)
			}
			for k, v := range ai {
				if b, ok := v.(bool); ok && b {
					addr.Flags = append(addr.Flags, k)
				}
			}
			slices.Sort(addr.Flags)
			addrs = append(addrs, addr)
		}
	}
	return addrs, nil
}

// Interface returns the namespace's view of an interface (index, MAC, MTU).
func (n *Netns) Interface(ifname string) (*net.Interface, error) {
	var ifi *net.Interface
	err := n.Run(func() error {
		var err error
		ifi, err = net.InterfaceByName(ifname)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("lab: interface %s in %s: %w", ifname, n.Name, err)
	}
	return ifi, nil
}
