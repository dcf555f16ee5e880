package v6onlyprobe

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/nat64"
	"github.com/v6kit/v6kit/ndp"
)

// checkTimeout bounds each DNS and NAT64 check, so a dead DNS64 or NAT64
// costs a few seconds, not the OFFER timeout.
const checkTimeout = 3 * time.Second

// DefaultName is the A-only name the DNS64 check asks for unless -name
// says: a name of the IPv4 internet with A records only.
const DefaultName = "ipv4.google.com"

// DefaultPort is the TCP port the NAT64 check connects to.
const DefaultPort = 443

// nat64Net are the probe's DNS and path operations; tests replace them.
type nat64Net struct {
	lookup  func(ctx context.Context, server netip.AddrPort, name string, typ uint16) (nat64.Answer, error)
	ping    func(ctx context.Context, dst netip.Addr) (time.Duration, error)
	connect func(ctx context.Context, dst netip.AddrPort) (time.Duration, error)
}

func (o *Options) net() nat64Net {
	n := nat64Net{lookup: o.Lookup, ping: o.Ping, connect: o.Connect}
	if n.lookup == nil {
		n.lookup = func(ctx context.Context, server netip.AddrPort, name string, typ uint16) (nat64.Answer, error) {
			return (&nat64.Resolver{Server: server}).Lookup(ctx, name, typ)
		}
	}
	if n.ping == nil {
		n.ping = nat64.Ping
	}
	if n.connect == nil {
		n.connect = nat64.Connect
	}
	return n
}

// Fixes named in the report: the seed's OpenWrt, unbound and Jool
// settings, and their radvd and tayga equivalents.
const (
	fixOption108 = "send option 108 from the DHCPv4 server: OpenWrt /etc/config/dhcp: list dhcp_option '108,00:00:07:08' (1800 s); dnsmasq: dhcp-option=option:ipv6-only,1800; Kea: v6-only-preferred"
	fixPREF64    = "announce the NAT64 prefix in the RAs: OpenWrt odhcpd: option ra_pref64 '64:ff9b::/96' (the jool pool6 prefix); radvd 2.20+: nat64prefix 64:ff9b::/96 {};"
	fixLifetime  = "give PREF64 a lifetime of at least the router lifetime: odhcpd and radvd default to 3 × MaxRtrAdvInterval; do not set it below (opnsense core #10687: 16 s)"
	fixRDNSS     = "announce the DNS64 resolver in the RAs: OpenWrt odhcpd: option ra_dns '1' with the router's address (dhcp.lan.dns); radvd: RDNSS ADDR {};"
	fixDeadRDNSS = "announce only resolvers that answer: a client asks its RDNSS servers in order and waits out each dead one (glibc: 5 s) before the next; start it, or drop it from the RAs (odhcpd: dhcp.lan.dns; radvd: RDNSS)"
	fixResolver  = "the DNS server did not answer: check that it runs and listens on that address (-dns, else the RDNSS of the RAs) and that nothing drops UDP and TCP port 53 to it"
	fixDNS64     = "turn on DNS64 in the resolver: unbound: module-config: \"dns64 validator iterator\" and dns64-prefix: PREFIX (the NAT64 prefix)"
	fixAgree     = "use one prefix everywhere: unbound dns64-prefix, the NAT64's prefix (jool pool6, tayga prefix) and the RA's PREF64 must be equal"
	fixNAT64     = "start the NAT64 and route the prefix to it: jool instance with pool6 PREFIX (modprobe jool), or tayga with 'ip route add PREFIX dev nat64'; the IPv4 side must route the pool back"
	fixName      = "give -name a name with A records only (not one with AAAA of its own)"
)

