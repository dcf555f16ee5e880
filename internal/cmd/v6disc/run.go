// Package v6disc is the v6disc program: it finds every IPv6 host on the
// local links with package discover and prints one line per address (or,
// with JSON, one object per host).
package v6disc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net"
	"net/netip"
	"sync"
	"syscall"
	"time"

	"github.com/v6kit/v6kit/discover"
	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/ndp"
)

// Options are v6disc's flags.
type Options struct {
	Interface string        // -i: scan only this interface (default: every up, non-loopback one with carrier)
	LinkLocal bool          // -L: link-local addresses only
	Quiet     bool          // -q: addresses only
	JSON      bool          // -json: one object per host
	Timeout   time.Duration // -timeout: the longest a scan lasts
	// QuietFloor is -quiet: the least time the link must stay quiet for a
	// scan to end (0: discover's default for the link).
	QuietFloor time.Duration
	Stream     bool          // -stream: with JSON, one object per host and per new address as they answer
	Watch      bool          // -watch: keep scanning, report hosts joining and leaving
	Interval   time.Duration // -interval: pause between scans with -watch
	Names      bool          // -names: ask mDNS for the hosts' names after the scan
}

// namer is what run needs of a discover.MDNS.
type namer interface {
	Names(ctx context.Context, addrs []netip.Addr, wait time.Duration) (map[netip.Addr]string, error)
	Close() error
}

// scanner is what run needs of a discover.Scanner.
type scanner interface {
	Scan(ctx context.Context) iter.Seq2[discover.Host, error]
	Events(ctx context.Context) iter.Seq2[discover.Event, error]
	Watch(ctx context.Context, o *discover.WatchOptions) iter.Seq2[discover.Change, error]
	Close() error
}

// deps are run's edges to the system; tests replace them.
type deps struct {
	ifaces    func() ([]net.Interface, error)
	local     func() ([]netip.Addr, error) // every address of this host
	open      func(*net.Interface, *discover.Options) (scanner, error)
	openNames func(*net.Interface) (namer, error)
}

func realDeps() deps {
	return deps{
		ifaces: net.Interfaces,
		local:  localAddrs,
		open: func(ifi *net.Interface, so *discover.Options) (scanner, error) {
			return discover.NewScanner(ifi, so)
		},
		openNames: func(ifi *net.Interface) (namer, error) { return discover.ListenMDNS(ifi) },
	}
}

// ErrNoInterface means there is nothing to scan.
var ErrNoInterface = errors.New("v6disc: no up, non-loopback Ethernet interface with carrier; list them with 'ip link', bring one up or name one with -i")

// Run scans and prints to w, with the flags' defaults for a zero Timeout
// (1 s) and Interval (10 s). Sockets are opened before any goroutine
// starts, so they belong to the calling thread's network namespace.
func Run(ctx context.Context, o Options, w io.Writer) error {
	if o.Timeout == 0 {
		o.Timeout = discover.DefaultTimeout
	}
	if o.Interval == 0 {
		o.Interval = 10 * time.Second
	}
	if err := o.check(map[string]bool{"i": o.Interface != "", "quiet": o.QuietFloor != 0}); err != nil {
		return err
	}
	return run(ctx, o, w, realDeps())
}

// localAddrs lists every address of this host, to keep them out of the
// output even when two interfaces share a link.
func localAddrs() ([]netip.Addr, error) {
	t, err := ndp.OpenNeighborTable()
	if err != nil {
		return nil, err
	}
	defer t.Close()
	return t.LocalAddrs(nil)
}

// choose picks the interfaces to scan: -i's, which must be an Ethernet
// interface that is up with carrier, or every such one.
func choose(all []net.Interface, name string) ([]net.Interface, error) {
	ethernet := func(ifi net.Interface) bool { return ifi.Flags&net.FlagLoopback == 0 && len(ifi.HardwareAddr) == 6 }
	if name == "" {
		var chosen []net.Interface
		for _, ifi := range all {
			if ethernet(ifi) && ifi.Flags&net.FlagUp != 0 && ifi.Flags&net.FlagRunning != 0 {
				chosen = append(chosen, ifi)
			}
		}
		if len(chosen) == 0 {
			return nil, ErrNoInterface
		}
		return chosen, nil
	}
	for _, ifi := range all {
		if ifi.Name != name {
			continue
		}
		switch {
		case !ethernet(ifi):
			return nil, cli.Usagef("-i: interface %q is not an Ethernet interface; v6disc scans Ethernet links (list them with 'ip link')", name)
		case ifi.Flags&net.FlagUp == 0:
			return nil, fmt.Errorf("interface %q is down; bring it up with 'ip link set %s up'", name, name)
		case ifi.Flags&net.FlagRunning == 0:
			return nil, fmt.Errorf("interface %q has no carrier (cable unplugged or peer down); connect it, or pick another with -i", name)
		}
		return []net.Interface{ifi}, nil
	}
	return nil, cli.Usagef("-i: interface %q not found; list them with 'ip link'", name)
}

// openError names the capability a packet socket needs when it is denied.
func openError(ifname string, err error) error {
	if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES) {
		return fmt.Errorf("interface %q: packet socket: %v; needs CAP_NET_RAW: run as root or setcap cap_net_raw+ep", ifname, syscall.EPERM)
	}
	return fmt.Errorf("interface %q: %w", ifname, err)
}

func run(ctx context.Context, o Options, w io.Writer, d deps) error {
	all, err := d.ifaces()
	if err != nil {
		return fmt.Errorf("list interfaces: %w", err)
	}
	chosen, err := choose(all, o.Interface)
	if err != nil {
		return err
	}
	// The scanners decode the vendor table while their first probes
	// travel (discover.Options.Vendors left nil).
	var scanners []scanner
	defer func() {
		for _, s := range scanners {
			s.Close()
		}
	}()
	for i := range chosen {
		s, err := d.open(&chosen[i], &discover.Options{Timeout: o.Timeout, Quiet: o.QuietFloor})
		if err != nil {
			return openError(chosen[i].Name, err)
		}
		scanners = append(scanners, s)
	}
	namers := make([]namer, len(chosen)) // opened here, on this thread: see Run
	defer func() {
		for _, n := range namers {
			if n != nil {
				n.Close()
			}
		}
	}()
	if o.Names {
		for i := range chosen {
			n, err := d.openNames(&chosen[i])
			if err != nil {
				return fmt.Errorf("interface %q: mdns: %w", chosen[i].Name, err)
			}
			namers[i] = n
		}
	}
	out := &printer{o: o, w: w, printed: map[string]bool{}, own: map[string]bool{}}
	for _, ifi := range all {
		out.own[ifi.HardwareAddr.String()] = true
	}
	if addrs, err := d.local(); err == nil {
		for _, a := range addrs {
			out.own[a.WithZone("").String()] = true
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, len(scanners))
	for i, s := range scanners {
		wg.Go(func() {
			switch {
			case o.Watch:
				errs[i] = out.watch(ctx, s, chosen[i].Name)
			case o.Stream:
				errs[i] = out.stream(ctx, s, chosen[i].Name)
			default:
				errs[i] = out.scan(ctx, s, chosen[i].Name, namers[i])
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		if cli.ClosedOutput(err) {
			return out.err // the reader left: end quietly, whatever else failed meanwhile
		}
		return err
	}
	if o.Watch && ctx.Err() != nil {
		return nil // interrupted: the normal end of a watch
	}
	return ctx.Err()
}
