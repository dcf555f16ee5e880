package discover

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"time"

	"golang.org/x/net/ipv6"
)

// Names asks the mDNS responders on ifi's link for the names of addrs
// (reverse PTR questions in one one-shot query, RFC 6762 Section 5.1, sent
// twice in case the first is lost) and collects the answers for wait, or
// until every address has a name or ctx ends. Hosts without a responder
// simply have no name. The socket belongs to the calling thread's network
// namespace.
func Names(ctx context.Context, ifi *net.Interface, addrs []netip.Addr, wait time.Duration) (map[netip.Addr]string, error) {
	names := map[netip.Addr]string{}
	if len(addrs) == 0 {
		return names, nil
	}
	c, err := net.ListenUDP("udp6", &net.UDPAddr{IP: net.IPv6unspecified})
	if err != nil {
		return nil, fmt.Errorf("discover: mdns: %w", err)
	}
	defer c.Close()
	pc := ipv6.NewPacketConn(c)
	if err := pc.SetMulticastInterface(ifi); err != nil {
		return nil, fmt.Errorf("discover: mdns: %w", err)
	}
	_ = pc.SetMulticastHopLimit(255) // RFC 6762 Section 11
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
	// The group's zone by index: zone names are cached per process, not per
	// network namespace.
	group := &net.UDPAddr{IP: MDNSGroup.AsSlice(), Port: MDNSPort, Zone: strconv.Itoa(ifi.Index)}
	send := func() error {
		for _, q := range queries {
			if _, err := c.WriteTo(q, group); err != nil {
				return fmt.Errorf("discover: mdns: %w", err)
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
	stop := context.AfterFunc(ctx, func() { _ = c.SetReadDeadline(time.Unix(1, 0)) })
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
		if errors.Is(err, os.ErrDeadlineExceeded) {
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
			return names, fmt.Errorf("discover: mdns: %w", err)
		}
		if n < 2 || binary.BigEndian.Uint16(buf[:2]) != id {
			continue // not an answer to our query
		}
		got, err := ParseReverseAnswers(buf[:n])
		if err != nil {
			continue // a responder's malformed answer costs only itself
		}
		for a, name := range got {
			names[a] = name
		}
	}
	return names, ctx.Err()
}