// checkNAT64 runs the DNS64 and NAT64 checks after the RAs are in, and
// fills the report's new keys.
func (rep *Report) checkNAT64(ctx context.Context, o *Options, rs []ndp.Router, now time.Time) {
	n := o.net()

	// RFC 7050 discovery, asked of -dns or of every RDNSS: the first in
	// the RAs' order that answers is the server for the rest, as it is for
	// a client; one that does not answer is a finding.
	var disc *nat64.Discovery
	var server netip.AddrPort
	var f findings
	rep.RFC7050, rep.RDNSSUnanswered = []string{}, []string{}
	if servers := o.dnsServers(rep.RDNSS); len(servers) > 0 {
		asked := n.askInTurn(ctx, servers, nat64.WellKnownName, nat64.TypeAAAA)
		chosen := asked[0] // when none answers: the first, with its error
		for _, a := range asked {
			if a.answered() {
				chosen = a
				break
			}
		}
		for _, a := range asked {
			if !a.answered() && o.DNS == (netip.AddrPort{}) {
				rep.RDNSSUnanswered = append(rep.RDNSSUnanswered, a.server.Addr().WithZone("").String())
				why := cli.Cause(a.err)
				if errors.Is(a.err, context.DeadlineExceeded) {
					why = fmt.Sprintf("nothing within %v", checkTimeout)
				}
				f.silent = append(f.silent, why)
			}
		}
		server, rep.DNSServer = chosen.server, chosen.server.String()
		f.serverDead = !chosen.answered()
		err := chosen.err
		if err == nil {
			var ps []netip.Prefix
			ps, err = nat64.PrefixesFrom(chosen.answer.Addrs)
			disc = &nat64.Discovery{Server: server, AAAA: chosen.answer.Addrs, Prefixes: ps, TTL: chosen.answer.TTL, Received: now}
		}
		if err != nil {
			rep.RFC7050Error = cli.Cause(err)
		}
		if disc != nil {
			for _, p := range disc.Prefixes {
				rep.RFC7050 = append(rep.RFC7050, p.String())
			}
		}
	}
	c := nat64.Choose(now, rs, disc)
	if c.Source == nat64.SourcePREF64 {
		lt, rl := int64(c.PREF64Lifetime/time.Second), int64(c.RouterLifetime/time.Second)
		rep.PREF64LifetimeS, rep.RouterLifetimeS = &lt, &rl
	}
	if c.Prefix.IsValid() {
		rep.NAT64Prefix, rep.NAT64Source = c.Prefix.String(), string(c.Source)
	}
	rep.PrefixAgree = c.Agree

	// DNS64 synthesis of an A-only name, under the prefix in use.
	rep.DNS64Name, rep.DNS64AAAA = o.Name, []string{}
	var aOnly []netip.Addr
	if server.IsValid() && o.Name != "" {
		cctx, cancel := context.WithTimeout(ctx, checkTimeout)
		a, err := n.lookup(cctx, server, o.Name, nat64.TypeA)
		var aaaa nat64.Answer
		if err == nil {
			aOnly = a.Addrs
			aaaa, err = n.lookup(cctx, server, o.Name, nat64.TypeAAAA)
		}
		cancel()
		for _, x := range aaaa.Addrs {
			rep.DNS64AAAA = append(rep.DNS64AAAA, x.String())
		}
		var ps []netip.Prefix
		switch {
		case err != nil:
			rep.DNS64Error = cli.Cause(err)
		case len(aOnly) == 0:
			err = nat64.ErrNotEmbedded // the name's fault: the fix names -name
			rep.DNS64Error = fmt.Sprintf("%s has no A record", o.Name)
		default:
			// Under the prefix clients use (PREF64, else RFC 7050).
			ps, err = nat64.CheckSynthesis(o.Name, aOnly, aaaa.Addrs, c.Prefix)
			if err != nil {
				rep.DNS64Error = cli.Cause(err)
			}
			rep.DNS64OK = err == nil
		}
		f.dns64Err = err
		for _, p := range ps {
			rep.DNS64Prefixes = append(rep.DNS64Prefixes, p.String())
		}
	}
	if rep.DNS64Prefixes == nil {
		rep.DNS64Prefixes = []string{}
	}

	// NAT64: an IPv4 literal through the prefix in use, as a CLAT does.
	target := o.Target
	if !target.IsValid() && len(aOnly) > 0 {
		target = netip.AddrPortFrom(aOnly[0], o.port())
	}
	if target.IsValid() {
		rep.NAT64Target = target.String()
	}
	if target.IsValid() && c.Prefix.IsValid() {
		via, err := nat64.Synthesize(c.Prefix, target.Addr())
		if err != nil {
			rep.NAT64Error = cli.Cause(err)
		} else {
			rep.NAT64Via = via.String()
			cctx, cancel := context.WithTimeout(ctx, checkTimeout)
			rtt, perr := n.ping(cctx, via)
			cancel()
			if perr == nil {
				ms := float64(rtt) / float64(time.Millisecond)
				rep.EchoRTTMs = &ms
			}
			cctx, cancel = context.WithTimeout(ctx, checkTimeout)
			rtt, cerr := n.connect(cctx, netip.AddrPortFrom(via, target.Port()))
			cancel()
			if cerr == nil {
				ms := float64(rtt) / float64(time.Millisecond)
				rep.TCPRTTMs = &ms
			}
			var msgs []string
			for _, e := range []error{perr, cerr} {
				if e != nil {
					msgs = append(msgs, cli.Cause(e))
				}
			}
			rep.NAT64Error = strings.Join(msgs, "; ")
		}
	}
	rep.Checks = rep.lines(c, o.Name, f)
	rep.AllOK = true
	for _, ch := range rep.Checks {
		rep.AllOK = rep.AllOK && ch.OK
	}
}

