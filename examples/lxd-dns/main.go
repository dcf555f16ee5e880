// Command lxd-dns prints DNS zone lines ("name IN AAAA addr") for the SLAAC
// addresses of every LXD or Incus instance's NICs in the given /64 prefixes,
// predicted from their MACs (modified EUI-64), for pasting into a zone file.
// The daemon is whichever answers, or the one -daemon lxd|incus names.
package main

import (
	"github.com/v6kit/v6kit/internal/cli"
	lxddns "github.com/v6kit/v6kit/internal/cmd/lxd-dns"
)

func main() { cli.Exit(lxddns.Command) }
