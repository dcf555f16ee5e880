// Package lxddns is the lxd-dns program: it prints a DNS zone line
// ("name IN AAAA addr") for the SLAAC address every NIC of every LXD or
// Incus instance forms in each given /64, predicted from the instance's MAC
// (package lxdprofile). The seed pastes these into its zone file.
package lxddns

import (
	"context"
	"flag"
	"io"
	"net/netip"
	"slices"

	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/internal/lxdcli"
)

// Command is the lxd-dns program.
var Command = cli.Command{
	Name: "lxd-dns",
	Help: `usage: lxd-dns -prefix P [-prefix P2 ...] [-daemon lxd|incus] [-socket PATH] [-json]

For every LXD or Incus instance (by name) and every NIC with a MAC (hwaddr,
or the daemon's volatile.<nic>.hwaddr), prints "name IN AAAA addr" for each
/64 prefix. The addresses are the modified EUI-64 ones: instances that use
stable-privacy addresses (RFC 7217) form others. No instances is not an
error: nothing is printed.

` + lxdcli.HelpSockets + `

examples:
  lxd-dns -prefix 2001:db8:1:2::/64
  lxd-dns -prefix 2001:db8:1:2::/64 -daemon incus
  lxd-dns -prefix 2001:db8:1:2::/64 -prefix fd00:db8:1::/64 -socket /var/snap/lxd/common/lxd/unix.socket
  lxd-dns -prefix 2001:db8:1:2::/64 -json

-json prints one object per address: instance, nic (the device name), mac
(aa:bb:..), addr (IPv6 address), line (the zone line), all strings.
`,
	Setup: setup,
}

func setup(fs *flag.FlagSet) cli.RunFunc {
	var (
		prefixes []string
		daemon   lxdcli.Flags
		asJSON   bool
	)
	fs.Func("prefix", "LAN /64 `prefix` (repeatable, required)", func(s string) error {
		prefixes = append(prefixes, s)
		return nil
	})
	daemon.Register(fs)
	fs.BoolVar(&asJSON, "json", false, "print one JSON object per address (keys above)")
	return func(ctx context.Context, stdout io.Writer) error {
		ps, err := parsePrefixes(prefixes)
		if err != nil {
			return err
		}
		if _, err := daemon.Daemon(); err != nil {
			return err
		}
		return run(ctx, ps, &daemon, asJSON, stdout)
	}
}

// parsePrefixes validates the -prefix flags: /64s, IPv6, each once.
func parsePrefixes(in []string) ([]netip.Prefix, error) {
	if len(in) == 0 {
		return nil, cli.Usagef("-prefix is required; give the LAN's /64, such as -prefix 2001:db8:1:2::/64")
	}
	var out []netip.Prefix
	for _, s := range in {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, cli.Usagef("-prefix %q is not a prefix; give an IPv6 /64 such as 2001:db8:1:2::/64", s)
		}
		if !p.Addr().Is6() || p.Addr().Is4In6() {
			return nil, cli.Usagef("-prefix %s is not IPv6; give the LAN's IPv6 /64", s)
		}
		if p.Bits() != 64 {
			return nil, cli.Usagef("-prefix %s is a /%d; SLAAC addresses are formed in a /64, give one", s, p.Bits())
		}
		if p.Masked() != p {
			return nil, cli.Usagef("-prefix %s has host bits set; give the prefix, %s", s, p.Masked())
		}
		if a := p.Addr(); a.IsLinkLocalUnicast() || a.IsMulticast() || a.IsLoopback() || a.IsUnspecified() {
			return nil, cli.Usagef("-prefix %s is not a global or ULA prefix; give the LAN's /64", s)
		}
		if slices.Contains(out, p) {
			return nil, cli.Usagef("-prefix %s is given twice; give each prefix once", s)
		}
		out = append(out, p)
	}
	return out, nil
}
