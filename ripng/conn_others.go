//go:build !linux

package ripng

import (
	"fmt"
	"net"
	"net/netip"
	"runtime"
)

// Conn is a RIPng socket on one interface; it is implemented on Linux only.
type Conn struct{}

var _ PacketConn = (*Conn)(nil)

func errUnsupported() error {
	return fmt.Errorf("ripng: sockets are not supported on %s/%s", runtime.GOOS, runtime.GOARCH)
}

// Listen is not supported outside Linux.
func Listen(ifname string) (*Conn, error) { return nil, errUnsupported() }

// LinkLocal returns the zero address.
func (c *Conn) LinkLocal() netip.Addr { return netip.Addr{} }

// Interface returns nil.
func (c *Conn) Interface() *net.Interface { return nil }

// ReadPacket is not supported outside Linux.
func (c *Conn) ReadPacket(b []byte) (int, PacketInfo, error) {
	return 0, PacketInfo{}, errUnsupported()
}

// WritePacket is not supported outside Linux.
func (c *Conn) WritePacket(b []byte, dst netip.AddrPort) error { return errUnsupported() }

// Close does nothing.
func (c *Conn) Close() error { return nil }
