package v6onlyprobe

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"time"

	"github.com/v6kit/v6kit/internal/cli"
)

func setup(fs *flag.FlagSet) cli.RunFunc {
	o := Options{Timeout: DefaultTimeout, RAWait: DefaultRAWait, Name: DefaultName}
	fs.StringVar(&o.Interface, "i", "", "`interface` to probe")
	fs.BoolVar(&o.JSON, "json", false, "print one JSON object (keys in -h)")
	fs.DurationVar(&o.Timeout, "timeout", DefaultTimeout, "how long to wait for an OFFER, more than 0 and at most 10m")
	fs.DurationVar(&o.RAWait, "ra-wait", DefaultRAWait, "how long to collect router advertisements, more than 0 and at most -timeout")
	fs.Func("dns", "DNS `server` for the RFC 7050 and DNS64 checks, as 2001:db8::53 or [2001:db8::53]:5353 (default: the first RDNSS of the RAs that answers)", func(s string) error {
		ap, err := parseAddrPort(s, 53)
		if err != nil {
			return fmt.Errorf("not an address: give one such as 2001:db8::53 or [2001:db8::53]:53")
		}
		o.DNS = ap
		return nil
	})
	fs.StringVar(&o.Name, "name", DefaultName, "A-only `name` the DNS64 must synthesise; \"\" skips the check")
	fs.Func("target", "IPv4 `address:port` to reach through the NAT64 prefix (default: the first A record of -name, port -port)", func(s string) error {
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			return fmt.Errorf("not an IPv4 address and port: give one such as 192.0.2.1:443")
		}
		o.Target = ap
		return nil
	})
	port := fs.Uint("port", DefaultPort, "TCP `port` of the NAT64 check when -target is not given")
	return func(ctx context.Context, stdout io.Writer) error {
		if *port == 0 || *port > 65535 {
			return cli.Usagef("-port %d is not a TCP port; give 1 to 65535, e.g. -port 443", *port)
		}
		o.Port = uint16(*port)
		if o.Interface == "" {
			return cli.Usagef("-i is required; give the interface to probe, e.g. -i eth0")
		}
		// 0 means the default in Options; on the command line it is a mistake.
		if o.Timeout == 0 {
			return cli.Usagef("-timeout 0s is not a positive time; give e.g. -timeout 5s")
		}
		if o.RAWait == 0 {
			return cli.Usagef("-ra-wait 0s is not a positive time; give e.g. -ra-wait 2s")
		}
		if !cli.Given(fs, "ra-wait") && o.Timeout > 0 {
			o.RAWait = min(DefaultRAWait, o.Timeout) // only -timeout given: fit the default in it
		}
		return Run(ctx, o, stdout)
	}
}

// Defaults of Options' zero values and of the flags.
const (
	DefaultTimeout = 5 * time.Second
	DefaultRAWait  = 2 * time.Second
	MaxTimeout     = 10 * time.Minute
)

// parseAddrPort takes an address with or without a port.
func parseAddrPort(s string, port uint16) (netip.AddrPort, error) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.AddrPort{}, err
	}
	return netip.AddrPortFrom(a, port), nil
}
