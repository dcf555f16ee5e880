//go:build linux

package lab

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"time"

	"github.com/v6kit/v6kit/internal/lab"
	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv6"
)

// errNoReply is a ping that got no echo reply in time.
var errNoReply = errors.New("no echo reply")

// ping sends ICMPv6 echo requests from inside ns to dst (a link-local dst
// goes out of zone ifname) every 200 ms until one is answered or ctx ends,
// and returns the round-trip time of the answer.
func ping(ctx context.Context, ns *lab.Netns, zone string, dst netip.Addr) (time.Duration, error) {
	var c *icmp.PacketConn
	if err := ns.Run(func() error {
		var err error
		c, err = icmp.ListenPacket("ip6:ipv6-icmp", "::")
		return err
	}); err != nil {
		return 0, err
	}
	defer c.Close()
	var f ipv6.ICMPFilter
	f.SetAll(true)
	f.Accept(ipv6.ICMPTypeEchoReply)
	_ = c.IPv6PacketConn().SetICMPFilter(&f)

	to := &net.IPAddr{IP: dst.AsSlice()}
	if dst.IsLinkLocalUnicast() {
		ifi, err := ns.Interface(zone)
		if err != nil {
			return 0, err
		}
		// By index: the zone-name cache belongs to another namespace.
		to.Zone = fmt.Sprint(ifi.Index)
	}
	id := os.Getpid() & 0xffff
	buf := make([]byte, 1500)
	sent := map[int]time.Time{}
	for seq := 1; ; seq++ {
		msg := icmp.Message{Type: ipv6.ICMPTypeEchoRequest, Body: &icmp.Echo{ID: id, Seq: seq, Data: []byte("v6kit lab")}}
		b, _ := msg.Marshal(nil)
		sent[seq] = time.Now()
		// Sending fails while the neighbour is unresolvable; keep trying.
		_, _ = c.WriteTo(b, to)
		deadline := time.Now().Add(200 * time.Millisecond)
		if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
			deadline = d
		}
		_ = c.SetReadDeadline(deadline)
		for {
			n, from, err := c.ReadFrom(buf)
			if err != nil {
				break // timeout: next echo
			}
			m, err := icmp.ParseMessage(58, buf[:n])
			if err != nil {
				continue
			}
			echo, ok := m.Body.(*icmp.Echo)
			src, _ := netip.AddrFromSlice(from.(*net.IPAddr).IP)
			if !ok || m.Type != ipv6.ICMPTypeEchoReply || echo.ID != id || src.WithZone("") != dst {
				continue
			}
			if t0, ok := sent[echo.Seq]; ok {
				return time.Since(t0), nil
			}
		}
		if ctx.Err() != nil {
			return 0, errNoReply
		}
	}
}

// pingFor pings dst for at most d.
func pingFor(ctx context.Context, d time.Duration, ns *lab.Netns, zone string, dst netip.Addr) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return ping(ctx, ns, zone, dst)
}
