// Command v6only-probe checks whether a network is IPv6-mostly ready: it
// sends one DHCPv4 DISCOVER asking for option 108 (RFC 8925), never a
// REQUEST, and reads the link's router advertisements for PREF64 and RDNSS.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/v6kit/v6kit/internal/cli"
	v6onlyprobe "github.com/v6kit/v6kit/internal/cmd/v6only-probe"
)

func main() {
	var o v6onlyprobe.Options
	fs := flag.NewFlagSet("v6only-probe", flag.ExitOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `usage: v6only-probe -i IF [-json] [-timeout 5s]

Sends one DHCPv4 DISCOVER that asks for option 108 (IPv6-Only Preferred,
RFC 8925), never a REQUEST, and solicits router advertisements; reports the
server, the offered address, option 108 and its wait, PREF64 and RDNSS.
Needs root (raw sockets).

example:
  v6only-probe -i eth0 -json

`)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.Interface, "i", "", "interface to probe")
	fs.BoolVar(&o.JSON, "json", false, "print one JSON object")
	fs.DurationVar(&o.Timeout, "timeout", 0, "how long to wait for an OFFER (default 5s)")
	fs.DurationVar(&o.RAWait, "ra-wait", 0, "how long to collect router advertisements (default 2s)")
	_ = fs.Parse(os.Args[1:])
	if o.Interface == "" {
		fs.Usage()
		os.Exit(2)
	}
	cli.Run(func(ctx context.Context) error { return v6onlyprobe.Run(ctx, o, os.Stdout) })
}
