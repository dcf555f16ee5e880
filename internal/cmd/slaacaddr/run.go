// Package slaacaddr is the slaacaddr program: it predicts the IPv6 address a
// host forms with SLAAC, the way the Linux kernel, NetworkManager,
// systemd-networkd, RFC 7217 or modified EUI-64 compute it (package slaac),
// and simulates RFC 8981 temporary addresses.
package slaacaddr

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/slaac"
	"github.com/v6kit/v6kit/slaac/host"
)

// Modes lists the -mode values.
var Modes = []string{"eui64", "linux", "nm", "systemd", "rfc7217", "temporary"}

// Options are the program's flags, as given: strings are parsed and every
// value is checked by Run before anything is computed.
type Options struct {
	// Interface reads this host's own configuration of the interface
	// (-i) instead of -mode and its flags.
	Interface string
	// Mode is one of Modes (-mode).
	Mode string
	// Prefix is the /64 (-prefix). Not with LinkLocal.
	Prefix string
	// DAD is the DAD counter (-dad): how many conflicts came before.
	DAD int
	// LinkLocal prints the link-local address instead (-linklocal; eui64,
	// linux, nm, rfc7217, and systemd with IPv6LinkLocalAddressGenerationMode=
	// stable-privacy).
	LinkLocal bool
	// JSON prints one JSON object per line (-json).
	JSON bool

	// MAC is the interface's current MAC (-mac; eui64, systemd; ${MAC}
	// for nm).
	MAC string
	// IfName is the interface name (-ifname; nm, systemd, rfc7217).
	IfName string
	// Secret is the stable_secret IPv6 literal (linux) or the secret key
	// in hex (rfc7217) (-secret).
	Secret string
	// PermAddr is the permanent MAC (-permaddr; linux; empty or
	// 00:00:00:00:00:00 for virtual devices).
	PermAddr string
	// IDGenRetries is net.ipv6.idgen_retries (-idgen-retries; linux).
	IDGenRetries int
	// ByteOrder is the predicted CPU's byte order, "big" or "little"
	// (-byte-order; linux, systemd -linklocal); empty means this host's.
	ByteOrder string

	// HostID, HostIDHex and SecretKeyFile give NetworkManager's host ID
	// (-host-id, -host-id-hex, -secret-key); MachineID (-machine-id) is
	// hashed with a v2 secret key, and for systemd derives networkd's key.
	HostID, HostIDHex, SecretKeyFile, MachineID string
	// StableType and NetworkID give the network ID explicitly
	// (-stable-type, -network-id; also -network-id for rfc7217).
	StableType, NetworkID string
	// UUID, StableID, BootID, SSID derive it like NetworkManager (-uuid,
	// -stable-id, -boot-id, -ssid); HasSSID says -ssid was given.
	UUID, StableID, BootID, SSID string
	HasSSID                      bool
	// NMVersion is the NetworkManager version (-nm-version); before 1.46
	// ${NETWORK_SSID} is not expanded.
	NMVersion string
	// Key is networkd's Token=prefixstable secret in hex (-key; systemd).
	Key string

	// Valid and Preferred are the advertised prefix lifetimes (-valid,
	// -preferred; temporary). Preferred 0 means the default (24 hours, or
	// Valid when shorter) unless HasPreferred says -preferred 0 was given.
	Valid, Preferred time.Duration
	HasPreferred     bool
	// Profile is rfc8981 or linux (-profile; temporary).
	Profile string
	// For is the simulated span (-for; temporary).
	For time.Duration
	// RAInterval is how often the router re-advertises the prefix
	// (-ra-interval; 0: only once).
	RAInterval time.Duration
	// Start is the simulated start time, RFC 3339 (-start; default now).
	Start string
	// Seed seeds the simulation's randomness (-seed); 0 picks one.
	Seed uint64

	// read replaces the host reader of -i in tests.
	read func(ifname string) (*slaac.Host, *host.Link, error)
}

// Result is the -json output of the stable modes. The keys are the
// program's contract (see Help).
type Result struct {
	Mode       string `json:"mode"`
	Address    string `json:"address"`
	IID        string `json:"iid"`
	DADCounter int    `json:"dad_counter"`
	// NoAddress says why the system forms no address (then Address and
	// IID are empty): a prediction, not a failure of the program.
	NoAddress string `json:"no_address,omitempty"`
}

