//go:build linux

package labcmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"

	"github.com/v6kit/v6kit/dhcpv4opt108"
	v6onlyprobe "github.com/v6kit/v6kit/internal/cmd/v6only-probe"
	v6onlyserver "github.com/v6kit/v6kit/internal/cmd/v6only-server"
	"github.com/v6kit/v6kit/internal/lab"
)

const v6OnlyWait = 1800 // seconds, the seed's value

var (
	poolFirst = netip.MustParseAddr("192.0.2.100")
	poolLast  = netip.MustParseAddr("192.0.2.150")
)

// dhcpServer is the LAN's DHCPv4 server for the act: ours, or dnsmasq.
type dhcpServer struct {
	name string
	// requestsFrom reports whether the server saw a REQUEST from mac.
	requestsFrom func(mac string) bool
}

// startOurDHCP runs v6only-server on the router's LAN link.
func startOurDHCP(ctx context.Context, n *network) (*dhcpServer, error) {
	log := &lab.SyncBuffer{}
	sctx, cancel := context.WithCancel(context.Background())
	ready := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- n.router.Run(func() error {
			return v6onlyserver.Run(sctx, v6onlyserver.Options{
				Interface: "eth0", First: poolFirst, Last: poolLast, Router: routerLANv4.Addr(),
				V6OnlyWait: v6OnlyWait, JSON: true, Ready: func() { close(ready) },
			}, log)
		})
	}()
	n.onStop(func() { cancel(); <-done })
	select {
	case <-ready:
	case err := <-done:
		return nil, fmt.Errorf("v6only-server: %w", err)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return &dhcpServer{name: "v6kit v6only-server", requestsFrom: func(mac string) bool {
		for _, line := range strings.Split(log.String(), "\n") {
			var d v6onlyserver.Decision
			if json.Unmarshal([]byte(line), &d) == nil && d.Client == mac && d.Request == "REQUEST" {
				return true
			}
		}
		return false
	}}, nil
}

// startDnsmasq runs dnsmasq on the router's LAN link, option 108 set by
// our renderer.
func startDnsmasq(n *network) (*dhcpServer, error) {
	opt, err := dhcpv4opt108.FromSeconds(v6OnlyWait)
	if err != nil {
		return nil, err
	}
	line, err := dhcpv4opt108.Render(dhcpv4opt108.Dnsmasq, opt)
	if err != nil {
		return nil, err
	}
	dir := n.l.Dir
	conf := filepath.Join(dir, "dnsmasq.conf")
	body := fmt.Sprintf("port=0\ninterface=eth0\nbind-interfaces\ndhcp-range=%s,%s,12h\n%sdhcp-leasefile=%s\npid-file=%s\nlog-dhcp\nlog-facility=-\nno-ping\n",
		poolFirst, poolLast, line, filepath.Join(dir, "dnsmasq.leases"), filepath.Join(dir, "dnsmasq.pid"))
	if err := os.WriteFile(conf, []byte(body), 0o644); err != nil {
		return nil, err
	}
	d, err := n.router.Start(lab.DaemonSpec{
		Name: "dnsmasq",
		Args: []string{"dnsmasq", "-k", "-C", conf},
		Ready: func(d *lab.Daemon) (bool, error) {
			return strings.Contains(d.Log(), "DHCP, IP range"), nil
		},
	})
	if err != nil {
		return nil, err
	}
	return &dhcpServer{name: "dnsmasq", requestsFrom: func(mac string) bool {
		for _, line := range strings.Split(d.Log(), "\n") {
			if strings.Contains(line, "DHCPREQUEST") && strings.Contains(line, mac) {
				return true
			}
		}
		return false
	}}, nil
}

// legacyLease gets a lease the old way from inside h: no option 108 asked.
func legacyLease(ctx context.Context, h *host) (dhcpv4opt108.Result, error) {
	var c *nclient4.Client
	if err := h.NS.Run(func() error {
		var err error
		c, err = nclient4.New(h.IfName, nclient4.WithTimeout(2*time.Second), nclient4.WithRetry(5))
		return err
	}); err != nil {
		return dhcpv4opt108.Result{}, err
	}
	defer c.Close()
	return dhcpv4opt108.Acquire(ctx, c, false)
}

