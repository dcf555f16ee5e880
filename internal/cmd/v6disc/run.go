// Package v6disc is the v6disc program: it finds every IPv6 host on the
// local links with package discover and prints one line per address (or,
// with JSON, one object per host).
package v6disc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/v6kit/v6kit/discover"
	"github.com/v6kit/v6kit/ndp"
)

// Options configure Run; examples/v6disc fills them from flags.
type Options struct {
	Interface string        // -i: scan only this interface (default: every up, non-loopback one with carrier)
	LinkLocal bool          // -L: link-local addresses only
	Quiet     bool          // -q: addresses only
	JSON      bool          // -json: one object per host
	Timeout   time.Duration // -timeout: how long a scan listens (default 1 s)
	Watch     bool          // -watch: keep scanning, report hosts joining and leaving
	Interval  time.Duration // -interval: pause between scans with -watch (default 10 s)
	Names     bool          // -names: ask mDNS for the hosts' names after the scan

	// openNames opens the mDNS asker for an interface; tests replace it.
	openNames func(*net.Interface) (namer, error)
}

// namer is what Run needs of a discover.MDNS.
type namer interface {
	Names(ctx context.Context, addrs []netip.Addr, wait time.Duration) (map[netip.Addr]string, error)
	Close() error
}

// ErrNoInterface means there is nothing to scan.
var ErrNoInterface = errors.New("v6disc: no up, non-loopback Ethernet interface with carrier")

// scanner is what Run needs of a discover.Scanner.
type scanner interface {
	Scan(ctx context.Context) iter.Seq2[discover.Host, error]
	Watch(ctx context.Context, o *discover.WatchOptions) iter.Seq2[discover.Change, error]
	Close() error
}

