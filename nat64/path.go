package nat64

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv6"
)

// ErrUnreachable means an ICMPv6 error came back instead of an answer: the
// NAT64 (or a router before it) says the destination cannot be reached.
var ErrUnreachable = errors.New("nat64: destination unreachable")

// Ping sends ICMPv6 echo requests to dst every 200 ms until one is answered
// or ctx ends, and returns the round-trip time of the first answer. An
// ICMPv6 error about our echo (destination unreachable from the NAT64,
// say) ends it at once with ErrUnreachable, naming its source. It needs a
// raw socket: CAP_NET_RAW on Linux.
func Ping(ctx context.Context, dst netip.Addr) (time.Duration, error) {
	if !dst.Is6() || dst.Is4In6() {
		return 0, fmt.Errorf("nat64: ping %s: not an IPv6 address", dst)
	}
	c, err := listenICMPv6()
	if err != nil {
		if errors.Is(err, os.ErrPermission) {
			return 0, fmt.Errorf("nat64: ping %s: a raw ICMPv6 socket needs CAP_NET_RAW: run as root or setcap cap_net_raw+ep", dst)
		}
		return 0, fmt.Errorf("nat64: ping %s: %w", dst, err)
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { _ = c.SetDeadline(time.Now()) })
	defer stop()
	id := os.Getpid() & 0xffff
	to := &net.IPAddr{IP: dst.AsSlice(), Zone: dst.Zone()}
	buf := make([]byte, 1500)
	sent := map[int]time.Time{}
	for seq := 1; ; seq++ {
		m := icmp.Message{Type: ipv6.ICMPTypeEchoRequest, Body: &icmp.Echo{ID: id, Seq: seq, Data: []byte("v6kit nat64")}}
		b, err := m.Marshal(nil)
		if err != nil {
			return 0, err
		}
		sent[seq] = time.Now()
		_, _ = c.WriteTo(b, to) // no route yet: retried like a lost reply
		_ = c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		for {
			n, from, err := c.ReadFrom(buf)
			if ctx.Err() != nil {
				return 0, fmt.Errorf("nat64: ping %s: no echo reply: %w", dst, ctx.Err())
			}
			if err != nil {
				break // next echo
			}
			rm, err := icmp.ParseMessage(58, buf[:n])
			if err != nil {
				continue
			}
			src, _ := netip.AddrFromSlice(from.(*net.IPAddr).IP)
			switch body := rm.Body.(type) {
			case *icmp.Echo:
				if rm.Type != ipv6.ICMPTypeEchoReply || body.ID != id || src.WithZone("") != dst.WithZone("") {
					continue
				}
				if t0, ok := sent[body.Seq]; ok {
					return time.Since(t0), nil
				}
			case *icmp.DstUnreach:
				if aboutOurEcho(body.Data, dst, id) {
					return 0, fmt.Errorf("%w: ping %s: %s says destination unreachable (code %d)", ErrUnreachable, dst, src, rm.Code)
				}
			}
		}
	}
}

// aboutOurEcho reports whether an ICMPv6 error's invoking packet is one of
// our echo requests to dst.
func aboutOurEcho(pkt []byte, dst netip.Addr, id int) bool {
	if len(pkt) < 40+8 || pkt[6] != 58 {
		return false
	}
	d, _ := netip.AddrFromSlice(pkt[24:40])
	return d == dst.WithZone("") && pkt[40] == byte(ipv6.ICMPTypeEchoRequest) && int(pkt[44])<<8|int(pkt[45]) == id
}

// Connect opens a TCP connection to dst and closes it at once, returning
// how long the handshake took: through a NAT64, proof that the translator
// carries TCP both ways.
func Connect(ctx context.Context, dst netip.AddrPort) (time.Duration, error) {
	var d net.Dialer
	t0 := time.Now()
	c, err := d.DialContext(ctx, "tcp", dst.String())
	if err != nil {
		return 0, fmt.Errorf("nat64: connect %s: %w", dst, err)
	}
	rtt := time.Since(t0)
	return rtt, c.Close()
}
