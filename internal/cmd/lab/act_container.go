//go:build linux

package labcmd

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/macvlan"
	"github.com/v6kit/v6kit/slaac"
)

// parentState is what must not change on the shim's parent: the link's
// flags, MAC and MTU, its addresses and its routes (lifetimes left out, as
// they count down by themselves).
func parentState(ctx context.Context, ns *lab.Netns, ifname string) (string, error) {
	var b strings.Builder
	out, err := ns.Output(ctx, "ip", "-j", "link", "show", "dev", ifname)
	if err != nil {
		return "", err
	}
	var links []struct {
		Flags   []string `json:"flags"`
		MTU     int      `json:"mtu"`
		Address string   `json:"address"`
		State   string   `json:"operstate"`
	}
	if err := json.Unmarshal(out, &links); err != nil {
		return "", err
	}
	fmt.Fprintf(&b, "link %+v\n", links)
	addrs, err := ns.Addrs(ifname, "inet6")
	if err != nil {
		return "", err
	}
	for _, a := range addrs {
		fmt.Fprintf(&b, "addr %v %v\n", a.Prefix, a.Flags)
	}
	for _, fam := range []string{"-4", "-6"} {
		out, err := ns.Output(ctx, "ip", "-j", fam, "route", "show", "table", "all")
		if err != nil {
			return "", err
		}
		var routes []map[string]any
		if err := json.Unmarshal(out, &routes); err != nil {
			return "", err
		}
		for _, r := range routes {
			if r["dev"] != ifname {
				continue
			}
			fmt.Fprintf(&b, "route %v via %v metric %v pref %v table %v\n", r["dst"], r["gateway"], r["metric"], r["pref"], r["table"])
		}
	}
	return b.String(), nil
}

func actContainer() act {
	return act{name: "container", run: func(ctx context.Context, n *network, r *Result) error {
		host, ct := n.lxdHost, n.container
		iid, err := slaac.EUI64(ct.MAC)
		if err != nil {
			return err
		}
		ll := slaac.LinkLocal(iid)
		global, err := slaac.Addr(lanPrefix, iid)
		if err != nil {
			return err
		}
		var lines []string

		// A macvlan child never talks to its parent: the host cannot
		// reach its own container. While either still runs duplicate
		// address detection the two can glimpse each other, so wait for
		// both to settle first. (The 1 s wait is the only way to show a
		// negative; the host's neighbour resolution is under way by then.)
		if err := waitDADDone(ctx, host, ct); err != nil {
			return err
		}
		before, err := parentState(ctx, host.NS, host.IfName)
		if err != nil {
			return err
		}
		negatives := []netip.Addr{ll, global}
		reached := make([]error, len(negatives))
		var wg sync.WaitGroup
		for i, dst := range negatives { // both at once: each waits 1 s
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, reached[i] = pingFor(ctx, time.Second, host.NS, host.IfName, dst)
			}()
		}
		wg.Wait()
		for i, dst := range negatives {
			if reached[i] == nil {
				return fmt.Errorf("the LXD host reached its macvlan container at %s without a shim: the lab is not what it claims", dst)
			}
			lines = append(lines, fmt.Sprintf("without shim: %s unreachable from the LXD host ✔", dst))
		}

		cfg := macvlan.Config{Parent: host.IfName}
		var shim *macvlan.Shim
		if err := host.NS.Run(func() error {
			var err error
			shim, err = macvlan.Ensure(ctx, cfg)
			return err
		}); err != nil {
			return fmt.Errorf("ensure shim: %w", err)
		}
		lines = append(lines, fmt.Sprintf("shim %s (%s, MAC %s) with %d routes", shim.Name, shim.Mode, shim.MAC, len(shim.Routes)))
		rtts := map[string]string{}
		for _, dst := range []struct {
			addr netip.Addr
			zone string
		}{{ll, shim.Name}, {global, ""}} {
			rtt, err := pingFor(ctx, 10*time.Second, host.NS, dst.zone, dst.addr)
			if err != nil {
				return fmt.Errorf("with the shim, the container at %s still does not answer: %w", dst.addr, err)
			}
			rtts[dst.addr.String()] = rtt.String()
			lines = append(lines, fmt.Sprintf("with shim: %s answers in %v ✔", dst.addr, rtt.Round(time.Microsecond)))
		}

		var removed bool
		if err := host.NS.Run(func() error {
			var err error
			removed, err = macvlan.Remove(ctx, cfg)
			return err
		}); err != nil {
			return fmt.Errorf("remove shim: %w", err)
		}
		after, err := parentState(ctx, host.NS, host.IfName)
		if err != nil {
			return err
		}
		if !removed {
			return fmt.Errorf("remove found no shim to remove")
		}
		if before != after {
			return fmt.Errorf("the parent changed:\n--- before ---\n%s--- after ---\n%s", before, after)
		}
		links, err := listMacvlans(ctx, host)
		if err != nil {
			return err
		}
		if slices.Contains(links, shim.Name) {
			return fmt.Errorf("shim %s still present after Remove", shim.Name)
		}
		lines = append(lines, "shim removed; the parent's link, addresses and routes are exactly as before ✔")
		r.Details["lines"] = lines
		r.Details["container"] = []string{ll.String(), global.String()}
		r.Details["rtt"] = rtts
		r.Summary = fmt.Sprintf("container unreachable from its host without the shim, answers with it (%d routes), parent unchanged after removal", len(shim.Routes))
		r.Next = "sudo go run ./examples/macvlan-shim -parent eth0"
		return nil
	}}
}

func listMacvlans(ctx context.Context, h *host) ([]string, error) {
	var names []string
	err := h.NS.Run(func() error {
		links, err := macvlan.List(ctx, h.IfName)
		for _, l := range links {
			names = append(names, l.Name)
		}
		return err
	})
	return names, err
}

// waitDADDone waits until no address of the hosts is still tentative or
// optimistic.
func waitDADDone(ctx context.Context, hs ...*host) error {
	return lab.WaitFor(ctx, 20*time.Millisecond, func() (bool, error) {
		for _, h := range hs {
			addrs, err := h.NS.Addrs(h.IfName, "inet6")
			if err != nil {
				return false, err
			}
			for _, a := range addrs {
				if a.Has("tentative") || a.Has("optimistic") {
					return false, nil
				}
			}
		}
		return true, nil
	})
}