// Run scans and prints to w. Sockets are opened before any goroutine
// starts, so they belong to the calling thread's network namespace.
func Run(ctx context.Context, o Options, w io.Writer) error {
	return run(ctx, o, w, net.Interfaces, localAddrs, func(ifi *net.Interface, so *discover.Options) (scanner, error) {
		return discover.NewScanner(ifi, so)
	})
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

// hostJSON is the -json object; its keys are the stable contract.
type hostJSON struct {
	Event   string   `json:"event,omitempty"` // with -watch: "joined" or "left"
	MAC     string   `json:"mac"`
	Vendor  string   `json:"vendor"`
	Addrs   []string `json:"addrs"`
	Methods []string `json:"methods"`
	Router  bool     `json:"router"`
	Name    string   `json:"name,omitempty"` // with -names: the host's mDNS name
}

func run(ctx context.Context, o Options, w io.Writer, ifaces func() ([]net.Interface, error),
	local func() ([]netip.Addr, error), open func(*net.Interface, *discover.Options) (scanner, error)) error {
	if o.Timeout < 0 || o.Interval < 0 {
		return errors.New("v6disc: -timeout and -interval must not be negative")
	}
	if o.Timeout == 0 {
		o.Timeout = discover.DefaultTimeout
	}
	if o.Names && o.Watch {
		return errors.New("v6disc: -names works with a scan, not with -watch")
	}
	if o.openNames == nil {
		o.openNames = func(ifi *net.Interface) (namer, error) { return discover.ListenMDNS(ifi) }
	}
	all, err := ifaces()
	if err != nil {
		return fmt.Errorf("v6disc: %w", err)
	}
	var chosen []net.Interface
	for _, ifi := range all {
		if o.Interface != "" {
			if ifi.Name == o.Interface {
				chosen = append(chosen, ifi)
			}
			continue
		}
		if ifi.Flags&net.FlagUp != 0 && ifi.Flags&net.FlagRunning != 0 && ifi.Flags&net.FlagLoopback == 0 && len(ifi.HardwareAddr) == 6 {
			chosen = append(chosen, ifi)
		}
	}
	if o.Interface != "" && len(chosen) == 0 {
		return fmt.Errorf("v6disc: no interface %q", o.Interface)
	}
	if len(chosen) == 0 {
		return ErrNoInterface
	}
	vendors, err := discover.LoadVendors()
	if err != nil {
		return err
	}
	var scanners []scanner
	defer func() {
		for _, s := range scanners {
			s.Close()
		}
	}()
	for i := range chosen {
		s, err := open(&chosen[i], &discover.Options{Timeout: o.Timeout, Vendors: vendors})
		if err != nil {
			return fmt.Errorf("v6disc: %s: %w", chosen[i].Name, err)
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
			n, err := o.openNames(&chosen[i])
			if err != nil {
				return fmt.Errorf("v6disc: %s: %w", chosen[i].Name, err)
			}
			namers[i] = n
		}
	}
	out := &printer{o: o, w: w, printed: map[string]bool{}, own: map[string]bool{}}
	for _, ifi := range all {
		out.own[ifi.HardwareAddr.String()] = true
	}
	if addrs, err := local(); err == nil {
		for _, a := range addrs {
			out.own[a.WithZone("").String()] = true
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, len(scanners))
	for i, s := range scanners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if o.Watch {
				errs[i] = out.watch(ctx, s, chosen[i].Name)
			} else {
				errs[i] = out.scan(ctx, s, chosen[i].Name, namers[i])
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if o.Watch && ctx.Err() != nil {
		return nil // interrupted: the normal end of a watch
	}
	return ctx.Err()
}

// printer serialises output from the interfaces' goroutines.
type printer struct {
	o       Options
	w       io.Writer
	mu      sync.Mutex
	printed map[string]bool
	own     map[string]bool // our MACs and addresses, never printed
	err     error
}

// addrs lists h's addresses as printed: link-locals with their zone, and
// only link-locals with -L.
func (p *printer) addrs(h discover.Host, ifname string) []string {
	var out []string
	if p.own[h.MAC.String()] {
		return nil
	}
	for _, a := range h.Addrs {
		if p.own[a.Addr.String()] {
			continue
		}
		if a.Addr.IsLinkLocalUnicast() {
			out = append(out, a.Addr.WithZone(ifname).String())
		} else if !p.o.LinkLocal {
			out = append(out, a.Addr.String())
		}
	}
	return out
}

func vendorOf(h discover.Host) string {
	if h.Vendor == "" {
		return "unknown"
	}
	return h.Vendor
}

// line prints one address line unless it was printed before.
func (p *printer) line(prefix, addr string, h discover.Host) { p.namedLine(prefix, addr, h, "") }

// namedLine is line with the host's mDNS name as a last column.
func (p *printer) namedLine(prefix, addr string, h discover.Host, name string) {
	key := prefix + addr + h.MAC.String()
	if p.printed[key] {
		return
	}
	p.printed[key] = true
	if p.o.Quiet {
		p.write(fmt.Sprintf("%s%s\n", prefix, addr))
		return
	}
	if name != "" {
		p.write(fmt.Sprintf("%s%-42s %s  %-32s %s\n", prefix, addr, h.MAC, vendorOf(h), name))
		return
	}
	p.write(fmt.Sprintf("%s%-42s %s  %s\n", prefix, addr, h.MAC, vendorOf(h)))
}

func (p *printer) write(s string) {
	if p.err == nil {
		_, p.err = io.WriteString(p.w, s)
	}
}

func (p *printer) json(event string, h discover.Host, ifname, name string) {
	addrs := p.addrs(h, ifname)
	if len(addrs) == 0 {
		return
	}
	b, err := json.Marshal(hostJSON{Event: event, MAC: h.MAC.String(), Vendor: vendorOf(h), Addrs: addrs, Methods: h.Methods.Names(), Router: h.Router, Name: name})
	if err != nil {
		p.err = err
		return
	}
	p.write(string(b) + "\n")
}

func (p *printer) scan(ctx context.Context, s scanner, ifname string, nm namer) error {
	final := map[string]discover.Host{}
	var order []string
	for h, err := range s.Scan(ctx) {
		if err != nil {
			return fmt.Errorf("v6disc: %s: %w", ifname, err)
		}
		k := h.MAC.String()
		if _, ok := final[k]; !ok {
			order = append(order, k)
		}
		final[k] = h
		if p.o.JSON || nm != nil {
			continue // printed once the scan (and the names) are complete
		}
		p.mu.Lock()
		for _, a := range p.addrs(h, ifname) {
			p.line("", a, h)
		}
		err := p.err
		p.mu.Unlock()
		if err != nil {
			return err
		}
	}
	if !p.o.JSON && nm == nil {
		return nil
	}
	slices.Sort(order)
	hostNames := map[string]string{}
	if nm != nil {
		var addrs []netip.Addr
		for _, k := range order {
			for _, a := range final[k].Addrs {
				addrs = append(addrs, a.Addr)
			}
		}
		names, err := nm.Names(ctx, addrs, p.o.Timeout)
		if err != nil && ctx.Err() == nil {
			return fmt.Errorf("v6disc: %s: %w", ifname, err)
		}
		for _, k := range order {
			for _, a := range final[k].Addrs {
				if n := names[a.Addr]; n != "" && hostNames[k] == "" {
					hostNames[k] = n
				}
			}
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, k := range order {
		if p.o.JSON {
			p.json("", final[k], ifname, hostNames[k])
			continue
		}
		for _, a := range p.addrs(final[k], ifname) {
			p.namedLine("", a, final[k], hostNames[k])
		}
	}
	return p.err
}

func (p *printer) watch(ctx context.Context, s scanner, ifname string) error {
	for c, err := range s.Watch(ctx, &discover.WatchOptions{Interval: p.o.Interval}) {
		if err != nil {
			return fmt.Errorf("v6disc: %s: %w", ifname, err)
		}
		p.mu.Lock()
		if p.o.JSON {
			p.json(c.Kind.String(), c.Host, ifname, "")
		} else {
			prefix := "+ "
			if c.Kind == discover.Left {
				prefix = "- "
			}
			for _, a := range p.addrs(c.Host, ifname) {
				delete(p.printed, "+ "+a+c.Host.MAC.String())
				delete(p.printed, "- "+a+c.Host.MAC.String())
				p.line(prefix, a, c.Host)
			}
		}
		err := p.err
		p.mu.Unlock()
		if err != nil {
			return err
		}
	}
	return nil
}
