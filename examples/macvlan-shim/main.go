// Command macvlan-shim lets a Linux host reach its own macvlan containers: it
// ensures a host-side macvlan "shim" on the LAN interface, in bridge mode,
// with high-preference routes for the LAN's on-link prefixes (or removes it,
// or lists the macvlans on the interface). Needs CAP_NET_ADMIN.
package main

import (
	"github.com/v6kit/v6kit/internal/cli"
	macvlanshim "github.com/v6kit/v6kit/internal/cmd/macvlan-shim"
)

func main() { cli.Exit(macvlanshim.Command) }
