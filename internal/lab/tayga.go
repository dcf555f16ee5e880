//go:build linux

package lab

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
)

// TaygaConfig is a stateless NAT64 for a lab: Debian's tayga, in user
// space over a tun device (Jool needs a kernel module that cannot be
// loaded here). Each IPv6 host that sends through it gets an IPv4 address
// of Pool for two hours; the IPv4 side must route Pool back to this
// namespace (see docs/nat64.md).
type TaygaConfig struct {
	// Prefix is the NAT64 prefix (RFC 6052 lengths). With the Well-Known
	// Prefix 64:ff9b::/96 tayga refuses non-global IPv4 addresses, the
	// documentation ranges included: labs use a network-specific prefix.
	Prefix netip.Prefix
	// Pool is the dynamic pool (IPv4, /31 or shorter); Addr, tayga's own
	// IPv4 address, is its first address after the network's.
	Pool netip.Prefix
	// IPv6Addr is tayga's own IPv6 address (source of its ICMPv6 errors);
	// required because Addr is private, which a prefix cannot map.
	IPv6Addr netip.Addr
	// Tun names the tun device; default "nat64".
	Tun string
}

// StartTayga creates the tun device (tayga --mktun), brings it up, routes
// Prefix and Pool into it, and runs tayga in the foreground inside n, ready
// once the tun has a carrier (tayga opened it).
func (n *Netns) StartTayga(name string, c TaygaConfig) (*Daemon, error) {
	if c.Tun == "" {
		c.Tun = "nat64"
	}
	if !c.Pool.Addr().Is4() || !c.Prefix.Addr().Is6() || !c.IPv6Addr.Is6() {
		return nil, fmt.Errorf("lab: tayga: want an IPv4 pool, an IPv6 prefix and an IPv6 address; have %v, %v, %v", c.Pool, c.Prefix, c.IPv6Addr)
	}
	dir, err := os.MkdirTemp(n.lab.Dir, name+"-")
	if err != nil {
		return nil, fmt.Errorf("lab: tayga: %w", err)
	}
	addr := c.Pool.Masked().Addr().Next()
	conf := fmt.Sprintf("tun-device %s\nipv4-addr %s\nipv6-addr %s\nprefix %s\ndynamic-pool %s\ndata-dir %s\n",
		c.Tun, addr, c.IPv6Addr, c.Prefix, c.Pool.Masked(), dir)
	path := filepath.Join(dir, "tayga.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		return nil, fmt.Errorf("lab: tayga: %w", err)
	}
	if _, err := n.Output(context.Background(), "tayga", "-c", path, "--mktun"); err != nil {
		return nil, err
	}
	for _, args := range [][]string{
		{"link", "set", c.Tun, "up"},
		{"route", "add", c.Pool.Masked().String(), "dev", c.Tun},
		{"route", "add", c.Prefix.String(), "dev", c.Tun},
	} {
		if err := n.IP(args...); err != nil {
			return nil, err
		}
	}
	for _, k := range []string{"net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding"} {
		if err := n.Sysctl(k, "1"); err != nil {
			return nil, err
		}
	}
	return n.Start(DaemonSpec{
		Name: name,
		Args: []string{"tayga", "-c", path, "-d"},
		Ready: func(*Daemon) (bool, error) {
			out, err := run(context.Background(), "ip", "-n", n.Name, "-o", "link", "show", c.Tun)
			return err == nil && strings.Contains(string(out), "LOWER_UP"), nil
		},
	})
}