// dnsServers are the servers the probe asks: -dns alone, else every RDNSS
// of the RAs in their order, a link-local one zoned to the interface.
func (o *Options) dnsServers(rdnss []string) []netip.AddrPort {
	if o.DNS.IsValid() {
		// A link-local -dns without a zone is on the probed link.
		if a := o.DNS.Addr(); a.IsLinkLocalUnicast() && a.Zone() == "" && o.ifIndex > 0 {
			return []netip.AddrPort{netip.AddrPortFrom(a.WithZone(fmt.Sprint(o.ifIndex)), o.DNS.Port())}
		}
		return []netip.AddrPort{o.DNS}
	}
	var servers []netip.AddrPort
	for _, s := range rdnss {
		a, err := netip.ParseAddr(s)
		if err != nil {
			continue // the report's own strings: cannot happen
		}
		if a.IsLinkLocalUnicast() && o.ifIndex > 0 {
			a = a.WithZone(fmt.Sprint(o.ifIndex))
		}
		servers = append(servers, netip.AddrPortFrom(a, 53))
	}
	return servers
}

// asked is one server's answer to a query, or why there was none.
type asked struct {
	server netip.AddrPort
	answer nat64.Answer
	err    error
}

// answered reports whether the server answered at all: with records, an
// empty answer, an error code or a response that does not parse. A
// timeout or an unreachable server is no answer.
func (a asked) answered() bool {
	var pe *nat64.ParseError
	return a.err == nil || errors.Is(a.err, nat64.ErrDNS) || errors.As(a.err, &pe)
}

// askInTurn asks every server the same question, in order, each within
// checkTimeout, and returns their answers in that order. One after the
// other, on this goroutine: it may run in a network namespace (setns holds
// for this thread only), and a client too waits out each dead server.
func (n nat64Net) askInTurn(ctx context.Context, servers []netip.AddrPort, name string, typ uint16) []asked {
	out := make([]asked, len(servers))
	for i, s := range servers {
		cctx, cancel := context.WithTimeout(ctx, checkTimeout)
		a, err := n.lookup(cctx, s, name, typ)
		cancel()
		out[i] = asked{server: s, answer: a, err: err}
	}
	return out
}

// lines turns the report into its ✔/✘ checks.
// findings are what the checks learnt beyond the report's keys, for the
// lines and their fixes.
type findings struct {
	dns64Err   error    // why the DNS64 check failed
	silent     []string // why each of Report.RDNSSUnanswered did not answer
	serverDead bool     // the server asked (-dns, else every RDNSS) did not answer at all
}

