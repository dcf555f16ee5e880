package discover

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/v6kit/v6kit/internal/v6frame"
	"github.com/v6kit/v6kit/ndp"
)

// NewScanner opens a packet socket (CAP_NET_RAW) and a netlink socket on
// ifi, in the network namespace of the calling thread.
func NewScanner(ifi *net.Interface, o *Options) (*Scanner, error) {
	mac, ok := v6frame.MACFrom(ifi.HardwareAddr)
	if !ok {
		return nil, fmt.Errorf("discover: %s is not an Ethernet interface", ifi.Name)
	}
	nt, err := ndp.OpenNeighborTable()
	if err != nil {
		return nil, fmt.Errorf("discover: %w", err)
	}
	c, err := v6frame.Listen(ifi)
	if err != nil {
		nt.Close()
		return nil, fmt.Errorf("discover: %w", err)
	}
	e := env{
		mac:       mac,
		addrs:     func() ([]netip.Addr, error) { return nt.LocalAddrs(ifi) },
		neighbors: func() ([]ndp.Neighbor, error) { return nt.List(ifi, ndp.StatesUsable) },
	}
	s, err := newScanner(&sockets{Conn: c, nt: nt}, e, o)
	if err != nil {
		c.Close()
		nt.Close()
		return nil, err
	}
	return s, nil
}

type sockets struct {
	*v6frame.Conn
	nt *ndp.NeighborTable
}

func (s *sockets) Close() error { return errors.Join(s.Conn.Close(), s.nt.Close()) }
