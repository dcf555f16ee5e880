package discover

import (
	"fmt"
	"net"

	"github.com/v6kit/v6kit/internal/v6frame"
)

// dial opens the socket of kind k on ifi. It is the package's one edge to
// the operating system: on other systems it returns an error wrapping
// errors.ErrUnsupported.
func dial(op string, k sockKind, ifi *net.Interface) (socket, error) {
	switch k {
	case sockFrames:
		c, err := v6frame.Listen(ifi)
		if err != nil {
			return socket{}, fmt.Errorf("discover: %s: %w", op, err)
		}
		// Every host of a big link answers each multicast probe within a
		// millisecond or two: room for the burst, or the kernel drops it.
		// Without CAP_NET_ADMIN the kernel caps this at rmem_max; the
		// later rounds then make up for what it drops.
		_ = c.SetReadBuffer(readBuffer)
		return socket{frames: c}, nil
	default:
		c, err := net.ListenUDP("udp6", &net.UDPAddr{IP: net.IPv6unspecified})
		if err != nil {
			return socket{}, fmt.Errorf("discover: %s on interface %q: %w", op, ifi.Name, err)
		}
		return socket{udp: c}, nil
	}
}
