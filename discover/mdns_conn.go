package discover

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/v6kit/v6kit/internal/netx"
	"golang.org/x/net/ipv6"
)

// MDNS is a socket for mDNS one-shot queries (RFC 6762, Section 5.1) on
// one interface. Open it in the network namespace you mean: it belongs to
// the calling thread's. One query runs at a time.
type MDNS struct {
	c      *net.UDPConn
	ifname string
	group  *net.UDPAddr
}

// ListenMDNS opens an MDNS socket on ifi; Close releases it.
func ListenMDNS(ifi *net.Interface) (*MDNS, error) {
	if ifi == nil {
		return nil, errors.New("discover: mdns: nil interface")
	}
	s, err := dial("mdns", sockUDP, ifi)
	if err != nil {
		return nil, err
	}
	c := s.udp
	pc := ipv6.NewPacketConn(c)
	// The interface by index: zone names are cached per process, not per
	// network namespace.
	if err := pc.SetMulticastInterface(netx.ByIndex(ifi)); err != nil {
		c.Close()
		return nil, fmt.Errorf("discover: mdns on interface %q: %w", ifi.Name, err)
	}
	_ = pc.SetMulticastHopLimit(255) // RFC 6762 Section 11
	return &MDNS{c: c, ifname: ifi.Name, group: &net.UDPAddr{IP: MDNSGroup.AsSlice(), Port: MDNSPort, Zone: netx.Zone(ifi)}}, nil
}

// Close closes the socket.
func (m *MDNS) Close() error { return m.c.Close() }

// Names asks the mDNS responders on ifi's link for the names of addrs; see
// [MDNS.Names]. It opens and closes its own socket.
func Names(ctx context.Context, ifi *net.Interface, addrs []netip.Addr, wait time.Duration) (map[netip.Addr]string, error) {
	if wait < 0 {
		return nil, fmt.Errorf("discover: mdns: negative wait %v", wait)
	}
	m, err := ListenMDNS(ifi)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	return m.Names(ctx, addrs, wait)
}

// Names sends reverse PTR questions for addrs in one-shot queries (sent
// twice in case the first is lost) and collects the answers for wait, or
// until every address has a name or ctx ends. Hosts without a responder
// simply have no name. The map's keys are the addresses as given, zone
// included (a scan's link-locals carry one).
func (m *MDNS) Names(ctx context.Context, addrs []netip.Addr, wait time.Duration) (map[netip.Addr]string, error) {
	if wait < 0 {
		return nil, fmt.Errorf("discover: mdns: negative wait %v", wait)
	}
	names := map[netip.Addr]string{}
	if len(addrs) == 0 {
		return names, nil
	}
	// Answers name addresses without a zone; key them as asked.
	asked := map[netip.Addr][]netip.Addr{}
	for _, a := range addrs {
		u := a.Unmap().WithZone("")
		asked[u] = append(asked[u], a)
	}
	c := m.c
	var idb [2]byte
	_, _ = rand.Read(idb[:])
	id := binary.BigEndian.Uint16(idb[:])
	// A query must fit one datagram: at most 9000 bytes (Section 17);
	// compressed PTR questions take about 40 bytes each.
	var queries [][]byte
	for start := 0; start < len(addrs); start += 100 {
		q, err := AppendReverseQuery(nil, id, addrs[start:min(start+100, len(addrs))])
		if err != nil {
			return nil, err
		}
		queries = append(queries, q)
	}
	send := func() error {
		for _, q := range queries {
			if _, err := c.WriteTo(q, m.group); err != nil {
				return fmt.Errorf("discover: mdns on interface %q: %w", m.ifname, err)
			}
		}
		return nil
	}
	if err := send(); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(wait)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	stop := netx.CancelReads(ctx, c)
	defer stop()
	resent := false
	buf := make([]byte, 9000)
	for len(names) < len(addrs) {
		next := deadline
		if !resent {
			next = time.Now().Add(min(time.Until(deadline)/2, 250*time.Millisecond))
		}
		_ = c.SetReadDeadline(next)
		n, _, err := c.ReadFrom(buf)
		if netx.IsTimeout(err) {
			if ctx.Err() != nil || !time.Now().Before(deadline) {
				break
			}
			if !resent {
				resent = true
				if err := send(); err != nil {
					return names, err
				}
			}
			continue
		}
		if err != nil {
			return names, fmt.Errorf("discover: mdns on interface %q: %w", m.ifname, err)
		}
		if n < 2 || binary.BigEndian.Uint16(buf[:2]) != id {
			continue // not an answer to our query
		}
		got, err := ParseReverseAnswers(buf[:n])
		if err != nil {
			continue // a responder's malformed answer costs only itself
		}
		for a, name := range got {
			for _, k := range asked[a] {
				names[k] = name
			}
		}
	}
	return names, ctx.Err()
}
