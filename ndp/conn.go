package ndp

import (
	"fmt"
	"net"
	"net/netip"
	"time"

	mdndp "github.com/mdlayher/ndp"
	"golang.org/x/net/ipv6"
)

// sockKind names the sockets [dial] opens.
type sockKind uint8

const (
	sockICMP    sockKind = iota + 1 // an ICMPv6 socket (mdlayher/ndp) on an interface
	sockFrames                      // an AF_PACKET socket for whole IPv6 frames, all-multicast
	sockNetlink                     // an rtnetlink socket for the neighbour cache
)

// socket is what dial opened: one of its fields is set.
type socket struct {
	icmp   *mdndp.Conn
	src    netip.Addr // icmp's source address
	frames frameConn
	table  neighborSource
}

// frameConn is a packet socket for whole Ethernet frames.
type frameConn interface {
	ReadFrame(b []byte) (int, error)
	WriteFrame(b []byte) error
	SetReadDeadline(t time.Time) error
	Close() error
}

// neighborSource reads the kernel's neighbour cache and addresses;
// index 0 means every interface.
type neighborSource interface {
	neighbors(index int) ([]Neighbor, error)
	addrs(index int) ([]netip.Addr, error)
	Close() error
}

// errNilInterface is returned for a nil *net.Interface.
func errNilInterface(op string) error { return fmt.Errorf("ndp: %s: nil interface", op) }

// listenICMP opens an ICMPv6 socket on ifi that accepts only the types
// given, with hop limits reported.
func listenICMP(op string, ifi *net.Interface, accept ...ipv6.ICMPType) (*mdndp.Conn, netip.Addr, error) {
	s, err := dial(op, sockICMP, ifi)
	if err != nil {
		return nil, netip.Addr{}, err
	}
	c := s.icmp
	var f ipv6.ICMPFilter
	f.SetAll(true)
	for _, t := range accept {
		f.Accept(t)
	}
	if err := c.SetICMPFilter(&f); err != nil {
		c.Close()
		return nil, netip.Addr{}, fmt.Errorf("ndp: %s on interface %q: %w", op, ifi.Name, err)
	}
	if err := c.SetControlMessage(ipv6.FlagHopLimit, true); err != nil {
		c.Close()
		return nil, netip.Addr{}, fmt.Errorf("ndp: %s on interface %q: %w", op, ifi.Name, err)
	}
	return c, s.src, nil
}

// dialAdvertiser opens an Advertiser's socket: from ifi's link-local
// address, in all-routers, hearing solicitations.
func dialAdvertiser(ifi *net.Interface) (raConn, error) {
	const op = "advertiser"
	c, src, err := listenICMP(op, ifi, ipv6.ICMPTypeRouterSolicitation)
	if err != nil {
		return nil, err
	}
	if !src.IsLinkLocalUnicast() {
		c.Close()
		return nil, fmt.Errorf("ndp: %s on interface %q: no usable link-local address (RFC 4861 6.1.2 needs one); wait for DAD or add one", op, ifi.Name)
	}
	if err := c.JoinGroup(allRouters); err != nil {
		c.Close()
		return nil, fmt.Errorf("ndp: %s on interface %q: join ff02::2: %w", op, ifi.Name, err)
	}
	return c, nil
}
