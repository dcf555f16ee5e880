// Command ripngdump decodes RIPng messages, live from an interface or from a
// pcap/pcapng capture, and says whether BIRD would accept each one.
//
//	ripngdump -r capture.pcapng -json
//	sudo ripngdump -i eth0
package main

import (
	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/internal/cmd/ripngdump"
)

func main() { cli.Exit(ripngdump.Command) }
