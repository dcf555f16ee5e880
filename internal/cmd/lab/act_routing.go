//go:build linux

package labcmd

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/ripng"
)

const upstreamTag = 42

// startSpeaker runs our RIPng speaker on ifname inside ns, announcing
// routes, until the lab stops.
func startSpeaker(n *network, ns *lab.Netns, ifname string, announce []ripng.Route) (*ripng.Speaker, error) {
	var c *ripng.Conn
	if err := ns.Run(func() error {
		var err error
		c, err = ripng.Listen(ifname)
		return err
	}); err != nil {
		return nil, err
	}
	sp, err := ripng.NewSpeaker(ripng.Config{
		Interfaces: []ripng.Interface{{Name: ifname, Conn: c, LinkLocal: c.LinkLocal()}},
		Announce:   announce,
	})
	if err != nil {
		c.Close()
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sp.Run(ctx) }()
	n.onStop(func() { cancel(); <-done; c.Close() })
	return sp, nil
}

// upstreamRouter is the router on the far side of the transit link: our
// speaker, or BIRD with -peers.
type upstreamRouter struct {
	name     string
	table    func() (string, error)             // `birdc show route`-like text
	learned  func(p netip.Prefix) (bool, error) // has a route for p
	withdraw func() error
}

func startUpstreamSpeaker(n *network) (*upstreamRouter, error) {
	sp, err := startSpeaker(n, n.upstream, "eth0", []ripng.Route{{Prefix: upstreamPrefix, Tag: upstreamTag, Metric: 1}})
	if err != nil {
		return nil, err
	}
	return &upstreamRouter{
		name:  "v6kit ripng speaker",
		table: func() (string, error) { return showRoutes(sp.Routes()), nil },
		learned: func(p netip.Prefix) (bool, error) {
			for _, r := range sp.Routes() {
				if r.Prefix == p && r.Source == "rip" && r.Metric < 16 {
					return true, nil
				}
			}
			return false, nil
		},
		withdraw: func() error {
			if !sp.Withdraw(upstreamPrefix) {
				return fmt.Errorf("upstream speaker does not announce %v", upstreamPrefix)
			}
			return nil
		},
	}, nil
}

func startUpstreamBird(n *network) (*upstreamRouter, error) {
	dir := filepath.Join(n.l.Dir, "bird")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	conf, sock := filepath.Join(dir, "bird.conf"), filepath.Join(dir, "bird.ctl")
	cfg := fmt.Sprintf(`router id 192.0.2.2;
log stderr all;
protocol device {}
protocol static upstream {
	ipv6;
	route %s blackhole;
}
protocol rip ng {
	ipv6 {
		import all;
		export filter { if net = %s then rip_tag = %d; accept; };
	};
	interface "eth0" {};
}
`, upstreamPrefix, upstreamPrefix, upstreamTag)
	if err := os.WriteFile(conf, []byte(cfg), 0o644); err != nil {
		return nil, err
	}
	birdc := func(args ...string) (string, error) {
		out, err := n.upstream.Output(context.Background(), "birdc", append([]string{"-s", sock}, args...)...)
		return string(out), err
	}
	if _, err := n.upstream.Start(lab.DaemonSpec{
		Name: "bird",
		Args: []string{"bird", "-f", "-c", conf, "-s", sock, "-P", filepath.Join(dir, "bird.pid")},
		Ready: func(*lab.Daemon) (bool, error) {
			out, err := birdc("show", "status")
			return err == nil && strings.Contains(out, "Daemon is up and running"), nil
		},
	}); err != nil {
		return nil, err
	}
	return &upstreamRouter{
		name:  "BIRD " + birdVersion(birdc),
		table: func() (string, error) { return birdc("show", "route") },
		learned: func(p netip.Prefix) (bool, error) {
			out, err := birdc("show", "route", "for", p.String(), "protocol", "rip1")
			return err == nil && strings.Contains(out, p.String()), nil
		},
		withdraw: func() error { _, err := birdc("disable", "upstream"); return err },
	}, nil
}

func birdVersion(birdc func(...string) (string, error)) string {
	out, _ := birdc("show", "status")
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "BIRD" {
			return f[1]
		}
	}
	return ""
}

// showRoutes prints a speaker's table like `birdc show route`.
func showRoutes(rs []ripng.RouteInfo) string {
	var b strings.Builder
	for _, r := range rs {
		via := "unicast"
		if r.Source == "rip" {
			via = fmt.Sprintf("via %s on %s", r.NextHop, r.Interface)
		}
		fmt.Fprintf(&b, "%-22s %s [%s] metric %d tag %d age %v\n", r.Prefix, via, r.Source, r.Metric, r.Tag, r.Age.Round(time.Second))
	}
	return b.String()
}

