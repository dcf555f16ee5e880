// Command lxd-macvlan puts LXD containers on the LAN the seed's way in one
// command: it creates (or, with -overwrite, updates) a profile whose eth0 is
// a macvlan NIC on the host's LAN interface, optionally ensures the host shim
// so the host can reach those containers, and prints the profile as
// `lxc profile show` does.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/v6kit/v6kit/internal/cli"
	lxdmacvlan "github.com/v6kit/v6kit/internal/cmd/lxd-macvlan"
)

func main() {
	var o lxdmacvlan.Options
	fs := flag.NewFlagSet("lxd-macvlan", flag.ExitOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: lxd-macvlan -parent IF [-profile macvlan] [-socket PATH] [-shim] [-overwrite] [-json]

Creates the LXD profile PROFILE (root disk on -pool, eth0 = macvlan on IF) or
leaves an identical one alone; a differing one is replaced only with
-overwrite (guarded by its ETag). With -shim it also ensures the host shim on
IF (see macvlan-shim). Prints the profile YAML.

examples:
  lxd-macvlan -parent eth0
  lxd-macvlan -parent eth0 -shim
  lxd-macvlan -parent enp3s0 -profile lan -socket /var/snap/lxd/common/lxd/unix.socket -overwrite
  lxc launch images:debian/12 web -p macvlan

`)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.Parent, "parent", "", "host LAN interface (required)")
	fs.StringVar(&o.Profile, "profile", "macvlan", "profile name")
	fs.StringVar(&o.Pool, "pool", "default", "storage pool of the root disk")
	fs.StringVar(&o.Socket, "socket", "", "LXD unix socket (default $LXD_SOCKET, $LXD_DIR/unix.socket or /var/lib/lxd/unix.socket)")
	fs.BoolVar(&o.Overwrite, "overwrite", false, "replace a profile of that name with other content")
	fs.BoolVar(&o.Shim, "shim", false, "also ensure the host shim on -parent")
	fs.BoolVar(&o.ShimIPv4, "shim-ipv4", false, "with -shim: route the parent's IPv4 subnets through the shim too")
	fs.BoolVar(&o.JSON, "json", false, "print one JSON object instead of YAML")
	_ = fs.Parse(os.Args[1:])
	cli.NoArgs(fs)
	cli.Run(func(ctx context.Context) error { return lxdmacvlan.Run(ctx, o, os.Stdout) }, lxdmacvlan.ErrUsage)
}
