// Command ripngd is a RIPng (RFC 2080) speaker that gets along with BIRD and
// FRR. It prints its route table when it stops.
//
//	sudo ripngd -i eth0 -announce 2001:db8:1:1::/64 -duration 1m -json
package main

import (
	"context"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"strings"

	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/internal/cmd/ripngd"
)

func main() {
	var opts ripngd.Options
	var ifs string
	var tag, cost uint
	flag.StringVar(&ifs, "i", "", "run on these `interfaces` (comma-separated)")
	flag.Func("announce", "advertise this `prefix` (repeatable)", func(s string) error {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return err
		}
		opts.Announce = append(opts.Announce, p)
		return nil
	})
	flag.UintVar(&tag, "tag", 0, "route `tag` of announced prefixes")
	flag.UintVar(&cost, "cost", 1, "interface `cost` added to learned routes (1-15)")
	flag.DurationVar(&opts.Duration, "duration", 0, "stop after this `duration` (default: until SIGINT/SIGTERM)")
	flag.BoolVar(&opts.JSON, "json", false, "print the route table as one JSON object per route")
	flag.BoolVar(&opts.Install, "install", false, "install learned routes in the kernel (protocol 196), removed on exit")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), `usage: ripngd -i IF[,IF2] [-announce PREFIX]... [-tag N] [-cost N] [-duration D] [-json] [-install]

Runs a RIPng speaker (UDP port 521, ff02::9, hop limit 255) until the
duration ends or a signal arrives, then prints its route table (and, as
text, its interfaces and neighbours like birdc's show rip views); with -json
one object per route: prefix, nexthop, metric, tag, iface, from. Interfaces
going down and up are followed over netlink.

example:
  sudo ripngd -i eth0 -announce 2001:db8:1:1::/64 -tag 7 -duration 1m -json

flags:
`)
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 || ifs == "" || tag > 0xffff || cost < 1 || cost > 15 {
		flag.Usage()
		os.Exit(2)
	}
	opts.Interfaces = strings.Split(ifs, ",")
	opts.Tag, opts.Cost = uint16(tag), uint8(cost)
	cli.Run(func(ctx context.Context) error { return ripngd.Run(ctx, opts, os.Stdout) })
}
