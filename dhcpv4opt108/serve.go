package dhcpv4opt108

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/server4"
	"github.com/v6kit/v6kit/internal/netx"
)

// DefaultWorkers is the number of workers a [Server] runs when asked for 0.
const DefaultWorkers = 4

// MaxWorkers bounds [NewServer]'s workers.
const MaxWorkers = 1024

// readBufferSize bounds one received datagram; DHCPv4 messages fit an
// Ethernet frame.
const readBufferSize = 4096

var (
	// ErrWorkers reports a worker count outside 0..[MaxWorkers].
	ErrWorkers = errors.New("dhcpv4opt108: workers out of range 0..1024")
	// ErrRunTwice reports a second call of [Server.Run].
	ErrRunTwice = errors.New("dhcpv4opt108: Server.Run called twice")
)

// Server runs a [server4.Handler] on a connection it was given, like
// [server4.Server] but bounded: a fixed number of workers, each reading
// into its own reused buffer and calling the handler in turn, no goroutine
// per packet, no log per packet. As server4 does, it replies to the
// broadcast address when the peer has no address yet.
//
// A Server opens nothing, so it has no Close: the caller opened the
// connection and closes it after Run has returned.
type Server struct {
	conn    net.PacketConn
	h       server4.Handler
	workers int
	started atomic.Bool
}

// NewServer returns a server of h on conn with workers workers (0 means
// [DefaultWorkers]). A nil conn or handler, or workers outside
// 0..[MaxWorkers], return an error.
func NewServer(conn net.PacketConn, h server4.Handler, workers int) (*Server, error) {
	switch {
	case conn == nil:
		return nil, errors.New("dhcpv4opt108: NewServer: nil connection")
	case h == nil:
		return nil, errors.New("dhcpv4opt108: NewServer: nil handler")
	case workers < 0 || workers > MaxWorkers:
		return nil, fmt.Errorf("%w: %d", ErrWorkers, workers)
	case workers == 0:
		workers = DefaultWorkers
	}
	return &Server{conn: conn, h: h, workers: workers}, nil
}

// Run serves until ctx ends, then returns nil once every worker has
// returned; it unblocks reads with a past read deadline and never closes
// the connection. A read error other than a timeout ends it with that
// error. A second call returns [ErrRunTwice].
func (s *Server) Run(ctx context.Context) error {
	if !s.started.CompareAndSwap(false, true) {
		return ErrRunTwice
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := netx.CancelReads(ctx, s.conn)
	defer stop()

	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	for range s.workers {
		wg.Go(func() {
			if err := s.worker(ctx); err != nil {
				errOnce.Do(func() { firstErr = err })
				cancel()
			}
		})
	}
	wg.Wait()
	return firstErr
}

func (s *Server) worker(ctx context.Context) error {
	buf := make([]byte, readBufferSize)
	bcast := &net.UDPAddr{IP: net.IPv4bcast}
	for {
		n, peer, err := s.conn.ReadFrom(buf)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if netx.IsTimeout(err) {
				continue
			}
			return fmt.Errorf("dhcpv4opt108: read: %w", err)
		}
		m, err := dhcpv4.FromBytes(buf[:n])
		if err != nil {
			continue
		}
		up, ok := peer.(*net.UDPAddr)
		if !ok {
			continue
		}
		if up.IP == nil || up.IP.IsUnspecified() {
			b := *bcast
			b.Port = up.Port
			peer = &b
		}
		s.h(s.conn, peer, m)
	}
}
