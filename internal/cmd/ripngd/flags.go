package ripngd

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/internal/netx"
	"github.com/v6kit/v6kit/ripng"
)

// Command is the ripngd program.
var Command = cli.Command{
	Name: "ripngd",
	Help: `usage: ripngd -i IF[,IF2] [-announce PREFIX]... [-tag N] [-cost N] [-duration D] [-json] [-install]

Runs a RIPng (RFC 2080) speaker on the interfaces (UDP port 521, ff02::9,
hop limit 255; root or CAP_NET_BIND_SERVICE+CAP_NET_RAW) until the duration
ends or a signal arrives, then prints its route table and, as text, its
interfaces and neighbours like birdc's "show rip" views. Interfaces going
down and up are followed over netlink. It gets along with BIRD and FRR.

example:
  sudo ripngd -i eth0 -announce 2001:db8:1:1::/64 -tag 7 -duration 1m -json

-json prints one object per route, sorted by prefix:
  prefix   string  the route's prefix, "2001:db8:1:1::/64"
  nexthop  string  the router to forward to, "::" for our own routes
  metric   number  hop count, 1-16 (16: unreachable, being withdrawn)
  tag      number  route tag, 0-65535
  iface    string  interface the route was learned on ("" for our own)
  from     string  neighbour that advertised it, "::" for our own
`,
	Setup: setup,
}

func setup(fs *flag.FlagSet) cli.RunFunc {
	var (
		ifs      string
		announce []string
		tag      int64
		cost     int64 = 1
		opts     Options
	)
	fs.StringVar(&ifs, "i", "", "run on these `interfaces` (comma-separated)")
	fs.Func("announce", "advertise this `prefix` (repeatable)", func(s string) error {
		announce = append(announce, s)
		return nil
	})
	fs.Func("tag", "route `tag` of announced prefixes (0-65535)", intFlag(&tag, "0 to 65535"))
	fs.Func("cost", "interface `cost` added to learned routes (1-15, default 1)", intFlag(&cost, "1 to 15"))
	fs.DurationVar(&opts.Duration, "duration", 0, "stop after this `duration` (default: until SIGINT/SIGTERM)")
	fs.BoolVar(&opts.JSON, "json", false, "print the route table as one JSON object per route")
	fs.BoolVar(&opts.Install, "install", false, "install learned routes in the kernel (protocol 196), removed on exit")
	return func(ctx context.Context, stdout io.Writer) error {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if err := opts.parse(ifs, announce, tag, cost, set["duration"]); err != nil {
			return err
		}
		return Run(ctx, opts, stdout)
	}
}

// parse validates the flags into opts, before anything is opened.
func (opts *Options) parse(ifs string, announce []string, tag, cost int64, durationSet bool) error {
	if ifs == "" {
		return cli.Usagef("-i is missing; give the interfaces to run on, e.g. -i eth0")
	}
	seen := map[string]bool{}
	for name := range strings.SplitSeq(ifs, ",") {
		if err := netx.CheckName(name); err != nil {
			return cli.Usagef("-i %q: %v", ifs, err)
		}
		if seen[name] {
			return cli.Usagef("-i %q names interface %q twice; give each once", ifs, name)
		}
		seen[name] = true
		opts.Interfaces = append(opts.Interfaces, name)
	}
	if tag < 0 || tag > math.MaxUint16 {
		return cli.Usagef("-tag %d is out of range; give 0 to 65535", tag)
	}
	opts.Tag = uint16(tag)
	if cost < 1 || cost >= ripng.Infinity {
		return cli.Usagef("-cost %d is out of range; give 1 to 15", cost)
	}
	opts.Cost = uint8(cost)
	if durationSet && opts.Duration <= 0 {
		return cli.Usagef("-duration %v is not positive; give a duration such as 1m, or leave it out to run until interrupted", opts.Duration)
	}
	seenP := map[netip.Prefix]bool{}
	for _, s := range announce {
		p, err := parsePrefix(s)
		if err != nil {
			return err
		}
		if seenP[p] {
			return cli.Usagef("-announce %s given twice; give each prefix once", p)
		}
		seenP[p] = true
		opts.Announce = append(opts.Announce, p)
	}
	// Last, the interfaces themselves: one that is not there, or the
	// loopback, is a wrong command line (nothing is opened yet), in the
	// words v6disc uses. The loopback never has a link-local address,
	// which RIPng speaks from (RFC 2080 §2.5), so it can never work.
	for _, name := range opts.Interfaces {
		ifi, err := netx.Interface(name)
		if err != nil {
			return cli.Usagef("-i: %v", err)
		}
		if ifi.Flags&net.FlagLoopback != 0 {
			return cli.Usagef("-i: interface %q is the loopback, which has no link-local address; RIPng runs on links with link-local addresses, so pick a LAN or WAN interface", name)
		}
	}
	return nil
}

// intFlag parses a whole number into v; its range is checked with the
// other flags.
func intFlag(v *int64, valid string) func(string) error {
	return func(s string) error {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("not a whole number; give %s", valid)
		}
		*v = n
		return nil
	}
}

// parsePrefix checks an -announce value: an IPv6 prefix without host bits
// that RIPng may carry (RFC 2080 §2.4.2: not link-local or multicast).
func parsePrefix(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	switch {
	case err != nil:
		return p, cli.Usagef("-announce %q is not a prefix; give one such as 2001:db8:1::/48", s)
	case !p.Addr().Is6() || p.Addr().Is4In6():
		return p, cli.Usagef("-announce %s is not IPv6; RIPng carries IPv6 prefixes only", s)
	case p.Addr().Zone() != "":
		return p, cli.Usagef("-announce %s has a zone; give a prefix without %%zone", s)
	case p.Masked() != p:
		return p, cli.Usagef("-announce %s has host bits set; give %s", s, p.Masked())
	}
	if err := (ripng.RTE{Prefix: p, Metric: 1}).Validate(ripng.Response); err != nil {
		return p, cli.Usagef("-announce %s is link-local or multicast; RIPng ignores such prefixes (RFC 2080 §2.4.2)", s)
	}
	return p, nil
}
