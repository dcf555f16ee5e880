package ripngdump

import (
	"context"
	"flag"
	"io"
	"os"

	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/internal/netx"
)

// Command is the ripngdump program.
var Command = cli.Command{
	Name: "ripngdump",
	Help: `usage: ripngdump (-i IF | -r FILE) [-json] [-c N]

Decodes RIPng (RFC 2080) messages like tshark, live from an interface
(Linux, CAP_NET_RAW) or from a pcap/pcapng capture (Ethernet, Linux cooked
SLL/SLL2 or raw IPv6), one per line followed by its entries, and says what
BIRD 2 would do with each: drop the packet, ignore an entry, or accept it.
Atomic IPv6 fragments (RFC 6946) are read as unfragmented packets.

examples:
  ripngdump -r capture.pcapng -json
  sudo ripngdump -i eth0 -c 10

-json prints one object per message:
  src       string  source address
  dst       string  destination address (ff02::9 or a unicast address)
  hoplimit  number  IPv6 hop limit
  command   string  "request", "response" or "unknown(N)"
  version   number  the version byte
  entries   array   route table entries in wire order, each an object:
    prefix   string  route prefix as sent, "2001:db8::/48" (route entries)
    tag      number  route tag, 0-65535 (route entries)
    metric   number  metric byte as sent, 0-255 (route entries)
    nexthop  string  next hop (next-hop entries)
    verdict  string  in responses BIRD accepts: "accept", "withdraw" or
                     "ignore: REASON"
  verdict   string  what BIRD 2 does with the packet: "accept",
                    "drop: REASON" or "ignore: REASON"
`,
	Setup: setup,
}

func setup(fs *flag.FlagSet) cli.RunFunc {
	var opts Options
	fs.StringVar(&opts.Interface, "i", "", "capture live on this `interface` (Linux, CAP_NET_RAW)")
	fs.StringVar(&opts.File, "r", "", "read this capture `file` (pcap or pcapng)")
	fs.BoolVar(&opts.JSON, "json", false, "print one JSON object per message")
	fs.IntVar(&opts.Count, "c", 0, "stop after `n` messages (0: no limit)")
	return func(ctx context.Context, stdout io.Writer) error {
		if err := opts.check(); err != nil {
			return err
		}
		return Run(ctx, opts, stdout)
	}
}

// check validates the flags before anything is opened.
func (opts Options) check() error {
	switch {
	case opts.File == "" && opts.Interface == "":
		return cli.Usagef("give -i IF to capture live or -r FILE to read a capture")
	case opts.File != "" && opts.Interface != "":
		return cli.Usagef("-i and -r both given; give one of them")
	case opts.Count < 0:
		return cli.Usagef("-c %d is negative; give a count of messages, or 0 for no limit", opts.Count)
	}
	if opts.Interface != "" {
		if err := netx.CheckName(opts.Interface); err != nil {
			return cli.Usagef("-i: %v", err)
		}
		// One that is not there is a wrong command line, caught before
		// the capture opens, in the words v6disc uses.
		if _, err := netx.Interface(opts.Interface); err != nil {
			return cli.Usagef("-i: %v", err)
		}
	}
	if opts.File != "" {
		if st, err := os.Stat(opts.File); err == nil && st.IsDir() {
			return cli.Usagef("-r %q is a directory; give a capture file", opts.File)
		}
	}
	return nil
}
