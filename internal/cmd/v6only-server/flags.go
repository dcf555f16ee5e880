package v6onlyserver

import (
	"context"
	"flag"
	"io"
	"net/netip"
	"os"
	"strings"

	"github.com/v6kit/v6kit/dhcpv4opt108"
	"github.com/v6kit/v6kit/internal/cli"
)

func setup(fs *flag.FlagSet) cli.RunFunc {
	var (
		o                     Options
		rng, router, sid, dns string
	)
	fs.StringVar(&o.Interface, "i", "", "`interface` to serve on (needs an IPv4 address)")
	fs.StringVar(&rng, "range", "", "address pool, `FIRST-LAST`, inside the interface's subnet")
	fs.StringVar(&router, "router", "", "router `address` (option 3), inside the subnet; none when empty")
	fs.StringVar(&dns, "dns", "", "DNS server `addresses` (option 6), comma-separated; none when empty")
	fs.StringVar(&sid, "server-id", "", "server identifier (option 54), an `address` of the interface; default the one in the range's subnet")
	fs.IntVar(&o.Mask, "mask", 0, "subnet prefix `length` (option 1), 1 to 31; default the interface address's")
	fs.Int64Var(&o.V6OnlyWait, "v6only-wait", 1800, "V6ONLY_WAIT in `seconds`, 0 to 4294967295 (0 sends 0: clients wait 300 s)")
	fs.BoolVar(&o.ZeroYIAddr, "zero-yiaddr", false, "offer 0.0.0.0 and allocate nothing to clients that ask for 108")
	fs.DurationVar(&o.LeaseTime, "lease", DefaultLeaseTime, "lease `time` (option 51), whole seconds from 1m to 4294967294s")
	fs.IntVar(&o.Workers, "workers", dhcpv4opt108.DefaultWorkers, "serving `workers`, 1 to 1024")
	fs.StringVar(&o.Leases, "leases", DefaultLeases, "lease `file` (its directory is created; FILE.lock keeps a second server off it); empty keeps leases in memory only")
	fs.BoolVar(&o.JSON, "json", false, "one JSON object per reply (keys in -h)")
	fs.BoolVar(&o.Quiet, "quiet", false, "no per-reply output (load tests)")
	return func(ctx context.Context, stdout io.Writer) error {
		if o.JSON && o.Quiet {
			return cli.Usagef("-json and -quiet exclude each other; give one")
		}
		if cli.Given(fs, "mask") && o.Mask == 0 {
			// 0 is Options' "the interface's"; given, it is a mistake.
			return cli.Usagef("-mask 0 is out of range; give a prefix length from 1 to 31, or leave -mask out for the interface's")
		}
		if o.Interface == "" {
			return cli.Usagef("-i is required; give the interface to serve on, e.g. -i eth0")
		}
		var err error
		if o.First, o.Last, err = ParseRange(rng); err != nil {
			return err
		}
		if router != "" {
			if o.Router, err = ParseAddr("-router", router); err != nil {
				return err
			}
		}
		if sid != "" {
			if o.ServerID, err = ParseAddr("-server-id", sid); err != nil {
				return err
			}
		}
		if dns != "" {
			for _, s := range strings.Split(dns, ",") {
				a, err := ParseAddr("-dns", strings.TrimSpace(s))
				if err != nil {
					return err
				}
				o.DNS = append(o.DNS, a)
			}
		}
		if o.Workers == 0 || o.LeaseTime == 0 {
			// 0 means the default in Options; on the command line it is a mistake.
			if err := o.checkWorkersAndLease(true); err != nil {
				return err
			}
		}
		if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
			o.MemoryLimit = DefaultMemoryLimit
		}
		return Run(ctx, o, stdout)
	}
}

// DefaultMemoryLimit is the Go runtime's soft memory limit the program
// sets unless GOMEMLIMIT is in its environment: with the program's code
// mapped from its file, it keeps the peak resident memory near 12 MiB
// under any load. A pool holds about 100 bytes per client, so a server of
// more than about 40 000 clients should be given a larger GOMEMLIMIT, or
// the collector runs more often than it needs to.
const DefaultMemoryLimit = 7 << 20

// ParseRange parses "192.0.2.100-192.0.2.200".
func ParseRange(s string) (first, last netip.Addr, err error) {
	if s == "" {
		return first, last, cli.Usagef("-range is required; give FIRST-LAST, e.g. -range 192.0.2.100-192.0.2.200")
	}
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return first, last, cli.Usagef("-range %q is not FIRST-LAST; give e.g. 192.0.2.100-192.0.2.200", s)
	}
	first, err1 := netip.ParseAddr(strings.TrimSpace(a))
	last, err2 := netip.ParseAddr(strings.TrimSpace(b))
	switch {
	case err1 != nil || err2 != nil || !first.Is4() || !last.Is4():
		return netip.Addr{}, netip.Addr{}, cli.Usagef("-range %q is not two IPv4 addresses; give e.g. 192.0.2.100-192.0.2.200", s)
	case last.Less(first):
		return netip.Addr{}, netip.Addr{}, cli.Usagef("-range %q ends before it starts; give FIRST ≤ LAST", s)
	}
	return first, last, nil
}

// ParseAddr parses an IPv4 address given to flag name.
func ParseAddr(name, s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return netip.Addr{}, cli.Usagef("%s %q is not an IPv4 address; give one such as 192.0.2.1", name, s)
	}
	return a, nil
}
