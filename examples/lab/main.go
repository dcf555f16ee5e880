// Command lab builds a small home network out of network namespaces, runs
// one act per v6kit package on it, checks each against what the kernel and
// real peers did, prints a report and removes everything. Run it as root.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/internal/cmd/lab"
)

func main() {
	var opts labcmd.Options
	flag.BoolVar(&opts.JSON, "json", false, "print one JSON object per act")
	flag.BoolVar(&opts.Keep, "keep", false, "leave the lab up and print how to enter each namespace")
	flag.BoolVar(&opts.Down, "down", false, "remove every lab left behind (v6k-* namespaces) and exit")
	flag.StringVar(&opts.SVG, "svg", "", "write a picture of the lab to `FILE`")
	flag.BoolVar(&opts.Peers, "peers", false, "use the real daemons where installed (radvd, BIRD, dnsmasq, dhclient)")
	flag.StringVar(&opts.ID, "id", "", "name the lab `ID` (default random); with -down, remove only that lab")
	flag.DurationVar(&opts.ActTimeout, "act-timeout", 30*time.Second, "cut an act that takes longer than this")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), `usage: lab [-json] [-keep] [-down] [-svg FILE] [-peers]

Builds a virtual home network (router, upstream router, Raspberry Pi,
laptop, IoT device, lost device, LXD host with a macvlan container) in
network namespaces, runs the v6kit stories on it and removes it. Needs root.

example:
  sudo go run ./examples/lab -svg lab.svg

`)
		flag.PrintDefaults()
	}
	flag.Parse()
	cli.NoArgs(flag.CommandLine)
	cli.Run(func(ctx context.Context) error {
		err := labcmd.Run(ctx, opts, os.Stdout)
		if errors.Is(err, context.Canceled) {
			return errors.New("lab: interrupted; everything it made is removed")
		}
		return err
	})
}
