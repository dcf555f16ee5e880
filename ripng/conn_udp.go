package ripng

import (
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/v6kit/v6kit/internal/netx"
	"golang.org/x/net/ipv6"
)

// Conn is a RIPng socket on one Linux interface (a [PacketConn]): UDP port
// 521 on that interface only (SO_BINDTODEVICE), joined to ff02::9, sending
// with hop limit 255 (multicast and unicast) from the interface's
// link-local address set explicitly on every datagram (IPV6_PKTINFO), and
// reporting each datagram's destination and hop limit (RFC 2080 §2.4–2.5).
type Conn struct {
	c   *net.UDPConn
	pc  *ipv6.PacketConn
	ifi *net.Interface
	ll  netip.Addr
}

var _ PacketConn = (*Conn)(nil)

// Listen opens the RIPng socket on ifname, in the caller's network
// namespace. The interface must have a link-local address. Several Conns
// (one per interface) can be open at once.
// Close it when done.
func Listen(ifname string) (*Conn, error) {
	ifi, err := netx.Interface(ifname)
	if err != nil {
		return nil, fmt.Errorf("ripng: %w", err)
	}
	ll, err := linkLocal(ifi)
	if err != nil {
		return nil, err
	}
	uc, err := listenUDP(ifname)
	if err != nil {
		return nil, fmt.Errorf("ripng: listen on interface %q: %w", ifname, err)
	}
	c := &Conn{c: uc, ifi: ifi, ll: ll}
	c.pc = ipv6.NewPacketConn(c.c)
	if err := c.setup(); err != nil {
		c.c.Close()
		return nil, fmt.Errorf("ripng: listen on interface %q: %w", ifname, err)
	}
	return c, nil
}

func (c *Conn) setup() error {
	// By index: x/net resolves a name in whichever namespace it runs.
	ifi := netx.ByIndex(c.ifi)
	if err := c.pc.JoinGroup(ifi, &net.UDPAddr{IP: AllRIPRouters().AsSlice()}); err != nil {
		return fmt.Errorf("join ff02::9: %w", err)
	}
	if err := c.pc.SetMulticastHopLimit(255); err != nil {
		return err
	}
	if err := c.pc.SetHopLimit(255); err != nil {
		return err
	}
	if err := c.pc.SetMulticastLoopback(false); err != nil {
		return err
	}
	if err := c.pc.SetMulticastInterface(ifi); err != nil {
		return err
	}
	return c.pc.SetControlMessage(ipv6.FlagDst|ipv6.FlagHopLimit|ipv6.FlagInterface, true)
}

func linkLocal(ifi *net.Interface) (netip.Addr, error) {
	// The loopback never has one: telling its user to enable IPv6 on it
	// would send them looking for a fix that does not exist.
	if ifi.Flags&net.FlagLoopback != 0 {
		return netip.Addr{}, fmt.Errorf("ripng: interface %q is the loopback, which has no link-local address; RIPng runs on links with link-local addresses, so pick a LAN or WAN interface", ifi.Name)
	}
	addrs, err := ifi.Addrs()
	if err != nil {
		return netip.Addr{}, fmt.Errorf("ripng: addresses of interface %q: %w", ifi.Name, err)
	}
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok {
			if ip, ok := netip.AddrFromSlice(ipn.IP); ok && ip.Is6() && ip.IsLinkLocalUnicast() {
				return ip, nil
			}
		}
	}
	return netip.Addr{}, fmt.Errorf("ripng: interface %q has no IPv6 link-local address; bring it up with IPv6 enabled", ifi.Name)
}

// LinkLocal returns the interface's link-local address, the source of
// everything sent.
func (c *Conn) LinkLocal() netip.Addr { return c.ll }

// Interface returns the interface.
func (c *Conn) Interface() *net.Interface { return c.ifi }

// ReadPacket reads one datagram with its sender, destination and hop limit.
func (c *Conn) ReadPacket(b []byte) (int, PacketInfo, error) {
	for {
		n, cm, src, err := c.pc.ReadFrom(b)
		if err != nil {
			return 0, PacketInfo{}, err
		}
		ua, ok := src.(*net.UDPAddr)
		if !ok {
			continue
		}
		pi := PacketInfo{HopLimit: -1, Src: ua.AddrPort()}
		pi.Src = netip.AddrPortFrom(pi.Src.Addr().Unmap().WithZone(""), pi.Src.Port())
		if cm != nil {
			if cm.IfIndex != 0 && cm.IfIndex != c.ifi.Index {
				continue
			}
			pi.HopLimit = cm.HopLimit
			pi.Dst, _ = netip.AddrFromSlice(cm.Dst)
		}
		return n, pi, nil
	}
}

// WritePacket sends b to dst from port 521 and the link-local address,
// with hop limit 255.
func (c *Conn) WritePacket(b []byte, dst netip.AddrPort) error {
	cm := &ipv6.ControlMessage{HopLimit: 255, Src: c.ll.AsSlice(), IfIndex: c.ifi.Index}
	ua := &net.UDPAddr{IP: dst.Addr().AsSlice(), Port: int(dst.Port())}
	if dst.Addr().IsLinkLocalUnicast() || dst.Addr().IsLinkLocalMulticast() {
		// The index, not the name: a name would be resolved in the
		// namespace of whichever thread sends.
		ua.Zone = netx.Zone(c.ifi)
	}
	_, err := c.pc.WriteTo(b, cm, ua)
	return err
}

// SetReadDeadline ends blocked and later reads once t has passed.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.c.SetReadDeadline(t) }

// Close closes the socket.
func (c *Conn) Close() error { return c.c.Close() }
