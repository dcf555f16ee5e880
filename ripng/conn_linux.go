package ripng

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"syscall"

	"golang.org/x/net/ipv6"
	"golang.org/x/sys/unix"
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
func Listen(ifname string) (*Conn, error) {
	ifi, err := net.InterfaceByName(ifname)
	if err != nil {
		return nil, fmt.Errorf("ripng: listen: %w", err)
	}
	ll, err := linkLocal(ifi)
	if err != nil {
		return nil, err
	}
	lc := net.ListenConfig{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) {
			if serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); serr != nil {
				return
			}
			serr = unix.BindToDevice(int(fd), ifname)
		})
		return errors.Join(err, serr)
	}}
	pconn, err := lc.ListenPacket(context.Background(), "udp6", fmt.Sprintf("[::]:%d", Port))
	if err != nil {
		return nil, fmt.Errorf("ripng: listen on %s: %w", ifname, err)
	}
	c := &Conn{c: pconn.(*net.UDPConn), ifi: ifi, ll: ll}
	c.pc = ipv6.NewPacketConn(c.c)
	if err := c.setup(); err != nil {
		c.c.Close()
		return nil, fmt.Errorf("ripng: listen on %s: %w", ifname, err)
	}
	return c, nil
}

func (c *Conn) setup() error {
	if err := c.pc.JoinGroup(c.ifi, &net.UDPAddr{IP: AllRIPRouters().AsSlice()}); err != nil {
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
	if err := c.pc.SetMulticastInterface(c.ifi); err != nil {
		return err
	}
	return c.pc.SetControlMessage(ipv6.FlagDst|ipv6.FlagHopLimit|ipv6.FlagInterface, true)
}

func linkLocal(ifi *net.Interface) (netip.Addr, error) {
	addrs, err := ifi.Addrs()
	if err != nil {
		return netip.Addr{}, fmt.Errorf("ripng: addresses of %s: %w", ifi.Name, err)
	}
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok {
			if ip, ok := netip.AddrFromSlice(ipn.IP); ok && ip.Is6() && ip.IsLinkLocalUnicast() {
				return ip, nil
			}
		}
	}
	return netip.Addr{}, fmt.Errorf("ripng: %s has no IPv6 link-local address", ifi.Name)
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
		ua.Zone = strconv.Itoa(c.ifi.Index)
	}
	_, err := c.pc.WriteTo(b, cm, ua)
	return err
}

// Close closes the socket.
func (c *Conn) Close() error { return c.c.Close() }
