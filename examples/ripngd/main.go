// Command ripngd is a RIPng (RFC 2080) speaker that gets along with BIRD and
// FRR. It prints its route table when it stops.
//
//	sudo ripngd -i eth0 -announce 2001:db8:1:1::/64 -duration 1m -json
package main

import (
	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/internal/cmd/ripngd"
)

func main() { cli.Exit(ripngd.Command) }
