package ripngdump

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/mdlayher/packet"
	"golang.org/x/sys/unix"
)

// live captures frames on ifname with an AF_PACKET socket (root or
// CAP_NET_RAW) and emits the RIPng datagrams among them. It listens to
// every protocol: a socket bound to ETH_P_IPV6 alone would miss the host's
// own outgoing packets.
func live(ctx context.Context, ifname string, emit func(datagram) error) error {
	ifi, err := net.InterfaceByName(ifname)
	if err != nil {
		return fmt.Errorf("ripngdump: %w", err)
	}
	c, err := packet.Listen(ifi, packet.Raw, unix.ETH_P_ALL, nil)
	if err != nil {
		return fmt.Errorf("ripngdump: capture on %s: %w", ifname, err)
	}
	defer c.Close()
	// Multicast to ff02::9 reaches us whether or not the host joined it.
	_ = c.SetPromiscuous(true)
	stop := context.AfterFunc(ctx, func() { _ = c.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	buf := make([]byte, 65536)
	for {
		n, _, err := c.ReadFrom(buf)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return fmt.Errorf("ripngdump: capture on %s: %w", ifname, err)
		}
		d, err := decodeFrame(linkEthernet, buf[:n])
		if err != nil {
			continue
		}
		if err := emit(d); err != nil {
			return err
		}
	}
}