// dhclientLease runs ISC dhclient (no option 108 in its request) inside h
// with a private config, lease file and a script that only logs, and
// returns the address it bound.
func dhclientLease(n *network, h *host) (netip.Addr, error) {
	dir := filepath.Join(n.l.Dir, "dhclient-"+h.Role)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return netip.Addr{}, err
	}
	conf, script, events := filepath.Join(dir, "dhclient.conf"), filepath.Join(dir, "script"), filepath.Join(dir, "events")
	if err := os.WriteFile(conf, []byte("request subnet-mask, routers;\n"), 0o644); err != nil {
		return netip.Addr{}, err
	}
	body := "#!/bin/sh\necho \"$reason $new_ip_address $new_v6_only_preferred\" >> " + events + "\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		return netip.Addr{}, err
	}
	var bound string
	d, err := h.NS.Start(lab.DaemonSpec{
		Name: "dhclient",
		Args: []string{"dhclient", "-4", "-d", "-v", "-cf", conf, "-sf", script, "-lf", filepath.Join(dir, "leases"), "-pf", filepath.Join(dir, "pid"), h.IfName},
		Ready: func(*lab.Daemon) (bool, error) {
			b, _ := os.ReadFile(events)
			for _, line := range strings.Split(string(b), "\n") {
				if strings.HasPrefix(line, "BOUND ") {
					bound = line
					return true, nil
				}
			}
			return false, nil
		},
	})
	if err != nil {
		return netip.Addr{}, err
	}
	defer d.Stop()
	f := strings.Fields(bound)
	if len(f) < 2 {
		return netip.Addr{}, fmt.Errorf("dhclient bound without an address: %q", bound)
	}
	if len(f) > 2 {
		return netip.Addr{}, fmt.Errorf("dhclient's lease carries option 108 it never asked for: %q", bound)
	}
	return netip.ParseAddr(f[1])
}

