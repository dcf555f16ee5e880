// Command v6kit is the router programs in one binary, busybox-style, for
// an OpenWrt router or a Pi where every megabyte of flash counts: ripngd,
// ripngdump, v6disc, v6only-server, v6only-probe, slaacaddr and
// macvlan-shim share one Go runtime and one copy of the packages.
//
//	v6kit v6disc -i br-lan
//	ln -s v6kit /usr/bin/ripngd && ripngd -i br-lan,wan -announce 2001:db8:1:1::/64
//
// The LXD programs and the lab are left out: the LXD client alone is larger
// than all of these together.
package main

import (
	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/internal/cmd/macvlan-shim"
	"github.com/v6kit/v6kit/internal/cmd/ripngd"
	"github.com/v6kit/v6kit/internal/cmd/ripngdump"
	"github.com/v6kit/v6kit/internal/cmd/slaacaddr"
	"github.com/v6kit/v6kit/internal/cmd/v6disc"
	"github.com/v6kit/v6kit/internal/cmd/v6only-probe"
	"github.com/v6kit/v6kit/internal/cmd/v6only-server"
)

func main() {
	cli.ExitMulti("v6kit", []cli.Command{
		ripngd.Command,
		ripngdump.Command,
		v6disc.Command,
		v6onlyserver.Command,
		v6onlyprobe.Command,
		slaacaddr.Command,
		macvlanshim.Command,
	})
}
