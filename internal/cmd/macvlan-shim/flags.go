// Package macvlanshim is the macvlan-shim program: it ensures (or removes)
// the host-side macvlan shim that lets a Linux host reach its own macvlan
// containers (package macvlan), in the caller's network namespace.
package macvlanshim

import (
	"context"
	"flag"
	"io"
	"math"
	"math/big"
	"strconv"

	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/internal/netx"
	"github.com/v6kit/v6kit/macvlan"
)

// Command is the macvlan-shim program.
var Command = cli.Command{
	Name: "macvlan-shim",
	Help: `usage: macvlan-shim -parent IF [-name host-shim] [-metric 100] [-ipv4] [-remove | -list] [-json]

Ensures the host shim on IF: a macvlan in bridge mode named host-shim, MAC =
IF's with the first octet 02, an address in each global/ULA on-link prefix of
IF and routes for them through the shim (metric 100, preference high). Running
it again changes nothing; running it with another -metric replaces the shim's
routes. -remove deletes only that shim. IF itself is never changed; IF must be
an Ethernet link, and a wireless IF is refused. Needs CAP_NET_ADMIN.

examples:
  macvlan-shim -parent eth0
  macvlan-shim -parent eth0 -ipv4 -json
  macvlan-shim -parent eth0 -list
  macvlan-shim -parent eth0 -remove

-json prints one object per line.
Every key listed is always there.
  ensure:  action "ensure", name, parent (strings), mac (string, aa:bb:..),
           index (number, the shim's ifindex), created, changed (booleans),
           addrs (strings, the shim's /128s; [] when none),
           routes (objects: dst (prefix), src (address; null for IPv6
           routes), metric (number), pref_high (boolean); [] when none)
  -remove: action "remove", name, parent (strings), changed, removed (booleans)
  -list:   one object per macvlan on IF: name, parent, mac, mode ("bridge",
           "private", "vepa", "passthru", "source" or "unknown") (strings),
           index (number), up (boolean)
`,
	Setup: setup,
}

// options are the parsed flags.
type options struct {
	parent, name string
	metricText   string // as given; check parses it into metric
	metric       uint32
	ipv4         bool
	remove, list bool
	json         bool
	sysRoot      string
}

// sysRoot is where sysfs is mounted; tests point it at a fake tree.
var sysRoot string

func setup(fs *flag.FlagSet) cli.RunFunc {
	o := options{sysRoot: sysRoot}
	fs.StringVar(&o.parent, "parent", "", "LAN `interface` the containers' macvlans sit on (required)")
	fs.StringVar(&o.name, "name", macvlan.DefaultName, "shim interface `name`")
	fs.StringVar(&o.metricText, "metric", strconv.Itoa(macvlan.DefaultMetric), "route `metric`, 1 to 4294967295")
	fs.BoolVar(&o.ipv4, "ipv4", false, "route the parent's IPv4 subnets through the shim too")
	fs.BoolVar(&o.remove, "remove", false, "remove the shim")
	fs.BoolVar(&o.list, "list", false, "list the macvlans on the parent with their modes")
	fs.BoolVar(&o.json, "json", false, "print one JSON object per line (keys above)")
	return func(ctx context.Context, stdout io.Writer) error {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if err := o.check(set); err != nil {
			return err
		}
		return run(ctx, o, stdout)
	}
}

// parseMetric reads -metric: a whole number from 1 to 4294967295, so that
// it is never wrapped or silently replaced.
func parseMetric(s string) (uint32, error) {
	n, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return 0, cli.Usagef("-metric %q is not a whole number; give 1 to %d", s, uint64(math.MaxUint32))
	}
	if n.Sign() <= 0 || n.Cmp(big.NewInt(math.MaxUint32)) > 0 {
		return 0, cli.Usagef("-metric %s is out of range; give 1 to %d", n, uint64(math.MaxUint32))
	}
	return uint32(n.Uint64()), nil
}

// check validates the flags before anything is opened.
func (o *options) check(set map[string]bool) error {
	switch {
	case o.parent == "":
		return cli.Usagef("-parent is required; give the LAN interface the containers' macvlans sit on, such as -parent eth0")
	case o.remove && o.list:
		return cli.Usagef("-remove and -list exclude each other; give one")
	}
	m, err := parseMetric(o.metricText)
	if err != nil {
		return err
	}
	o.metric = m
	if err := netx.CheckName(o.parent); err != nil {
		return cli.Usagef("-parent: %v", err)
	}
	if err := netx.CheckName(o.name); err != nil {
		return cli.Usagef("-name: %v", err)
	}
	if o.name == o.parent {
		return cli.Usagef("-name %q is the parent's name; give the shim another name", o.name)
	}
	if o.remove || o.list {
		verb := map[bool]string{true: "-remove", false: "-list"}[o.remove]
		for _, f := range []string{"metric", "ipv4"} {
			if set[f] {
				return cli.Usagef("-%s has no effect with %s; drop it", f, verb)
			}
		}
		if o.list && set["name"] {
			return cli.Usagef("-name has no effect with -list; drop it")
		}
	}
	// A parent that is not there is a wrong command line, caught before
	// anything is made, in the words v6disc and v6only-server use.
	if _, err := iface(o.parent); err != nil {
		return cli.Usagef("-parent: %v", err)
	}
	return nil
}

// iface looks the parent up; tests replace it.
var iface = netx.Interface
