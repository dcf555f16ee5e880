package v6onlyserver

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/server4"

	"github.com/v6kit/v6kit/internal/netx"
)

// readBufferSize bounds one received datagram; DHCPv4 messages fit an
// Ethernet frame.
const readBufferSize = 4096

// wireServer serves a connection as dhcpv4opt108.Server does — a fixed
// number of workers, each with its own reused buffers, no goroutine or log
// per packet — but keeps each datagram as bytes, so that plain messages
// take the fast path (wire.go) and allocate nothing; the rest go to the
// general path, the library's handler chain. On a *net.UDPConn it reads
// and writes with netip.AddrPort, which allocates nothing either.
type wireServer struct {
	conn    net.PacketConn
	udp     *net.UDPConn // conn, when it is one
	s       *server
	general server4.Handler
	log     *logger // nil under -quiet
	workers int
}

// run serves until ctx ends, then returns nil once every worker has
// returned; a read error other than a timeout ends it with that error.
func (w *wireServer) run(ctx context.Context) error {
	w.udp, _ = w.conn.(*net.UDPConn)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := netx.CancelReads(ctx, w.conn)
	defer stop()
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	for range w.workers {
		wg.Go(func() {
			if err := w.worker(ctx); err != nil {
				errOnce.Do(func() { firstErr = err })
				cancel()
			}
		})
	}
	wg.Wait()
	return firstErr
}

func (w *wireServer) worker(ctx context.Context) error {
	buf := make([]byte, readBufferSize)
	out := make([]byte, 0, 1024)
	mac := make([]byte, 0, 3*16)
	var r wireRequest
	for {
		n, peer, err := w.read(buf)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if netx.IsTimeout(err) {
				continue
			}
			return fmt.Errorf("read: %w", err)
		}
		if !peer.IsValid() {
			continue
		}
		if peer.Addr().IsUnspecified() {
			// A client without an address yet: reply to the broadcast
			// address, as server4 does.
			peer = netip.AddrPortFrom(netip.AddrFrom4([4]byte{255, 255, 255, 255}), peer.Port())
		}
		b := buf[:n]
		if !r.parse(b) {
			m, err := dhcpv4.FromBytes(b)
			if err != nil {
				continue
			}
			w.general(w.conn, net.UDPAddrFromAddrPort(peer), m)
			continue
		}
		reply, when, l := w.s.answer(out, &r, mac, time.Now())
		out = reply[:0]
		switch when {
		case sendNow:
			w.send(b, reply, peer)
		case sendWhenDurable:
			// The syncer sends it, from copies: the buffers are the
			// worker's.
			a := getAckSend()
			a.w, a.peer = w, peer
			a.reply = append(a.reply[:0], reply...)
			if w.log != nil {
				a.req = append(a.req[:0], b...)
			}
			w.s.leases.commitThen(l, a.done)
		}
	}
}

// ackSend is an ACK waiting for its lease to reach the disk.
type ackSend struct {
	w          *wireServer
	req, reply []byte
	peer       netip.AddrPort
}

// ackSends keeps ackSends and their buffers for reuse: a free list, as a
// sync.Pool is emptied by every collection.
var ackSends = make(chan *ackSend, queueLen)

func getAckSend() *ackSend {
	select {
	case a := <-ackSends:
		return a
	default:
		return &ackSend{reply: make([]byte, 0, bootpMinLen)}
	}
}

// done sends the ACK once its lease is on disk; a lease that cannot be
// made durable is never ACKed.
func (a *ackSend) done(err error) {
	if err != nil {
		a.w.s.fail(err)
	} else {
		a.w.send(a.req, a.reply, a.peer)
	}
	a.w, a.req = nil, a.req[:0]
	select {
	case ackSends <- a:
	default:
	}
}

// send logs and sends reply, the answer to req.
func (w *wireServer) send(req, reply []byte, peer netip.AddrPort) {
	if w.log != nil {
		w.log.reply(req, reply)
	}
	if w.udp != nil {
		_, _ = w.udp.WriteToUDPAddrPort(reply, peer)
	} else {
		_, _ = w.conn.WriteTo(reply, net.UDPAddrFromAddrPort(peer))
	}
}

// read reads one datagram and its sender.
func (w *wireServer) read(buf []byte) (int, netip.AddrPort, error) {
	if w.udp != nil {
		n, peer, err := w.udp.ReadFromUDPAddrPort(buf)
		return n, netip.AddrPortFrom(peer.Addr().Unmap(), peer.Port()), err
	}
	n, addr, err := w.conn.ReadFrom(buf)
	if err != nil {
		return n, netip.AddrPort{}, err
	}
	up, ok := addr.(*net.UDPAddr)
	if !ok {
		return n, netip.AddrPort{}, nil
	}
	if up.IP == nil {
		return n, netip.AddrPortFrom(netip.IPv4Unspecified(), uint16(up.Port)), nil
	}
	return n, netip.AddrPortFrom(up.AddrPort().Addr().Unmap(), uint16(up.Port)), nil
}
