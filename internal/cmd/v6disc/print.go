package v6disc

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"sync"

	"github.com/v6kit/v6kit/discover"
)

// hostJSON is the -json object; its keys are the stable contract,
// documented in the help and pinned by testdata/json.golden.
type hostJSON struct {
	Event   string   `json:"event,omitempty"` // with -watch: "joined", "added", "removed" or "left"
	MAC     string   `json:"mac"`
	Vendor  string   `json:"vendor"`
	Addrs   []string `json:"addrs"`
	Kinds   []string `json:"kinds"` // how each of addrs was formed, in the same order
	Methods []string `json:"methods"`
	Router  bool     `json:"router"`
	Name    string   `json:"name,omitempty"` // with -names: the host's mDNS name
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

// shown is one address as printed, with its kind (slaac.Kind's name).
type shown struct{ addr, kind string }

// addrs lists h's addresses as printed: link-locals with their zone, and
// only link-locals with -L.
func (p *printer) addrs(h discover.Host, ifname string) []shown { return p.list(h, h.Addrs, ifname) }

// list is addrs for some of h's addresses.
func (p *printer) list(h discover.Host, as []discover.Addr, ifname string) []shown {
	var out []shown
	if p.own[h.MAC.String()] {
		return nil
	}
	for _, a := range as {
		if p.own[a.Addr.WithZone("").String()] {
			continue
		}
		if a.Addr.IsLinkLocalUnicast() {
			out = append(out, shown{a.Addr.WithZone(ifname).String(), a.Kind.String()})
		} else if !p.o.LinkLocal {
			out = append(out, shown{a.Addr.String(), a.Kind.String()})
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
func (p *printer) line(prefix string, a shown, h discover.Host) { p.namedLine(prefix, a, h, "") }

// namedLine is line with the host's mDNS name as a last column.
func (p *printer) namedLine(prefix string, a shown, h discover.Host, name string) {
	addr := a.addr
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
		p.write(fmt.Sprintf("%s%-42s %-16s %s  %-32s %s\n", prefix, addr, a.kind, h.MAC, vendorOf(h), name))
		return
	}
	p.write(fmt.Sprintf("%s%-42s %-16s %s  %s\n", prefix, addr, a.kind, h.MAC, vendorOf(h)))
}

func (p *printer) write(s string) {
	if p.err == nil {
		_, p.err = io.WriteString(p.w, s)
	}
}

func (p *printer) json(event string, h discover.Host, as []shown, name string) {
	if len(as) == 0 {
		return
	}
	addrs, kinds := make([]string, len(as)), make([]string, len(as))
	for i, a := range as {
		addrs[i], kinds[i] = a.addr, a.kind
	}
	b, err := json.Marshal(hostJSON{Event: event, MAC: h.MAC.String(), Vendor: vendorOf(h), Addrs: addrs, Kinds: kinds, Methods: h.Methods.Names(), Router: h.Router, Name: name})
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
			return fmt.Errorf("interface %q: %w", ifname, err)
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
			return fmt.Errorf("interface %q: %w", ifname, err)
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
			p.json("", final[k], p.addrs(final[k], ifname), hostNames[k])
			continue
		}
		for _, a := range p.addrs(final[k], ifname) {
			p.namedLine("", a, final[k], hostNames[k])
		}
	}
	return p.err
}

// watch prints changes: "+ addr" for a joining host's addresses and for
// those found later, "- addr" for an address gone silent and for every
// address of a host that left.
func (p *printer) watch(ctx context.Context, s scanner, ifname string) error {
	for c, err := range s.Watch(ctx, &discover.WatchOptions{Interval: p.o.Interval}) {
		if err != nil {
			return fmt.Errorf("interface %q: %w", ifname, err)
		}
		p.mu.Lock()
		addrs := p.list(c.Host, c.Addrs, ifname)
		if p.o.JSON {
			p.json(c.Kind.String(), c.Host, addrs, "")
		} else {
			prefix := "+ "
			if c.Kind == discover.Left || c.Kind == discover.Removed {
				prefix = "- "
			}
			for _, a := range addrs {
				delete(p.printed, "+ "+a.addr+c.Host.MAC.String())
				delete(p.printed, "- "+a.addr+c.Host.MAC.String())
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

// stream prints one JSON object per event as the scan finds it: "joined"
// with the addresses known when a host first has one to print, "added"
// with each address found later. Each address is printed once.
func (p *printer) stream(ctx context.Context, s scanner, ifname string) error {
	seen := map[string]map[string]bool{} // by MAC: addresses printed
	for e, err := range s.Events(ctx) {
		if err != nil {
			return fmt.Errorf("interface %q: %w", ifname, err)
		}
		if e.Kind != discover.FoundAddr {
			continue
		}
		k := e.Host.MAC.String()
		p.mu.Lock()
		if seen[k] == nil {
			if addrs := p.addrs(e.Host, ifname); len(addrs) > 0 {
				seen[k] = map[string]bool{}
				for _, a := range addrs {
					seen[k][a.addr] = true
				}
				p.json(discover.Joined.String(), e.Host, addrs, "")
			}
		} else {
			var fresh []shown
			for _, a := range p.list(e.Host, []discover.Addr{e.Addr}, ifname) {
				if !seen[k][a.addr] {
					seen[k][a.addr] = true
					fresh = append(fresh, a)
				}
			}
			p.json(discover.Added.String(), e.Host, fresh, "")
		}
		err := p.err
		p.mu.Unlock()
		if err != nil {
			return err
		}
	}
	return nil
}
