//go:build linux

package labcmd

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	v6onlyprobe "github.com/v6kit/v6kit/internal/cmd/v6only-probe"
	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/nat64"
)

// The IPv4 internet of the mostly-v6 act: documentation ranges, so the
// NAT64 prefix is network-specific (pref64): RFC 6052, Section 3.1 keeps
// the Well-Known Prefix away from non-global IPv4 addresses, and tayga
// enforces it.
var (
	inetRouterV4 = netip.MustParsePrefix("198.51.100.1/24")
	inetServerV4 = netip.MustParseAddr("198.51.100.2")
	nat64Pool    = netip.MustParsePrefix("192.168.255.0/24") // tayga's dynamic pool
	taygaAddr    = netip.MustParseAddr("2001:db8:1:ffff::1") // tayga's own IPv6 address
	// aOnlyName has only an A record: the IPv4-only server.
	aOnlyName = "ipv4-only.example."
)

const inetBody = "hello from the IPv4 internet\n"

// haveNAT64Peers reports whether unbound and tayga are installed; without
// them the act runs without DNS64 and NAT64 and says so.
func haveNAT64Peers() bool { return haveCommand("unbound") && haveCommand("tayga") }

// startNAT64 gives the router a link to an IPv4-only internet (a namespace
// whose server answers HTTP on inetServerV4), and runs DNS64 (unbound) and
// NAT64 (tayga) on it: the recipe of docs/nat64.md.
func startNAT64(n *network) error {
	inet, err := n.l.Namespace("inet")
	if err != nil {
		return err
	}
	if err := n.l.Veth(n.router, "eth2", inet, "eth0"); err != nil {
		return err
	}
	if err := n.router.Up("eth2"); err != nil {
		return err
	}
	if err := inet.Up("eth0"); err != nil {
		return err
	}
	if err := n.router.AddAddr("eth2", inetRouterV4); err != nil {
		return err
	}
	if err := inet.AddAddr("eth0", netip.PrefixFrom(inetServerV4, inetRouterV4.Bits())); err != nil {
		return err
	}
	// The IPv4 side routes tayga's pool back to the router: without this
	// the server's answers go nowhere.
	if err := inet.IP("route", "add", nat64Pool.String(), "via", inetRouterV4.Addr().String()); err != nil {
		return err
	}
	stop, err := inet.ServeHTTP(netip.AddrPortFrom(inetServerV4, 80), inetBody)
	if err != nil {
		return err
	}
	n.onStop(stop)
	dns64 := pref64
	if n.brk == "dns64-prefix" {
		dns64 = nat64.WellKnownPrefix // not the prefix the RAs announce
	}
	if _, err := n.router.StartUnbound("unbound", lab.UnboundConfig{
		Listen: []netip.Addr{routerLANAddr}, DNS64Prefix: dns64,
		Records: map[string][]netip.Addr{aOnlyName: {inetServerV4}},
	}); err != nil {
		return err
	}
	tayga, err := n.router.StartTayga("tayga", lab.TaygaConfig{Prefix: pref64, Pool: nat64Pool, IPv6Addr: taygaAddr})
	if err != nil {
		return err
	}
	if n.brk == "nat64-down" {
		return tayga.Stop() // the translator dies; DNS64 goes on synthesising
	}
	return nil
}

// nat64Result is what the laptop did through NAT64: the act's "nat64"
// detail.
type nat64Result struct {
	Prefix  string  `json:"prefix"`  // the prefix it used, and where from
	Source  string  `json:"source"`  // "pref64" or "dns64"
	Name    string  `json:"name"`    // the A-only name
	AAAA    string  `json:"aaaa"`    // what DNS64 answered for it
	Fetched string  `json:"fetched"` // the body fetched from it
	SeenAs  string  `json:"seen_as"` // the laptop's address as the IPv4 server saw it
	Literal string  `json:"literal"` // the IPv4 literal reached
	Via     string  `json:"via"`     // its synthesised address
	EchoMs  float64 `json:"echo_ms"` // ICMPv6 echo through NAT64
	TCPMs   float64 `json:"tcp_ms"`  // TCP connect through NAT64
}

// laptopThroughNAT64 runs, inside the laptop, what an IPv6-only client
// does: resolve an A-only name and fetch from it over TCP, then reach an
// IPv4 literal at its address under prefix (the PREF64 one, as a CLAT
// does), by echo and TCP.
func laptopThroughNAT64(ctx context.Context, h *host, prefix netip.Prefix, source string) (nat64Result, error) {
	res := nat64Result{Prefix: prefix.String(), Source: source, Name: aOnlyName, Literal: inetServerV4.String()}
	// Each step gets its own few seconds, as the probe's do: a dead NAT64
	// is reported as such, not as the whole act running out of time.
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	step := func() (context.Context, context.CancelFunc) { return context.WithTimeout(ctx, 3*time.Second) }
	err := h.NS.Run(func() error {
		r := &nat64.Resolver{Server: netip.AddrPortFrom(routerLANAddr, 53)}
		a, err := r.Lookup(ctx, aOnlyName, nat64.TypeAAAA)
		if err != nil {
			return err
		}
		if len(a.Addrs) == 0 {
			return fmt.Errorf("DNS64 synthesised no AAAA for %s", aOnlyName)
		}
		res.AAAA = a.Addrs[0].String()
		var seen netip.Addr
		if res.Fetched, seen, err = lab.Fetch(ctx, netip.AddrPortFrom(a.Addrs[0], 80)); err != nil {
			return fmt.Errorf("fetch %s: %w", aOnlyName, err)
		}
		if seen.IsValid() {
			res.SeenAs = seen.String()
		}
		via, err := nat64.Synthesize(prefix, inetServerV4)
		if err != nil {
			return err
		}
		res.Via = via.String()
		pctx, pcancel := step()
		defer pcancel()
		echo, err := nat64.Ping(pctx, via)
		if err != nil {
			return err
		}
		cctx, ccancel := step()
		defer ccancel()
		tcp, err := nat64.Connect(cctx, netip.AddrPortFrom(via, 80))
		if err != nil {
			return err
		}
		res.EchoMs, res.TCPMs = ms(echo), ms(tcp)
		return nil
	})
	return res, err
}

// sourceName says where the prefix came from, in the act's lines.
var sourceName = map[string]string{"pref64": "PREF64", "dns64": "RFC 7050"}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// probeLines renders the probe's checks for the act's report; under radvd
// the missing PREF64 is expected, and the line says so.
func probeLines(checks []v6onlyprobe.Check, radvd bool) []string {
	var out []string
	for _, c := range checks {
		line := "probe: " + c.String()
		if radvd && c.Name == "pref64" && !c.OK {
			line += " (expected: radvd 2.19 cannot send PREF64; clients fall back to RFC 7050)"
		}
		out = append(out, line)
	}
	return out
}
