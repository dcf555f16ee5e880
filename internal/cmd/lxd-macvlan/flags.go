// Package lxdmacvlan is the lxd-macvlan program: the seed's whole macvlan
// recipe in one command. It creates (or updates) the LXD or Incus profile
// that puts containers on the LAN through a macvlan NIC, optionally ensures
// the host shim that lets the host reach them, and prints the profile as
// `lxc profile show` or `incus profile show` does (packages lxdprofile and
// macvlan).
package lxdmacvlan

import (
	"context"
	"errors"
	"flag"
	"io"
	"net"

	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/internal/lxdcli"
	"github.com/v6kit/v6kit/internal/netx"
	"github.com/v6kit/v6kit/lxdprofile"
)

// Command is the lxd-macvlan program.
var Command = cli.Command{
	Name: "lxd-macvlan",
	Help: `usage: lxd-macvlan -parent IF [-profile macvlan] [-pool default] [-daemon lxd|incus] [-socket PATH] [-overwrite] [-shim [-shim-ipv4]] [-json]

Creates the LXD or Incus profile PROFILE (root disk on -pool, eth0 = macvlan
on IF) or leaves an identical one alone; a differing one is replaced only
with -overwrite (guarded by its ETag). With -shim it also ensures the host
shim on IF (see macvlan-shim), which lets the host reach its macvlan
containers. Prints the profile YAML as lxc or incus prints it.

` + lxdcli.HelpSockets + `

examples:
  lxd-macvlan -parent eth0
  lxd-macvlan -parent eth0 -shim
  lxd-macvlan -parent eth0 -daemon incus
  lxd-macvlan -parent enp3s0 -profile lan -socket /var/snap/lxd/common/lxd/unix.socket -overwrite
  incus launch images:debian/12 web -p macvlan
  lxc launch images:debian/12 web -p macvlan

-json prints one object: profile (string), result ("created", "updated" or
"unchanged"), daemon ("lxd" or "incus"), server_version (string, the
daemon's version), yaml (string, the profile as lxc or incus profile show
prints it), and with -shim, shim (object: name, parent, mac (strings),
created, changed (booleans), routes (prefixes, strings)).
`,
	Setup: setup,
}

// options are the parsed flags.
type options struct {
	parent, profile, pool     string
	daemon                    lxdcli.Flags
	overwrite, shim, shimIPv4 bool
	json                      bool
	sysRoot                   string
	ifi                       *net.Interface // the parent, looked up by check
}

// sysRoot is where sysfs is mounted; tests point it at a fake tree.
var sysRoot string

func setup(fs *flag.FlagSet) cli.RunFunc {
	o := options{sysRoot: sysRoot}
	fs.StringVar(&o.parent, "parent", "", "host LAN `interface` (required)")
	fs.StringVar(&o.profile, "profile", lxdprofile.PresetMacvlan, "profile `name`")
	fs.StringVar(&o.pool, "pool", "default", "storage `pool` of the root disk (must exist)")
	o.daemon.Register(fs)
	fs.BoolVar(&o.overwrite, "overwrite", false, "replace a profile of that name with other content")
	fs.BoolVar(&o.shim, "shim", false, "also ensure the host shim on -parent")
	fs.BoolVar(&o.shimIPv4, "shim-ipv4", false, "with -shim: route the parent's IPv4 subnets through the shim too")
	fs.BoolVar(&o.json, "json", false, "print one JSON object instead of YAML (keys above)")
	return func(ctx context.Context, stdout io.Writer) error {
		p, err := o.check()
		if err != nil {
			return err
		}
		return run(ctx, o, p, stdout)
	}
}

// check validates the flags before anything is opened, looks the parent
// up, and returns the profile to apply.
func (o *options) check() (lxdprofile.Profile, error) {
	switch {
	case o.parent == "":
		return lxdprofile.Profile{}, cli.Usagef("-parent is required; give the host's LAN interface, such as -parent eth0")
	case o.profile == "":
		return lxdprofile.Profile{}, cli.Usagef("-profile is empty; give a profile name, such as -profile macvlan")
	case o.pool == "":
		return lxdprofile.Profile{}, cli.Usagef("-pool is empty; give a storage pool ('incus storage list' or 'lxc storage list' shows them)")
	case o.shimIPv4 && !o.shim:
		return lxdprofile.Profile{}, cli.Usagef("-shim-ipv4 needs -shim; add -shim or drop -shim-ipv4")
	}
	if _, err := o.daemon.Daemon(); err != nil {
		return lxdprofile.Profile{}, err
	}
	if err := netx.CheckName(o.parent); err != nil {
		return lxdprofile.Profile{}, cli.Usagef("-parent: %v", err)
	}
	// A parent that is not there is a wrong command line, caught before
	// the daemon is contacted, in the words v6disc and v6only-server use.
	ifi, err := iface(o.parent)
	if err != nil {
		return lxdprofile.Profile{}, cli.Usagef("-parent: %v", err)
	}
	o.ifi = ifi
	p := lxdprofile.Macvlan(o.parent, o.pool)
	p.Name = o.profile
	if err := lxdprofile.Validate(p); err != nil {
		if errors.Is(err, lxdprofile.ErrBadName) {
			return lxdprofile.Profile{}, cli.Usagef("-profile %q is not a profile name; use letters, digits, '.', '_' and '-', starting with a letter or digit", o.profile)
		}
		return lxdprofile.Profile{}, cli.Usagef("%s", cli.Cause(err))
	}
	return p, nil
}

// iface looks the parent up; tests replace it.
var iface = netx.Interface