func routeFor(sp *ripng.Speaker, p netip.Prefix) (ripng.RouteInfo, bool) {
	for _, r := range sp.Routes() {
		if r.Prefix == p {
			return r, true
		}
	}
	return ripng.RouteInfo{}, false
}

func actRouting(peers bool) act {
	return act{name: "routing", run: func(ctx context.Context, n *network, r *Result) error {
		lanRoutes := []ripng.Route{{Prefix: lanPrefix, Metric: 1}, {Prefix: lanULA, Metric: 1}}
		router, err := startSpeaker(n, n.router, "eth1", lanRoutes)
		if err != nil {
			return fmt.Errorf("LAN router speaker: %w", err)
		}
		var up *upstreamRouter
		if peers && haveCommand("bird") && haveCommand("birdc") {
			up, err = startUpstreamBird(n)
		} else {
			up, err = startUpstreamSpeaker(n)
		}
		if err != nil {
			return fmt.Errorf("upstream router: %w", err)
		}
		start := time.Now()
		// Both learn the other's routes: RIPng's request on start makes
		// this take milliseconds, not the 30 s periodic update.
		err = lab.WaitFor(ctx, 10*time.Millisecond, func() (bool, error) {
			rt, ok := routeFor(router, upstreamPrefix)
			if !ok || rt.Metric >= 16 {
				return false, nil
			}
			for _, p := range []netip.Prefix{lanPrefix, lanULA} {
				if ok, err := up.learned(p); !ok || err != nil {
					return false, err
				}
			}
			return true, nil
		})
		if err != nil {
			return fmt.Errorf("routes not exchanged with %s: %w", up.name, err)
		}
		converged := time.Since(start)
		rt, _ := routeFor(router, upstreamPrefix)
		var problems []string
		if rt.NextHop != upstreamLL || rt.Tag != upstreamTag || rt.Metric != 2 {
			problems = append(problems, fmt.Sprintf("LAN router's route %v via %v metric %d tag %d, want via %v metric 2 tag %d",
				rt.Prefix, rt.NextHop, rt.Metric, rt.Tag, upstreamLL, upstreamTag))
		}
		upTable, err := up.table()
		if err != nil {
			return err
		}
		routerTable := showRoutes(router.Routes())

		// Withdraw upstream's prefix: it must reach us as metric 16 (a
		// triggered update, 1–5 s), not silently time out after 180 s.
		wstart := time.Now()
		if err := up.withdraw(); err != nil {
			return err
		}
		err = lab.WaitFor(ctx, 10*time.Millisecond, func() (bool, error) {
			rt, ok := routeFor(router, upstreamPrefix)
			return ok && rt.Metric == 16, nil
		})
		if err != nil {
			return fmt.Errorf("withdrawn %v never reached the LAN router as metric 16: %w", upstreamPrefix, err)
		}
		withdrawn := time.Since(wstart)
		after := showRoutes(router.Routes())

		var lines []string
		lines = append(lines, "LAN router (v6kit ripng speaker):")
		for _, l := range strings.Split(strings.TrimSpace(routerTable), "\n") {
			lines = append(lines, "  "+l)
		}
		lines = append(lines, fmt.Sprintf("upstream router (%s):", up.name))
		for _, l := range strings.Split(strings.TrimSpace(upTable), "\n") {
			lines = append(lines, "  "+l)
		}
		lines = append(lines, fmt.Sprintf("after the upstream withdrew %v (%v later):", upstreamPrefix, withdrawn.Round(time.Millisecond)))
		for _, l := range strings.Split(strings.TrimSpace(after), "\n") {
			if strings.HasPrefix(l, upstreamPrefix.String()) {
				lines = append(lines, "  "+l)
			}
		}
		r.Details["lines"] = lines
		r.Details["upstream"] = up.name
		r.Details["converged_seconds"] = converged.Seconds()
		r.Details["withdrawn_seconds"] = withdrawn.Seconds()
		r.Summary = fmt.Sprintf("routes exchanged with %s in %v; the withdrawn %v reached the LAN router as metric 16 in %v",
			up.name, converged.Round(time.Millisecond), upstreamPrefix, withdrawn.Round(time.Millisecond))
		r.Next = "sudo go run ./examples/ripngd -i eth0 -announce 2001:db8:1:1::/64"
		if len(problems) > 0 {
			return fmt.Errorf("%s", strings.Join(problems, "; "))
		}
		return nil
	}}
}
