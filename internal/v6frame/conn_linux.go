package v6frame

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/mdlayher/packet"
	"golang.org/x/sys/unix"
)

// Conn is an AF_PACKET socket for IPv6 frames on one interface, in
// all-multicast mode so it sees every group's traffic.
type Conn struct {
	c   *packet.Conn
	ifi *net.Interface
}

// Listen opens a raw packet socket for IPv6 on ifi.
func Listen(ifi *net.Interface) (*Conn, error) {
	c, err := packet.Listen(ifi, packet.Raw, unix.ETH_P_IPV6, nil)
	if err != nil {
		if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
			return nil, fmt.Errorf("packet socket on interface %q: %w (needs CAP_NET_RAW: run as root or setcap cap_net_raw+ep)", ifi.Name, err)
		}
		return nil, fmt.Errorf("packet socket on interface %q: %w", ifi.Name, err)
	}
	rc, err := c.SyscallConn()
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("packet socket on interface %q: %w", ifi.Name, err)
	}
	var serr error
	err = rc.Control(func(fd uintptr) {
		mreq := unix.PacketMreq{Ifindex: int32(ifi.Index), Type: unix.PACKET_MR_ALLMULTI}
		serr = unix.SetsockoptPacketMreq(int(fd), unix.SOL_PACKET, unix.PACKET_ADD_MEMBERSHIP, &mreq)
	})
	if err == nil {
		err = serr
	}
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("all-multicast on interface %q: %w", ifi.Name, err)
	}
	return &Conn{c: c, ifi: ifi}, nil
}

// ReadFrame reads one whole Ethernet frame into b.
func (c *Conn) ReadFrame(b []byte) (int, error) {
	n, _, err := c.c.ReadFrom(b)
	return n, err
}

// WriteFrame sends one whole Ethernet frame (destination MAC first).
func (c *Conn) WriteFrame(b []byte) error {
	if len(b) < 14 {
		return fmt.Errorf("%w: frame of %d bytes", ErrMalformed, len(b))
	}
	_, err := c.c.WriteTo(b, &packet.Addr{HardwareAddr: net.HardwareAddr(b[0:6])})
	if errors.Is(err, unix.ENOBUFS) {
		return fmt.Errorf("%w: %w", ErrDropped, err)
	}
	return err
}

// SetWriteDeadline sets the write deadline: a write that waits for room
// in the socket's send buffer (a link slower than the writer) ends then.
func (c *Conn) SetWriteDeadline(t time.Time) error { return c.c.SetWriteDeadline(t) }

// SetReadDeadline sets the read deadline.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.c.SetReadDeadline(t) }

// Close closes the socket.
func (c *Conn) Close() error { return c.c.Close() }

// SetReadBuffer asks for a receive buffer of n bytes, so that a burst of
// frames (every host of a big link answering one multicast probe) waits
// for the reader instead of being dropped: beyond net.core.rmem_max with
// CAP_NET_ADMIN (SO_RCVBUFFORCE), else as far as rmem_max allows.
func (c *Conn) SetReadBuffer(n int) error {
	rc, err := c.c.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	err = rc.Control(func(fd uintptr) {
		if serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, n); serr != nil {
			serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUF, n)
		}
	})
	if err != nil {
		return err
	}
	return serr
}

// Drops returns how many frames the kernel dropped for want of receive
// buffer since the last call.
func (c *Conn) Drops() (int, error) {
	s, err := c.c.Stats()
	if err != nil {
		return 0, err
	}
	return int(s.Drops), nil
}

// Pending reports whether a frame waits in the receive queue (SIOCINQ:
// the size of the next frame, 0 when none). A reader whose deadline has
// passed uses it to drain what already arrived: Go refuses every read
// once the deadline is past, whatever the socket holds.
func (c *Conn) Pending() (bool, error) {
	rc, err := c.c.SyscallConn()
	if err != nil {
		return false, err
	}
	var n int
	var serr error
	err = rc.Control(func(fd uintptr) {
		n, serr = unix.IoctlGetInt(int(fd), unix.SIOCINQ)
	})
	if err != nil {
		return false, err
	}
	return n > 0, serr
}