func (rep *Report) lines(c nat64.Choice, name string, f findings) []Check {
	var cs []Check
	// option 108
	switch {
	case rep.Outcome == OutcomeNoOffer:
		cs = append(cs, Check{Name: "option108", Text: "no DHCPv4 OFFER: no server to tell clients to stop IPv4", Fix: fixOption108})
	case rep.V6OnlyWaitS != nil && *rep.V6OnlyWaitS != *rep.EffectiveWaitS:
		cs = append(cs, Check{Name: "option108", OK: true, Text: fmt.Sprintf("V6ONLY_WAIT %d s, clamped to %d s (MIN_V6ONLY_WAIT, RFC 8925)", *rep.V6OnlyWaitS, *rep.EffectiveWaitS)})
	case rep.V6OnlyWaitS != nil:
		cs = append(cs, Check{Name: "option108", OK: true, Text: fmt.Sprintf("V6ONLY_WAIT %d s", *rep.V6OnlyWaitS)})
	case rep.Option108:
		cs = append(cs, Check{Name: "option108", Text: rep.Option108Status + " (clients ignore it)", Fix: fixOption108})
	default:
		cs = append(cs, Check{Name: "option108", Text: "absent from the OFFER: every client takes an IPv4 lease", Fix: fixOption108})
	}
	// PREF64
	switch {
	case len(rep.PREF64) == 0:
		cs = append(cs, Check{Name: "pref64", Text: "none in the router advertisements", Fix: fixPREF64})
	case c.Source == nat64.SourcePREF64 && c.ShortLifetime:
		cs = append(cs, Check{Name: "pref64", Text: fmt.Sprintf("%s, lifetime %d s shorter than the router lifetime %d s: clients lose the prefix between RAs",
			c.Prefix, *rep.PREF64LifetimeS, *rep.RouterLifetimeS), Fix: fixLifetime})
	case c.Source == nat64.SourcePREF64:
		cs = append(cs, Check{Name: "pref64", OK: true, Text: fmt.Sprintf("%s, lifetime %d s (router lifetime %d s)", c.Prefix, *rep.PREF64LifetimeS, *rep.RouterLifetimeS)})
	default:
		cs = append(cs, Check{Name: "pref64", Text: fmt.Sprintf("%s advertised with lifetime 0 or expired", strings.Join(rep.PREF64, ", ")), Fix: fixPREF64})
	}
	// RDNSS
	switch {
	case len(rep.RDNSS) == 0:
		cs = append(cs, Check{Name: "rdnss", Text: "none in the router advertisements: IPv6-only clients have no DNS64 to ask", Fix: fixRDNSS})
	case len(rep.RDNSSUnanswered) > 0:
		var dead []string
		for i, a := range rep.RDNSSUnanswered {
			dead = append(dead, a+": "+f.silent[i])
		}
		cs = append(cs, Check{Name: "rdnss", Text: fmt.Sprintf("%s; no answer from %s", strings.Join(rep.RDNSS, ", "), strings.Join(dead, "; ")), Fix: fixDeadRDNSS})
	default:
		cs = append(cs, Check{Name: "rdnss", OK: true, Text: strings.Join(rep.RDNSS, ", ")})
	}
	// RFC 7050
	via := ""
	if rep.DNSServer != "" {
		via = " via " + rep.DNSServer
	}
	switch {
	case rep.DNSServer == "":
		cs = append(cs, Check{Name: "rfc7050", Skipped: true, Text: "not checked: no DNS server (no RDNSS; give -dns)"})
	case rep.RFC7050Error != "" && f.serverDead:
		cs = append(cs, Check{Name: "rfc7050", Text: "ipv4only.arpa" + via + ": " + rep.RFC7050Error, Fix: fixResolver})
	case rep.RFC7050Error != "":
		cs = append(cs, Check{Name: "rfc7050", Text: "ipv4only.arpa" + via + ": " + rep.RFC7050Error, Fix: fixDNS64})
	case len(c.PREF64) > 0 && !c.Agree:
		cs = append(cs, Check{Name: "rfc7050", Text: fmt.Sprintf("DNS64 synthesises with %s%s, the RAs announce PREF64 %s", strings.Join(rep.RFC7050, ", "), via, c.Prefix), Fix: fixAgree})
	case len(c.PREF64) > 0:
		cs = append(cs, Check{Name: "rfc7050", OK: true, Text: fmt.Sprintf("%s%s, agrees with PREF64", strings.Join(rep.RFC7050, ", "), via)})
	default:
		cs = append(cs, Check{Name: "rfc7050", OK: true, Text: fmt.Sprintf("%s%s (no PREF64 to compare; clients use this one)", strings.Join(rep.RFC7050, ", "), via)})
	}
	// DNS64 synthesis of an A-only name
	switch {
	case rep.DNSServer == "" || name == "":
		cs = append(cs, Check{Name: "dns64", Skipped: true, Text: "not checked: no DNS server or no -name"})
	case rep.DNS64OK:
		cs = append(cs, Check{Name: "dns64", OK: true, Text: fmt.Sprintf("%s → %s (under %s)", name, strings.Join(rep.DNS64AAAA, ", "), strings.Join(rep.DNS64Prefixes, ", "))})
	case f.serverDead:
		cs = append(cs, Check{Name: "dns64", Text: rep.DNS64Error, Fix: fixResolver})
	case errors.Is(f.dns64Err, nat64.ErrNotEmbedded):
		cs = append(cs, Check{Name: "dns64", Text: rep.DNS64Error, Fix: fixName})
	case errors.Is(f.dns64Err, nat64.ErrPrefixMismatch):
		cs = append(cs, Check{Name: "dns64", Text: rep.DNS64Error + " (" + string(c.Source) + ")", Fix: fixAgree})
	default:
		cs = append(cs, Check{Name: "dns64", Text: rep.DNS64Error, Fix: fixDNS64})
	}
	// NAT64 reachability
	switch {
	case rep.NAT64Prefix == "":
		cs = append(cs, Check{Name: "nat64", Skipped: true, Text: "not checked: no NAT64 prefix (no PREF64, no DNS64)"})
	case rep.NAT64Target == "":
		cs = append(cs, Check{Name: "nat64", Skipped: true, Text: "not checked: no IPv4 target (give -target, or a -name that resolves)"})
	case rep.NAT64Error != "":
		cs = append(cs, Check{Name: "nat64", Text: fmt.Sprintf("%s through %s: %s", rep.NAT64Target, orNone(rep.NAT64Via), rep.NAT64Error), Fix: fixNAT64})
	default:
		cs = append(cs, Check{Name: "nat64", OK: true, Text: fmt.Sprintf("%s through %s: echo %.2f ms, TCP connect %.2f ms",
			rep.NAT64Target, rep.NAT64Via, *rep.EchoRTTMs, *rep.TCPRTTMs)})
	}
	return cs
}

func orNone(s string) string {
	if s == "" {
		return "(no address)"
	}
	return s
}

func (o *Options) port() uint16 {
	if o.Port == 0 {
		return DefaultPort
	}
	return o.Port
}
