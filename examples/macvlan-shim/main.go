// Command macvlan-shim lets a Linux host reach its own macvlan containers: it
// ensures a host-side macvlan "shim" on the LAN interface, in bridge mode,
// with high-preference routes for the LAN's on-link prefixes (or removes it,
// or lists the macvlans on the interface). Needs CAP_NET_ADMIN.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/v6kit/v6kit/internal/cli"
	macvlanshim "github.com/v6kit/v6kit/internal/cmd/macvlan-shim"
)

func main() {
	var o macvlanshim.Options
	fs := flag.NewFlagSet("macvlan-shim", flag.ExitOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: macvlan-shim -parent IF [-name host-shim] [-remove | -list] [-ipv4] [-json]

Ensures the host shim on IF: a macvlan in bridge mode named host-shim, MAC =
IF's with the first octet 02, an address in each global/ULA on-link prefix of
IF and routes for them through the shim (metric 100, preference high). Running
it again changes nothing; -remove deletes only that shim. IF itself is never
changed. A wireless IF is refused.

examples:
  macvlan-shim -parent eth0
  macvlan-shim -parent eth0 -ipv4 -json
  macvlan-shim -parent eth0 -list
  macvlan-shim -parent eth0 -remove

`)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.Parent, "parent", "", "LAN interface the containers' macvlans sit on (required)")
	fs.StringVar(&o.Name, "name", "host-shim", "shim interface name")
	fs.BoolVar(&o.Remove, "remove", false, "remove the shim")
	fs.BoolVar(&o.List, "list", false, "list the macvlans on the parent with their modes")
	fs.BoolVar(&o.IPv4, "ipv4", false, "route the parent's IPv4 subnets through the shim too")
	fs.UintVar(&o.Metric, "metric", 100, "route metric")
	fs.BoolVar(&o.JSON, "json", false, "print one JSON object per line")
	_ = fs.Parse(os.Args[1:])
	cli.NoArgs(fs)
	cli.Run(func(ctx context.Context) error { return macvlanshim.Run(ctx, o, os.Stdout) }, macvlanshim.ErrUsage)
}
