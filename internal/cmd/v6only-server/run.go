package v6onlyserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/server4"

	"github.com/v6kit/v6kit/dhcpv4opt108"
	"github.com/v6kit/v6kit/internal/cli"
)

// socketReadBuffer is the receive buffer asked for the socket Run opens:
// about 3000 DISCOVERs, 0.3 s at 10 000 a second.
const socketReadBuffer = 4 << 20

// Run validates o, then serves DHCPv4 until ctx ends; it returns nil then.
// Every check (flags, the interface's IPv4 subnet) happens before the lease
// file or a socket is opened; a failed check is a cli usage error. It
// opens its socket on the calling goroutine before starting any other, so
// it can be run on a thread inside a network namespace.
func Run(ctx context.Context, o Options, stdout io.Writer) error {
	c, handler, err := prepare(o)
	if err != nil {
		return err
	}
	if o.MemoryLimit > 0 {
		// Set once the options are valid, and put back on return: the
		// limit is process-wide, and Run may run inside a larger program
		// (the lab, a test binary).
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(o.MemoryLimit))
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	srv := &server{c: c, policy: c.policy(), pool: newPool(c.first, c.last), fail: cancel}
	if c.leasesFile != "" {
		if srv.leases, err = openLeases(c.leasesFile, srv.pool, time.Now()); err != nil {
			return err
		}
		defer srv.leases.Close()
	}
	h, err := handler(srv.handle)
	if err != nil {
		return err
	}
	var log *logger
	if !o.Quiet {
		log = &logger{w: stdout, json: o.JSON, fail: cancel}
		h = logged(h, log)
	}
	conn := o.Conn
	if conn == nil {
		c, err := server4.NewIPv4UDPConn(o.Interface, &net.UDPAddr{Port: dhcpv4.ServerPort})
		if err != nil {
			if errors.Is(err, os.ErrPermission) || strings.Contains(err.Error(), "permission denied") {
				return fmt.Errorf("interface %q: listening on UDP port 67 needs CAP_NET_BIND_SERVICE and CAP_NET_RAW: run as root or setcap cap_net_bind_service,cap_net_raw+ep", o.Interface)
			}
			return fmt.Errorf("interface %q: listen on UDP port 67: %w", o.Interface, err)
		}
		defer c.Close()
		// Room for bursts while the workers wait for a CPU: the kernel
		// caps it at net.core.rmem_max, and it is kernel memory, not ours.
		_ = c.SetReadBuffer(socketReadBuffer)
		conn = c
	}
	// The lease file's syncer, the first goroutine, starts once the socket
	// is open; it stops before the file closes.
	defer srv.leases.start()()
	if o.Ready != nil {
		o.Ready()
	}
	w := &wireServer{conn: conn, s: srv, general: h, log: log, workers: c.workers}
	if err := w.run(ctx); err != nil {
		return fmt.Errorf("interface %q: %w", o.Interface, err)
	}
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return err // a lease that could not be made durable, or a closed stdout
	}
	return nil
}

// prepare validates o and returns the configuration and a function that
// wraps the allocating handler with the option 108 policy.
func prepare(o Options) (*config, func(server4.Handler) (server4.Handler, error), error) {
	addrs := []netip.Prefix{o.Addr}
	if !o.Addr.IsValid() {
		if o.Interface == "" {
			return nil, nil, cli.Usagef("-i is required; give the interface to serve on, e.g. -i eth0")
		}
		var err error
		if addrs, err = interfaceAddrs(o.Interface); err != nil {
			return nil, nil, err
		}
	}
	c, err := o.validate(addrs)
	if err != nil {
		return nil, nil, err
	}
	return c, func(next server4.Handler) (server4.Handler, error) { return dhcpv4opt108.Handler(c.policy(), next) }, nil
}

// policy is the option 108 policy the configuration asks for.
func (c *config) policy() dhcpv4opt108.Policy {
	return dhcpv4opt108.Policy{Wait: c.wait, ZeroYIAddr: c.zero, ServerID: c.serverID}
}