// Run checks o, computes what it asks for and writes it to w. Every
// problem with o is a usage error (cli.ErrUsage) found before any output.
func Run(ctx context.Context, o Options, w io.Writer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if o.Interface != "" {
		return runHost(ctx, o, w)
	}
	if err := check(o); err != nil {
		return err
	}
	if o.Mode == "temporary" {
		return runTemporary(ctx, o, w)
	}
	prefix := netip.MustParsePrefix("fe80::/64")
	if !o.LinkLocal {
		p, err := parsePrefix(o.Prefix)
		if err != nil {
			return err
		}
		prefix = p
	}
	g, err := generator(o)
	if err != nil {
		return err
	}
	iid, used, err := g.IID(prefix, o.DAD)
	if errors.Is(err, slaac.ErrIDGenRetries) && o.DAD > 0 {
		return cli.Usagef("-dad %d is past the retries -mode %s makes (%s); give a smaller -dad", o.DAD, o.Mode, cli.Cause(err))
	}
	if errors.Is(err, slaac.ErrNoAddress) || errors.Is(err, slaac.ErrIDGenRetries) {
		// The system itself forms no address here: that is the answer.
		why := cli.Cause(err)
		if o.JSON {
			return json.NewEncoder(w).Encode(Result{Mode: o.Mode, DADCounter: o.DAD, NoAddress: why})
		}
		_, err = fmt.Fprintf(w, "no address: %s\n", noAddressWhy(why))
		return err
	}
	if err != nil {
		return err
	}
	addr, err := slaac.Addr(prefix, iid)
	if err != nil {
		return err
	}
	if o.JSON {
		return json.NewEncoder(w).Encode(Result{Mode: o.Mode, Address: addr.String(), IID: iid.String(), DADCounter: used})
	}
	_, err = fmt.Fprintln(w, addr)
	return err
}

// check validates what every mode shares: the mode, -prefix or
// -linklocal, -dad.
func check(o Options) error {
	switch {
	case o.Mode == "":
		return cli.Usagef("-mode is required; give one of %s", strings.Join(Modes, ", "))
	case !validMode(o.Mode):
		return cli.Usagef("-mode %q is unknown; give one of %s", o.Mode, strings.Join(Modes, ", "))
	case o.DAD < 0:
		return cli.Usagef("-dad %d is negative; give the number of DAD conflicts before this address (0 for the first)", o.DAD)
	case o.LinkLocal && o.Prefix != "":
		return cli.Usagef("-linklocal and -prefix exclude each other; give -prefix for a global address or -linklocal for fe80::/64")
	case o.LinkLocal && o.Mode == "temporary":
		return cli.Usagef("-linklocal does not apply to -mode temporary (RFC 8981 temporary addresses are global); drop it")
	case !o.LinkLocal && o.Prefix == "":
		return cli.Usagef("-prefix is required; give a /64 such as 2001:db8:1:2::/64 (or -linklocal for fe80::/64)")
	}
	if !o.LinkLocal {
		if _, err := parsePrefix(o.Prefix); err != nil {
			return err
		}
	}
	return nil
}

func validMode(m string) bool {
	for _, x := range Modes {
		if m == x {
			return true
		}
	}
	return false
}

// parsePrefix parses -prefix: an IPv6 /64.
func parsePrefix(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, cli.Usagef("-prefix %q is not a prefix; give a /64 such as 2001:db8:1:2::/64", s)
	}
	if err := slaac.CheckPrefix(p); err != nil {
		return netip.Prefix{}, cli.Usagef("-prefix %s is not an IPv6 /64; SLAAC forms addresses only in a /64 (RFC 4862), such as 2001:db8:1:2::/64", s)
	}
	if p.Addr().IsMulticast() {
		return netip.Prefix{}, cli.Usagef("-prefix %s is multicast; SLAAC forms unicast addresses, give a unicast /64 such as 2001:db8:1:2::/64", s)
	}
	// Host bits are refused, not masked, as ripngd and lxd-dns do (the
	// same words as lxd-dns): they are a typo more often than a prefix.
	if p.Masked() != p {
		return netip.Prefix{}, cli.Usagef("-prefix %s has host bits set; give the prefix, %s", s, p.Masked())
	}
	return p, nil
}

// parseMAC parses a MAC flag.
func parseMAC(flag, s string) (net.HardwareAddr, error) {
	mac, err := net.ParseMAC(s)
	if err != nil {
		return nil, cli.Usagef("%s %q is not a MAC; give one such as 00:16:3e:65:2b:99", flag, s)
	}
	return mac, nil
}
