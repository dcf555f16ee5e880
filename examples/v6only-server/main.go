// Command v6only-server is a small DHCPv4 server for IPv6-mostly networks:
// it offers option 108 (RFC 8925) to clients that ask for it and logs one
// line, or one JSON object, per decision.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/v6kit/v6kit/internal/cli"
	v6onlyserver "github.com/v6kit/v6kit/internal/cmd/v6only-server"
)

func main() {
	var (
		o      v6onlyserver.Options
		rng    string
		router string
		sid    string
	)
	fs := flag.NewFlagSet("v6only-server", flag.ExitOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `usage: v6only-server -i IF -range FIRST-LAST -router ADDR [-v6only-wait SECONDS] [-zero-yiaddr] [-json]

A DHCPv4 server that sends option 108 (IPv6-Only Preferred, RFC 8925) to
clients that ask for it, and a normal lease to those that do not.

example:
  v6only-server -i eth0 -range 192.0.2.100-192.0.2.200 -router 192.0.2.1 -v6only-wait 1800

`)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.Interface, "i", "", "interface to serve on (needs an IPv4 address)")
	fs.StringVar(&rng, "range", "", "address pool, FIRST-LAST")
	fs.StringVar(&router, "router", "", "router (option 3); also the server identifier unless -server-id")
	fs.StringVar(&sid, "server-id", "", "server identifier (option 54), default the router")
	fs.IntVar(&o.Mask, "mask", 24, "subnet prefix length (option 1)")
	fs.Int64Var(&o.V6OnlyWait, "v6only-wait", 1800, "V6ONLY_WAIT in seconds (0 sends 0: clients wait 300 s)")
	fs.BoolVar(&o.ZeroYIAddr, "zero-yiaddr", false, "offer 0.0.0.0 and allocate nothing to clients that ask for 108")
	fs.DurationVar(&o.LeaseTime, "lease", 0, "lease time (default 1h)")
	fs.IntVar(&o.Workers, "workers", 4, "serving workers")
	fs.BoolVar(&o.JSON, "json", false, "one JSON object per decision")
	fs.BoolVar(&o.Quiet, "quiet", false, "no per-decision output (load tests)")
	_ = fs.Parse(os.Args[1:])

	if err := parse(&o, rng, router, sid); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	cli.Run(func(ctx context.Context) error { return v6onlyserver.Run(ctx, o, os.Stdout) })
}

func parse(o *v6onlyserver.Options, rng, router, sid string) error {
	var err error
	if o.First, o.Last, err = v6onlyserver.ParseRange(rng); err != nil {
		return err
	}
	if o.Router, err = v6onlyserver.ParseAddr("-router", router); err != nil {
		return err
	}
	if sid != "" {
		if o.ServerID, err = v6onlyserver.ParseAddr("-server-id", sid); err != nil {
			return err
		}
	}
	return nil
}