func actMostlyV6(peers bool) act {
	return act{name: "mostly-v6", run: func(ctx context.Context, n *network, r *Result) error {
		var srv *dhcpServer
		var err error
		if peers && haveCommand("dnsmasq") {
			srv, err = startDnsmasq(n)
		} else {
			srv, err = startOurDHCP(ctx, n)
		}
		if err != nil {
			return err
		}
		// DNS64 and NAT64 on the router, toward an IPv4-only internet.
		withNAT64 := haveNAT64Peers()
		if n.brk != "" && !withNAT64 {
			return fmt.Errorf("-break %s needs unbound and tayga: install them with scripts/install-peers.sh", n.brk)
		}
		if withNAT64 {
			if err := startNAT64(n); err != nil {
				return fmt.Errorf("DNS64/NAT64: %w", err)
			}
		}
		laptop, pi := n.byRole("laptop"), n.byRole("pi")

		// The capable client: our probe, which sends a DISCOVER asking
		// for 108 and never a REQUEST, and reads the RAs. A router
		// answers a solicitation no sooner than 3 s after its last
		// multicast RA (RFC 4861 MIN_DELAY_BETWEEN_RAS) plus up to 0.5 s: wait 5 s, a margin for a loaded machine.
		var out bytes.Buffer
		if err := laptop.NS.Run(func() error {
			return v6onlyprobe.Run(ctx, v6onlyprobe.Options{Interface: laptop.IfName, JSON: true, Timeout: 10 * time.Second, RAWait: 5 * time.Second,
				Name: aOnlyName, Port: 80}, &out)
		}); err != nil {
			return fmt.Errorf("probe: %w", err)
		}
		var rep v6onlyprobe.Report
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			return fmt.Errorf("probe output %q: %w", out.String(), err)
		}
		r.Details["probe"] = rep
		var problems []string
		if !rep.V6Only || rep.EffectiveWaitS == nil || *rep.EffectiveWaitS != v6OnlyWait {
			problems = append(problems, fmt.Sprintf("probe did not stop for %d s: %+v", v6OnlyWait, rep))
		}
		if n.brk != "no-rdnss" && !slices.Contains(rep.RDNSS, routerLANAddr.String()) {
			problems = append(problems, fmt.Sprintf("probe saw RDNSS %v, want %v", rep.RDNSS, routerLANAddr))
		}
		pref64Note := strings.Join(rep.PREF64, ",")
		switch {
		case n.raSource == "radvd":
			// radvd 2.19 (Debian 12) cannot send PREF64; say so.
			pref64Note = "none (radvd 2.19 cannot send PREF64)"
		case !slices.Contains(rep.PREF64, pref64.String()):
			problems = append(problems, fmt.Sprintf("probe saw PREF64 %v, want %v", rep.PREF64, pref64))
		}

		// The IPv6-only client through DNS64 and NAT64: the probe's
		// lines all ✔ (but PREF64 under radvd), then the laptop itself
		// fetches by name and reaches a literal, as a CLAT would.
		var natLines []string
		if n.brk != "" {
			// Broken on purpose: the probe must flag it, on its line.
			want := Breaks[n.brk]
			flagged := ""
			for _, c := range rep.Checks {
				if c.Name == want && !c.OK && !c.Skipped {
					flagged = c.String()
				}
			}
			if flagged == "" {
				problems = append(problems, fmt.Sprintf("-break %s: the probe's %s line is not ✘", n.brk, want))
			}
			r.Details["break"] = n.brk
			natLines = append(natLines, fmt.Sprintf("-break %s: the probe flags it on its %s line", n.brk, want))
			natLines = append(natLines, probeLines(rep.Checks, n.raSource == "radvd")...)
		} else if withNAT64 {
			for _, c := range rep.Checks {
				if !c.OK && c.Name != "option108" && !(c.Name == "pref64" && n.raSource == "radvd") {
					problems = append(problems, "probe: "+c.String())
				}
			}
			// The prefix a client uses: PREF64, or under radvd the
			// RFC 7050 one; the same either way.
			prefix, _ := netip.ParsePrefix(rep.NAT64Prefix)
			if prefix != pref64 {
				problems = append(problems, fmt.Sprintf("probe's NAT64 prefix %q, want %s", rep.NAT64Prefix, pref64))
				prefix = pref64
			}
			nr, err := laptopThroughNAT64(ctx, laptop, prefix, rep.NAT64Source)
			r.Details["nat64"] = nr
			switch {
			case err != nil:
				problems = append(problems, fmt.Sprintf("laptop through NAT64: %v", err))
			case nr.Fetched != inetBody || !seenFromPool(nr.SeenAs):
				problems = append(problems, fmt.Sprintf("laptop fetched %q, seen as %s (want %q from an address of %s)", nr.Fetched, nr.SeenAs, inetBody, nat64Pool))
			}
			natLines = append(natLines,
				fmt.Sprintf("router: DNS64 (unbound, dns64-prefix %s) and NAT64 (tayga, pool %s) toward the IPv4-only internet %s", pref64, nat64Pool, inetRouterV4.Masked()),
				fmt.Sprintf("laptop (IPv6-only): %s → %s, fetched %q over TCP through NAT64 (the server saw %s)", aOnlyName, nr.AAAA, strings.TrimSpace(nr.Fetched), nr.SeenAs),
				fmt.Sprintf("laptop reaches the IPv4 literal %s at %s (the %s prefix, as a CLAT does): echo %.2f ms, TCP connect %.2f ms", nr.Literal, nr.Via, sourceName[nr.Source], nr.EchoMs, nr.TCPMs))
			natLines = append(natLines, probeLines(rep.Checks, n.raSource == "radvd")...)
		} else {
			natLines = append(natLines, "DNS64/NAT64 not run: unbound or tayga not installed (scripts/install-peers.sh)")
		}

		// The legacy client asks no 108 and gets an ordinary lease:
		// dhclient with -peers, else our nclient4-based client.
		var leased netip.Addr
		legacy := "v6kit client (no option 108 asked)"
		if peers && haveCommand("dhclient") {
			legacy = "ISC dhclient"
			if leased, err = dhclientLease(n, pi); err != nil {
				return fmt.Errorf("legacy client (dhclient): %w", err)
			}
		} else {
			res, err := legacyLease(ctx, pi)
			if err != nil {
				return fmt.Errorf("legacy client: %w", err)
			}
			if res.ACK == nil {
				return fmt.Errorf("legacy client got no lease: %v", res)
			}
			leased, _ = netip.AddrFromSlice(res.ACK.YourIPAddr.To4())
			if _, p := dhcpv4opt108.Lookup(res.ACK); p != dhcpv4opt108.Absent {
				problems = append(problems, "legacy client's ACK carries option 108 it never asked for")
			}
			if _, p := dhcpv4opt108.Lookup(res.Offer); p != dhcpv4opt108.Absent {
				problems = append(problems, "legacy client's OFFER carries option 108 it never asked for")
			}
		}
		if leased.Less(poolFirst) || poolLast.Less(leased) {
			problems = append(problems, fmt.Sprintf("legacy client leased %v, outside the pool", leased))
		}

		// The capable client sent no REQUEST; the legacy one did.
		if srv.requestsFrom(laptop.MAC.String()) {
			problems = append(problems, "the server saw a REQUEST from the IPv6-only-capable client")
		}
		if !srv.requestsFrom(pi.MAC.String()) {
			problems = append(problems, "the server's log shows no REQUEST from the legacy client")
		}
		r.Details["server"] = srv.name
		r.Details["legacy_lease"] = leased.String()
		r.Details["lines"] = []string{
			fmt.Sprintf("capable client (laptop): IPv6-only for %d s, no REQUEST sent; RAs carry PREF64 %v, RDNSS %v",
				v6OnlyWait, pref64Note, strings.Join(rep.RDNSS, ",")),
			fmt.Sprintf("legacy client (pi, %s): lease %v, no option 108", legacy, leased),
		}
		r.Details["lines"] = append(r.Details["lines"].([]string), natLines...)
		r.Summary = fmt.Sprintf("%s offers option 108: the capable client stops for %d s, the legacy one leases %v", srv.name, v6OnlyWait, leased)
		if withNAT64 && n.brk == "" {
			r.Summary += "; it reaches the IPv4-only internet through DNS64 and NAT64"
		}
		r.Next = "sudo go run ./examples/v6only-probe -i eth0"
		if len(problems) > 0 {
			return fmt.Errorf("%s", strings.Join(problems, "; "))
		}
		return nil
	}}
}

// seenFromPool reports whether the IPv4-only server saw the laptop from
// tayga's pool (the address comes over the network: never trusted to parse).
func seenFromPool(seenAs string) bool {
	a, err := netip.ParseAddr(seenAs)
	return err == nil && nat64Pool.Contains(a)
}
