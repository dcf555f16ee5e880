//go:build linux

package labcmd

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/v6kit/v6kit/discover"
)

// actRescue finds every host on the LAN from the router with discover, the
// way a user finds a device that fell off the IPv4 network.
func actRescue(ps []prediction) act {
	return act{name: "rescue", run: func(ctx context.Context, n *network, r *Result) error {
		// Every host must show up with its link-local address, and hosts
		// without temporary addresses with all their stable ones. A host
		// with RFC 8981 temporary addresses answers from those, and its
		// RFC 7217 stable address is unguessable by design: it is counted,
		// not required.
		want := map[string]prediction{} // by MAC
		for _, p := range ps {
			if p.h.Temporary {
				p.addrs = p.addrs[:1]
			}
			want[p.h.MAC.String()] = p
		}
		ifi, err := n.router.Interface("eth0")
		if err != nil {
			return err
		}
		var s *discover.Scanner
		if err := n.router.Run(func() error {
			var err error
			s, err = discover.NewScanner(ifi, &discover.Options{Timeout: 2 * time.Second})
			return err
		}); err != nil {
			return err
		}
		defer s.Close()

		sctx, cancel := context.WithCancel(ctx)
		defer cancel()
		start := time.Now()
		found := map[string]discover.Host{}
		complete := func() bool {
			for mac, p := range want {
				h, ok := found[mac]
				if !ok {
					return false
				}
				for _, a := range p.addrs {
					if !h.Has(a) {
						return false
					}
				}
			}
			return true
		}
		var allAt time.Duration
		for h, err := range s.Scan(sctx) {
			if err != nil {
				if sctx.Err() != nil {
					break
				}
				return err
			}
			found[h.MAC.String()] = h
			if allAt == 0 && complete() {
				allAt = time.Since(start)
				cancel() // everyone answered: no need to wait for stragglers
			}
		}
		if allAt == 0 {
			var missing []string
			for mac, p := range want {
				h, ok := found[mac]
				if !ok {
					missing = append(missing, p.h.Role+" (not found)")
					continue
				}
				for _, a := range p.addrs {
					if !h.Has(a) {
						missing = append(missing, p.h.Role+" "+a.String())
					}
				}
			}
			slices.Sort(missing)
			return fmt.Errorf("scan ended without finding %s", strings.Join(missing, ", "))
		}

		var lines []string
		hosts := []map[string]any{}
		var problems []string
		stableFound := 0
		for _, p := range ps {
			h := found[p.h.MAC.String()]
			for _, a := range p.addrs {
				if h.Has(a) {
					stableFound++
				}
			}
			var addrs []string
			for _, a := range h.Addrs {
				addrs = append(addrs, a.Addr.WithZone("").String()) // the index zone means nothing outside the lab
			}
			lines = append(lines, fmt.Sprintf("%-9s %s  %-32s by %s", p.h.Role, h.MAC, h.Vendor, h.Methods))
			hosts = append(hosts, map[string]any{"role": p.h.Role, "mac": h.MAC.String(), "vendor": h.Vendor, "addrs": addrs, "methods": h.Methods.Names()})
			n.setFound(h.MAC.String(), fmt.Sprintf("%s; found by %s", h.Vendor, h.Methods))
		}
		if v := found[n.byRole("pi").MAC.String()].Vendor; !strings.Contains(v, "Raspberry Pi") {
			problems = append(problems, fmt.Sprintf("the Pi's vendor is %q, want Raspberry Pi", v))
		}
		lost := n.byRole("lost")
		ll := want[lost.MAC.String()].addrs[0]
		lines = append(lines, fmt.Sprintf("the lost device: ssh user@%s%%eth0 (from the router)", ll))
		r.Details["hosts"] = hosts
		r.Details["lines"] = lines
		r.Details["all_found_seconds"] = allAt.Seconds()
		r.Details["stable_found"] = stableFound
		r.Details["stable_total"] = countAddrs(ps)
		r.Summary = fmt.Sprintf("all %d hosts found in %v, grouped by MAC with vendors (the echo-ignoring IoT device too); %d of %d stable addresses (the laptop's stable-privacy ones hide behind its temporary addresses)",
			len(want), allAt.Round(time.Millisecond), stableFound, countAddrs(ps))
		r.Next = "sudo go run ./examples/v6disc -i eth0"
		if len(problems) > 0 {
			return fmt.Errorf("%s", strings.Join(problems, "; "))
		}
		return nil
	}}
}

func countAddrs(ps []prediction) int {
	n := 0
	for _, p := range ps {
		n += len(p.addrs)
	}
	return n
}
