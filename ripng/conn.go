package ripng

import (
	"net/netip"
	"time"
)

// PacketConn is what a [Speaker] needs from the network on one interface:
// a UDP socket on port 521 that reports, for each datagram, where it came
// from, where it was sent to and its hop limit, and that sends from port 521
// with hop limit 255 from the interface's link-local address. [Listen]
// returns one on Linux; tests use an in-memory link.
type PacketConn interface {
	// ReadPacket reads one datagram into b.
	ReadPacket(b []byte) (n int, info PacketInfo, err error)
	// WritePacket sends b to dst (ff02::9 port 521 for updates, or a
	// requester's address and port).
	WritePacket(b []byte, dst netip.AddrPort) error
	// SetReadDeadline makes a blocked and any later ReadPacket return an
	// error once t has passed: Speaker.Run ends its reads with it.
	SetReadDeadline(t time.Time) error
}

// PacketInfo is what a receiver knows about a datagram beyond its payload.
type PacketInfo struct {
	// Src is the sender's address (without zone) and UDP port.
	Src netip.AddrPort
	// Dst is the destination address: ff02::9 or our link-local.
	Dst netip.Addr
	// HopLimit is the IPv6 hop limit the datagram arrived with, or -1 if
	// unknown.
	HopLimit int
}
