// Command lxd-dns prints DNS zone lines ("name IN AAAA addr") for the SLAAC
// addresses of every LXD instance's NICs in the given /64 prefixes, predicted
// from their MACs (modified EUI-64), for pasting into a zone file.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/v6kit/v6kit/internal/cli"
	lxddns "github.com/v6kit/v6kit/internal/cmd/lxd-dns"
)

func main() {
	var o lxddns.Options
	fs := flag.NewFlagSet("lxd-dns", flag.ExitOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: lxd-dns -prefix P [-prefix P2] [-socket PATH] [-json]

For every instance (by name) and every NIC with a MAC (hwaddr, or LXD's
volatile.<nic>.hwaddr), prints "name IN AAAA addr" for each /64 prefix. The
addresses are the modified EUI-64 ones: instances that use stable-privacy
addresses (RFC 7217) form others.

examples:
  lxd-dns -prefix 2001:db8:1:2::/64
  lxd-dns -prefix 2001:db8:1:2::/64 -prefix fd00:db8:1::/64 -socket /var/snap/lxd/common/lxd/unix.socket
  lxd-dns -prefix 2001:db8:1:2::/64 -json

`)
		fs.PrintDefaults()
	}
	fs.Func("prefix", "LAN /64 prefix (repeatable, required)", func(s string) error {
		o.Prefixes = append(o.Prefixes, s)
		return nil
	})
	fs.StringVar(&o.Socket, "socket", "", "LXD unix socket (default $LXD_SOCKET, $LXD_DIR/unix.socket or /var/lib/lxd/unix.socket)")
	fs.BoolVar(&o.JSON, "json", false, "print one JSON object per line")
	_ = fs.Parse(os.Args[1:])
	cli.NoArgs(fs)
	cli.Run(func(ctx context.Context) error { return lxddns.Run(ctx, o, os.Stdout) }, lxddns.ErrUsage)
}
