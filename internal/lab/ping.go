//go:build linux

package lab

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"strconv"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// ErrNoReply is a Ping that got no echo reply before its context ended.
var ErrNoReply = errors.New("lab: no echo reply")

// Ping sends ICMP echo requests (ICMPv6 or ICMPv4, after dst) from inside
// the namespace every 200 ms until one is answered or ctx ends, and returns
// the answer's round-trip time. A link-local dst goes out of interface
// ifname (the namespace's own name for it; resolved to an index here,
// since zone names are cached per process, not per namespace). Failed
// sends (no route or neighbour yet) are retried like lost replies.
func (n *Netns) Ping(ctx context.Context, dst netip.Addr, ifname string) (time.Duration, error) {
	network, laddr, proto := "ip6:ipv6-icmp", "::", 58
	var typ, reply icmp.Type = ipv6.ICMPTypeEchoRequest, ipv6.ICMPTypeEchoReply
	if dst.Is4() {
		network, laddr, proto = "ip4:icmp", "0.0.0.0", 1
		typ, reply = ipv4.ICMPTypeEcho, ipv4.ICMPTypeEchoReply
	}
	to := &net.IPAddr{IP: dst.AsSlice()}
	if ifname != "" {
		ifi, err := n.Interface(ifname)
		if err != nil {
			return 0, err
		}
		to.Zone = strconv.Itoa(ifi.Index)
	}
	var c *icmp.PacketConn
	if err := n.Run(func() error {
		var err error
		c, err = icmp.ListenPacket(network, laddr)
		return err
	}); err != nil {
		return 0, err
	}
	defer c.Close()
	id := os.Getpid() & 0xffff
	buf := make([]byte, 1500)
	sent := map[int]time.Time{}
	for seq := 1; ; seq++ {
		m := icmp.Message{Type: typ, Body: &icmp.Echo{ID: id, Seq: seq, Data: []byte("v6kit lab")}}
		b, err := m.Marshal(nil)
		if err != nil {
			return 0, err
		}
		sent[seq] = time.Now()
		_, _ = c.WriteTo(b, to)
		deadline := time.Now().Add(200 * time.Millisecond)
		if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
			deadline = d
		}
		_ = c.SetReadDeadline(deadline)
		for {
			k, from, err := c.ReadFrom(buf)
			if err != nil {
				break // timeout: next echo
			}
			rm, err := icmp.ParseMessage(proto, buf[:k])
			if err != nil || rm.Type != reply {
				continue
			}
			e, ok := rm.Body.(*icmp.Echo)
			src, _ := netip.AddrFromSlice(from.(*net.IPAddr).IP)
			if !ok || e.ID != id || src.Unmap().WithZone("") != dst.WithZone("") {
				continue
			}
			if t0, ok := sent[e.Seq]; ok {
				return time.Since(t0), nil
			}
		}
		if ctx.Err() != nil {
			return 0, ErrNoReply
		}
	}
}
