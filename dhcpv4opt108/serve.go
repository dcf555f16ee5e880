package dhcpv4opt108

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/server4"
)

// DefaultWorkers is the number of workers [Serve] runs when asked for 0.
const DefaultWorkers = 4

// readBufferSize bounds one received datagram; DHCPv4 messages fit an
// Ethernet frame.
const readBufferSize = 4096

// Serve reads DHCPv4 messages from conn and calls h for each, like
// [server4.Server.Serve] but bounded: a fixed number of workers (0 means
// [DefaultWorkers]), each reading into its own reused buffer and calling h
// in turn, no goroutine per packet, no log per packet. As server4 does, it
// replies to the broadcast address when the peer has no address yet.
//
// Serve returns nil when ctx ends (it unblocks reads by setting a past
// deadline on conn, and does not close conn), or the first read error.
// Every worker has returned when it does.
func Serve(ctx context.Context, conn net.PacketConn, h server4.Handler, workers int) error {
	if workers <= 0 {
		workers = DefaultWorkers
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(ctx, func() { _ = conn.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()

	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	for range workers {
		wg.Go(func() {
			if err := serveWorker(ctx, conn, h); err != nil {
				errOnce.Do(func() { firstErr = err })
				cancel()
			}
		})
	}
	wg.Wait()
	return firstErr
}

func serveWorker(ctx context.Context, conn net.PacketConn, h server4.Handler) error {
	buf := make([]byte, readBufferSize)
	bcast := &net.UDPAddr{IP: net.IPv4bcast}
	for {
		n, peer, err := conn.ReadFrom(buf)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
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
		h(conn, peer, m)
	}
}
