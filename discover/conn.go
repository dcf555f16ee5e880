package discover

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/v6kit/v6kit/internal/netx"
	"github.com/v6kit/v6kit/internal/v6frame"
	"github.com/v6kit/v6kit/ndp"
)

// readBuffer is the packet socket's receive buffer: four answers from
// each of a thousand hosts in one burst, with room to spare.
const readBuffer = 8 << 20

// sockKind names the sockets [dial] opens.
type sockKind uint8

const (
	sockFrames sockKind = iota + 1 // an AF_PACKET socket for whole IPv6 frames, all-multicast
	sockUDP                        // a UDPv6 socket on the unspecified address
)

// socket is what dial opened: frames or udp is set.
type socket struct {
	frames   link
	wireless bool // frames' link has 802.11 stations on it (see env)
	udp      *net.UDPConn
}

// NewScanner opens a packet socket (CAP_NET_RAW) and a netlink socket on
// ifi, in the network namespace of the calling thread; Close releases them.
// A nil ifi, an interface without an Ethernet MAC and out-of-range options
// are errors, checked before anything opens.
func NewScanner(ifi *net.Interface, o *Options) (*Scanner, error) {
	if ifi == nil {
		return nil, errors.New("discover: nil interface")
	}
	if o != nil {
		if err := o.check(); err != nil {
			return nil, err
		}
	}
	mac, ok := v6frame.MACFrom(ifi.HardwareAddr)
	if !ok {
		return nil, fmt.Errorf("discover: interface %q is not an Ethernet interface", ifi.Name)
	}
	s, err := dial("scan", sockFrames, ifi)
	if err != nil {
		return nil, err
	}
	nt, err := ndp.OpenNeighborTable()
	if err != nil {
		s.frames.Close()
		return nil, fmt.Errorf("discover: %w", err)
	}
	e := env{
		mac:       mac,
		zone:      netx.Zone(ifi),
		wireless:  s.wireless,
		addrs:     func() ([]netip.Addr, error) { return nt.LocalAddrs(ifi) },
		neighbors: func() ([]ndp.Neighbor, error) { return nt.List(ifi, ndp.StatesUsable) },
	}
	sc, err := newScanner(&sockets{link: s.frames, nt: nt}, e, o)
	if err != nil {
		s.frames.Close()
		nt.Close()
		return nil, err
	}
	return sc, nil
}

// sockets are a Scanner's packet and netlink sockets, closed together.
type sockets struct {
	link
	nt *ndp.NeighborTable
}

func (s *sockets) Close() error { return errors.Join(s.link.Close(), s.nt.Close()) }
