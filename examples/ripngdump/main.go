// Command ripngdump decodes RIPng messages, live from an interface or from a
// pcap/pcapng capture, and says whether BIRD would accept each one.
//
//	ripngdump -r capture.pcapng -json
//	sudo ripngdump -i eth0
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/internal/cmd/ripngdump"
)

func main() {
	var opts ripngdump.Options
	flag.StringVar(&opts.Interface, "i", "", "capture live on this `interface` (Linux, root)")
	flag.StringVar(&opts.File, "r", "", "read this capture `file` (pcap or pcapng; Ethernet, Linux SLL/SLL2)")
	flag.BoolVar(&opts.JSON, "json", false, "print one JSON object per message")
	flag.IntVar(&opts.Count, "c", 0, "stop after `n` messages (0: no limit)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), `usage: ripngdump (-i IF | -r FILE) [-json] [-c N]

Decodes RIPng (RFC 2080) messages like tshark, one per line (or one JSON
object per line with -json: src, dst, hoplimit, command, version, entries in
wire order, and a verdict: "accept", or "drop: REASON" when BIRD 2's receive
rules would drop the packet).

examples:
  ripngdump -r capture.pcapng -json
  sudo ripngdump -i eth0

flags:
`)
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	cli.Run(func(ctx context.Context) error { return ripngdump.Run(ctx, opts, os.Stdout) })
}
