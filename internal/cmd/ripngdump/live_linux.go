package ripngdump

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/mdlayher/packet"
	"github.com/v6kit/v6kit/internal/netx"
	"golang.org/x/sys/unix"
)

// live captures frames on ifname with an AF_PACKET socket (root or
// CAP_NET_RAW) and emits the RIPng datagrams among them. It listens to
// every protocol: a socket bound to ETH_P_IPV6 alone would miss the host's
// own outgoing packets.
func live(ctx context.Context, ifname string, emit func(datagram) error) error {
	ifi, err := netx.Interface(ifname)
	if err != nil {
		return err
	}
	c, err := packet.Listen(ifi, packet.Raw, unix.ETH_P_ALL, nil)
	if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
		return fmt.Errorf("capture on interface %q needs CAP_NET_RAW: run as root or setcap cap_net_raw+ep", ifname)
	}
	if err != nil {
		return fmt.Errorf("capture on interface %q: %w", ifname, err)
	}
	defer c.Close()
	// Multicast to ff02::9 reaches us whether or not the host joined it.
	_ = c.SetPromiscuous(true)
	defer netx.CancelReads(ctx, c)()
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
			return fmt.Errorf("capture on interface %q: %w", ifname, err)
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
