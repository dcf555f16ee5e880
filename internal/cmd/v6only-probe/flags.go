package v6onlyprobe

import (
	"context"
	"flag"
	"io"
	"time"

	"github.com/v6kit/v6kit/internal/cli"
)

func setup(fs *flag.FlagSet) cli.RunFunc {
	o := Options{Timeout: DefaultTimeout, RAWait: DefaultRAWait}
	fs.StringVar(&o.Interface, "i", "", "`interface` to probe")
	fs.BoolVar(&o.JSON, "json", false, "print one JSON object (keys in -h)")
	fs.DurationVar(&o.Timeout, "timeout", DefaultTimeout, "how long to wait for an OFFER, more than 0 and at most 10m")
	fs.DurationVar(&o.RAWait, "ra-wait", DefaultRAWait, "how long to collect router advertisements, more than 0 and at most -timeout")
	return func(ctx context.Context, stdout io.Writer) error {
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
		raSet := false
		fs.Visit(func(f *flag.Flag) { raSet = raSet || f.Name == "ra-wait" })
		if !raSet && o.Timeout > 0 {
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
