// Package ripngd is the logic of the ripngd program: a RIPng speaker on one
// or more interfaces that prints its route table when it stops.
package ripngd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"sync"
	"time"

	"github.com/v6kit/v6kit/internal/netx"
	"github.com/v6kit/v6kit/ripng"
)

// Options are ripngd's flags.
type Options struct {
	// Interfaces to run on (at least one, each once).
	Interfaces []string
	// Announce lists prefixes to advertise, with Tag; Cost is added to
	// routes learned on every interface.
	Announce []netip.Prefix
	Tag      uint16
	Cost     uint8
	// Duration stops the speaker after this long (0: until ctx ends).
	Duration time.Duration
	// JSON prints the table as one JSON object per route.
	JSON bool
	// Install syncs learned routes into the kernel (protocol
	// ripng.KernelProtocol) and removes them on exit.
	Install bool
	// Started, when set, is called with the running speaker (tests).
	Started func(*ripng.Speaker)
}

// Route is one route as -json prints it. Static routes have nexthop and
// from "::" (ourselves, as in a RIPng next-hop entry).
type Route struct {
	Prefix  string `json:"prefix"`
	NextHop string `json:"nexthop"`
	Metric  int    `json:"metric"`
	Tag     int    `json:"tag"`
	Iface   string `json:"iface"`
	From    string `json:"from"`
}

// Run runs a speaker on opts.Interfaces (in the caller's network
// namespace) until ctx ends or opts.Duration passes, then writes its route
// table to stdout. opts must be valid (the flags are checked by parse).
func Run(ctx context.Context, opts Options, stdout io.Writer) (err error) {
	if len(opts.Interfaces) == 0 {
		return errors.New("ripngd: no interfaces")
	}
	var announce []ripng.Route
	for _, p := range opts.Announce {
		announce = append(announce, ripng.Route{Prefix: p, Tag: opts.Tag, Metric: 1})
	}
	// Whatever Run opens, it closes here, once.
	var closers []func() error
	defer func() {
		for i := len(closers) - 1; i >= 0; i-- {
			if cerr := closers[i](); cerr != nil && err == nil {
				err = cerr
			}
		}
	}()
	// Every interface exists before any socket opens.
	for _, name := range opts.Interfaces {
		if _, err := netx.Interface(name); err != nil {
			return err
		}
	}
	var ifs []ripng.Interface
	for _, name := range opts.Interfaces {
		c, err := ripng.Listen(name)
		if err != nil {
			return err
		}
		closers = append(closers, c.Close)
		ifs = append(ifs, ripng.Interface{Name: name, Conn: c, LinkLocal: c.LinkLocal(), Cost: opts.Cost})
	}
	var (
		mu   sync.Mutex
		errs []error
	)
	cfg := ripng.Config{Interfaces: ifs, Announce: announce}
	if opts.Install {
		ks, err := ripng.NewKernelSync(0)
		if err != nil {
			return err
		}
		closers = append(closers, ks.Close)
		cfg.RouteSync = ks
		cfg.OnError = func(err error) {
			mu.Lock()
			defer mu.Unlock()
			if len(errs) < 10 {
				errs = append(errs, err)
			}
		}
	}
	sp, err := ripng.NewSpeaker(cfg)
	if err != nil {
		return err
	}
	// Follow links and addresses, so an interface coming back up asks its
	// neighbours for their tables at once.
	w, err := ripng.NewInterfaceWatcher(sp)
	if err != nil {
		return err
	}
	closers = append(closers, w.Close)
	if opts.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Duration)
		defer cancel()
	}
	ctx, cancelWatch := context.WithCancel(ctx)
	watchDone := make(chan error, 1)
	go func() { watchDone <- w.Run(ctx) }()
	if opts.Started != nil {
		opts.Started(sp)
	}
	runErr := sp.Run(ctx)
	cancelWatch()
	if err := <-watchDone; err != nil {
		runErr = errors.Join(runErr, err)
	}
	mu.Lock()
	runErr = errors.Join(append([]error{runErr}, errs...)...)
	mu.Unlock()
	if err := writeRoutes(stdout, sp.Routes(), opts.JSON); err != nil {
		return err
	}
	if !opts.JSON {
		if err := writeViews(stdout, sp.Interfaces(), sp.Neighbors(), time.Now()); err != nil {
			return err
		}
	}
	if runErr != nil {
		return runErr
	}
	return nil
}

func addr(a netip.Addr) string {
	if !a.IsValid() {
		return "::"
	}
	return a.String()
}

func writeRoutes(w io.Writer, rs []ripng.RouteInfo, asJSON bool) error {
	for _, r := range rs {
		var err error
		if asJSON {
			var b []byte
			b, err = json.Marshal(Route{Prefix: r.Prefix.String(), NextHop: addr(r.NextHop), Metric: int(r.Metric), Tag: int(r.Tag), Iface: r.Interface, From: addr(r.From)})
			if err == nil {
				_, err = fmt.Fprintf(w, "%s\n", b)
			}
		} else {
			via := "self"
			if r.NextHop.IsValid() {
				via = "via " + r.NextHop.String() + " on " + r.Interface
			}
			_, err = fmt.Fprintf(w, "%-24s %-30s metric %-2d tag %-5d %s %s\n", r.Prefix, via, r.Metric, r.Tag, r.Source, r.Age.Round(time.Second))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// writeViews prints the interfaces and neighbours the way
// `birdc show rip interfaces` and `show rip neighbors` do, with the bad
// packet and route counters added.
func writeViews(w io.Writer, is []ripng.InterfaceInfo, ns []ripng.NeighborInfo, now time.Time) error {
	if _, err := fmt.Fprintf(w, "\n%-10s %-5s %6s %6s %8s\n", "Interface", "State", "Metric", "Nbrs", "Timer"); err != nil {
		return err
	}
	for _, i := range is {
		state := "Down"
		if i.Up {
			state = "Up"
		}
		if _, err := fmt.Fprintf(w, "%-10s %-5s %6d %6d %8.3f\n", i.Name, state, i.Cost, i.Neighbors, max(i.NextUpdate.Sub(now), 0).Seconds()); err != nil {
			return err
		}
	}
	if _, err := fmt.Fprintf(w, "\n%-25s %-10s %6s %8s %8s %8s\n", "IP address", "Interface", "Routes", "Seen", "BadPkts", "BadRtes"); err != nil {
		return err
	}
	for _, n := range ns {
		if _, err := fmt.Fprintf(w, "%-25s %-10s %6d %8.3f %8d %8d\n", n.Addr, n.Interface, n.Routes, now.Sub(n.LastSeen).Seconds(), n.BadPackets, n.BadRoutes); err != nil {
			return err
		}
	}
	return nil
}
