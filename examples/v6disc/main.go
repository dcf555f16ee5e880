// Command v6disc finds every IPv6 host on the local links — including hosts
// that drop or ignore echo requests — and prints one line per address:
// address, MAC and vendor.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/internal/cmd/v6disc"
)

func main() {
	var o v6disc.Options
	fs := flag.NewFlagSet("v6disc", flag.ExitOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: v6disc [-i IF] [-L] [-q] [-json] [-timeout 1s] [-watch] [-names]

Finds the IPv6 hosts on a link (echo from every source, an unknown
destination option that draws Parameter Problem, an MLDv2 query, NS to
EUI-64 guesses, the neighbour cache) and prints address, MAC and vendor,
one line per address. Needs root (CAP_NET_RAW).

examples:
  sudo v6disc -i eth0
  sudo v6disc -L -q                  # link-local addresses of every link
  sudo v6disc -i br0 -json -timeout 2s
  sudo v6disc -i eth0 -watch         # "+ " for hosts that join, "- " for those that leave
  sudo v6disc -i eth0 -names         # and the names mDNS responders give

`)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.Interface, "i", "", "interface (default: every up, non-loopback interface with carrier)")
	fs.BoolVar(&o.LinkLocal, "L", false, "link-local addresses only")
	fs.BoolVar(&o.Quiet, "q", false, "print addresses only")
	fs.BoolVar(&o.JSON, "json", false, `one JSON object per host: {"mac","vendor","addrs","methods","router"}`)
	fs.DurationVar(&o.Timeout, "timeout", 0, "how long each scan waits for answers (default 1s)")
	fs.BoolVar(&o.Watch, "watch", false, "keep scanning; report hosts that join (+) and leave (-)")
	fs.DurationVar(&o.Interval, "interval", 0, "pause between scans with -watch (default 10s)")
	fs.BoolVar(&o.Names, "names", false, `after the scan, ask mDNS for the hosts' names (a last column; JSON key "name")`)
	_ = fs.Parse(os.Args[1:])
	cli.NoArgs(fs)
	cli.Run(func(ctx context.Context) error { return v6disc.Run(ctx, o, os.Stdout) })
}
