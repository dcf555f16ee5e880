// Command lxd-macvlan puts LXD or Incus containers on the LAN the seed's way
// in one command: it creates (or, with -overwrite, updates) a profile whose
// eth0 is a macvlan NIC on the host's LAN interface, optionally ensures the
// host shim so the host can reach those containers, and prints the profile
// as `lxc profile show` or `incus profile show` does. The daemon is
// whichever answers, or the one -daemon lxd|incus names.
package main

import (
	"github.com/v6kit/v6kit/internal/cli"
	lxdmacvlan "github.com/v6kit/v6kit/internal/cmd/lxd-macvlan"
)

func main() { cli.Exit(lxdmacvlan.Command) }
