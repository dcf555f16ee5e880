package ndp

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net"
	"net/netip"
	"time"

	mdndp "github.com/mdlayher/ndp"
	"github.com/v6kit/v6kit/internal/netx"
	"github.com/v6kit/v6kit/internal/v6frame"
)

// SightingKind says which NDP message revealed a host.
type SightingKind uint8

// Kinds of sighting.
const (
	SawNS  SightingKind = iota + 1 // Neighbor Solicitation from an address
	SawNA                          // Neighbor Advertisement for its target
	SawRS                          // Router Solicitation
	SawRA                          // Router Advertisement
	SawDAD                         // duplicate address detection probe (NS from ::) for a tentative address
)

func (k SightingKind) String() string {
	switch k {
	case SawNS:
		return "NS"
	case SawNA:
		return "NA"
	case SawRS:
		return "RS"
	case SawRA:
		return "RA"
	case SawDAD:
		return "DAD"
	}
	return "unknown"
}

// A Sighting is one host seen in NDP traffic: an address it uses (or, for
// SawDAD, is about to use) and its MAC. MAC comes from the message's
// link-layer address option when present, else from the Ethernet source.
type Sighting struct {
	Time   time.Time
	Kind   SightingKind
	Addr   netip.Addr // may be invalid for an RS from ::
	MAC    net.HardwareAddr
	Router bool // sent an RA, or an NA with the R flag
}

// sight turns one parsed frame into a sighting. ok is false for frames
// that are not valid NDP (hop limit not 255, not NS/NA/RS/RA).
func sight(p *v6frame.Packet, now time.Time) (s Sighting, ok bool) {
	if p.HopLimit != HopLimit || len(p.ICMP) == 0 || p.ICMP[0] < 133 || p.ICMP[0] > 136 {
		return s, false
	}
	m, err := mdndp.ParseMessage(p.ICMP)
	if err != nil {
		return s, false
	}
	s = Sighting{Time: now, Addr: p.Src, MAC: p.SrcMAC.HardwareAddr()}
	var opts []mdndp.Option
	dir := mdndp.Source
	switch m := m.(type) {
	case *mdndp.NeighborSolicitation:
		s.Kind, opts = SawNS, m.Options
		if p.Src.IsUnspecified() {
			s.Kind, s.Addr = SawDAD, m.TargetAddress
		}
	case *mdndp.NeighborAdvertisement:
		s.Kind, s.Addr, s.Router, opts, dir = SawNA, m.TargetAddress, m.Router, m.Options, mdndp.Target
	case *mdndp.RouterSolicitation:
		s.Kind, opts = SawRS, m.Options
		if p.Src.IsUnspecified() {
			s.Addr = netip.Addr{}
		}
	case *mdndp.RouterAdvertisement:
		s.Kind, s.Router, opts = SawRA, true, m.Options
	}
	for _, o := range opts {
		if lla, ok := o.(*mdndp.LinkLayerAddress); ok && lla.Direction == dir && len(lla.Addr) == 6 {
			s.MAC = net.HardwareAddr{lla.Addr[0], lla.Addr[1], lla.Addr[2], lla.Addr[3], lla.Addr[4], lla.Addr[5]}
		}
	}
	if s.Addr.IsValid() && (s.Addr.IsMulticast() || s.Addr.IsUnspecified()) {
		return s, false
	}
	return s, true
}

// A Watcher listens passively to NDP traffic on one interface, through a
// packet socket in all-multicast mode (CAP_NET_RAW). Its socket belongs to
// the network namespace of the thread that called NewWatcher.
type Watcher struct {
	c    frameConn
	ifi  *net.Interface
	mine v6frame.MAC
}

// NewWatcher opens the watcher's socket on ifi; Close releases it.
func NewWatcher(ifi *net.Interface) (*Watcher, error) {
	if ifi == nil {
		return nil, errNilInterface("watch")
	}
	s, err := dial("watch", sockFrames, ifi)
	if err != nil {
		return nil, err
	}
	mine, _ := v6frame.MACFrom(ifi.HardwareAddr)
	return &Watcher{c: s.frames, ifi: ifi, mine: mine}, nil
}

// Close closes the socket; a running Sightings loop ends.
func (w *Watcher) Close() error { return w.c.Close() }

// Sightings yields a Sighting for every NS, NA, RS, RA and DAD probe
// another node sends, as it arrives. It stops when ctx ends or the watcher
// is closed (yielding no error for either) or the loop breaks; any other
// socket error is yielded once, last. Use one loop at a time.
func (w *Watcher) Sightings(ctx context.Context) iter.Seq2[Sighting, error] {
	return func(yield func(Sighting, error) bool) {
		stop := netx.CancelReads(ctx, w.c)
		defer stop()
		buf := make([]byte, max(w.ifi.MTU, 1500)+14)
		for ctx.Err() == nil {
			n, err := w.c.ReadFrame(buf)
			if err != nil {
				if ctx.Err() == nil && !errors.Is(err, net.ErrClosed) {
					yield(Sighting{}, fmt.Errorf("ndp: watch interface %q: %w", w.ifi.Name, err))
				}
				return
			}
			var p v6frame.Packet
			if v6frame.Parse(buf[:n], &p) != nil || p.SrcMAC == w.mine {
				continue
			}
			if s, ok := sight(&p, time.Now()); ok && !yield(s, nil) {
				return
			}
		}
	}
}
