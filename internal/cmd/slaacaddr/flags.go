package slaacaddr

import (
	"context"
	"flag"
	"io"
	"slices"
	"strings"

	"github.com/v6kit/v6kit/internal/cli"
)

// Command is the slaacaddr program.
var Command = cli.Command{Name: "slaacaddr", Help: help, Setup: setup}

const help = `usage: slaacaddr -mode eui64|linux|nm|systemd|rfc7217|temporary [-prefix P/64 | -linklocal] [flags]
       slaacaddr -i IF [-prefix P/64 | -linklocal] [-dad N] [-json]

Prints the address a host forms on a /64 with SLAAC, bit for bit as the named
system computes it: modified EUI-64, the Linux kernel's stable-privacy
addresses (addr_gen_mode 2 and 3), NetworkManager (stable-privacy),
systemd-networkd (Token=prefixstable) or RFC 7217. -dad N gives the address
after N DAD conflicts. -mode temporary simulates RFC 8981 temporary
addresses and prints one line per event.

-i reads this Linux host's own configuration of interface IF (the kernel's
addr_gen_mode, stable_secret or the default one, permanent MAC, or what
NetworkManager or systemd-networkd use when they manage IF) and prints the
stable address it forms on -prefix, or on every prefix IF currently learns
from router advertisements, with the rule and its source, and whether IF
holds the address now.

The Linux kernel stores its hash in the CPU's byte order, so a big-endian
router (classic MIPS such as ath79; also s390x, ppc64) forms another
address than a little-endian one (mipsel such as MT7621, arm, arm64, x86)
from the same secret: -byte-order names the predicted host's CPU; without
it slaacaddr predicts this host.

examples:
  slaacaddr -i eth0
  slaacaddr -i wlan0 -prefix 2001:db8:1:2::/64 -json
  slaacaddr -mode eui64 -mac 00:16:3e:65:2b:99 -prefix 2001:db8:8011:fd44::/64
  slaacaddr -mode linux -secret 2001:db8::1 -permaddr 00:00:00:00:00:00 -prefix 2001:db8:1:2::/64
  slaacaddr -mode linux -byte-order big -secret 2001:db8::1 -permaddr 00:00:00:00:00:00 -linklocal
  slaacaddr -mode nm -ifname eth666 -host-id key -stable-type uuid -network-id 6b138152-9f3e-4b97-aaf7-e6e553f2a24e -prefix 1234::/64
  slaacaddr -mode nm -ifname eth0 -secret-key /var/lib/NetworkManager/secret_key -machine-id $(cat /etc/machine-id) -uuid $(nmcli -g connection.uuid c show eth0) -prefix 2001:db8:1:2::/64
  slaacaddr -mode systemd -key 86b123b969ba4b7eb8b3d8605123525a -ifname veth99 -mac 12:34:56:78:9a:bc -prefix 2002:da8:1::/64
  slaacaddr -mode rfc7217 -secret 000102030405060708090a0b0c0d0e0f -ifname eth0 -network-id home -prefix 2001:db8:1:2::/64
  slaacaddr -mode temporary -prefix 2001:db8:1:2::/64 -valid 720h -preferred 168h -profile linux -for 72h -json

flags per mode (besides -mode, -prefix or -linklocal, -dad, -json):
  eui64      -mac
  linux      -secret [-permaddr] [-idgen-retries] [-byte-order big|little]
  nm         -ifname, one of -host-id, -host-id-hex, -secret-key [-machine-id],
             and -uuid [-stable-id [-mac] [-boot-id] [-ssid] [-nm-version]] or -stable-type -network-id
  systemd    -ifname -mac, and -key or -machine-id; -linklocal: -machine-id -ifname [-byte-order]
  rfc7217    -secret -ifname [-network-id]
  temporary  -prefix -valid -for [-preferred] [-profile] [-ra-interval] [-start] [-seed] (no -dad, no -linklocal)

-json prints one object per line. Stable modes:
  mode         string  the -mode
  address      string  the address formed
  iid          string  its interface identifier, four hex groups
  dad_counter  number  the DAD counter hashed (above -dad when reserved identifiers were skipped)
  no_address   string  only when the system forms no address here (systemd-networkd in a reserved
                       prefix): why; address and iid are then "" and the exit status is 0
-i, one object per address (per prefix, and per rule: networkd may have several tokens):
  interface    string  IF
  manager      string  kernel, NetworkManager or systemd-networkd
  prefix       string  the /64
  address      string  the address this host forms ("" with no_address)
  iid          string  its interface identifier
  dad_counter  number  the DAD counter hashed
  rule         string  the algorithm: eui64, linux-stable-privacy, linux-random, nm-stable-privacy,
                       nm-eui64, nm-token, networkd-eui64, networkd-static, networkd-prefixstable,
                       networkd-stable-privacy
  source       string  where its inputs come from (sysctl, file, MAC), for a person to check
  present      bool    IF holds the address now
  no_address   string  only when the host forms no address here: why (exit status 0)
-mode temporary, one object per event, in time order:
  time             string  RFC 3339 time of the event
  offset           number  seconds since -start
  event            string  created, deprecated, expired or dad-failed
  address          string  the temporary address
  preferred_until  string  RFC 3339 end of its preferred lifetime
  valid_until      string  RFC 3339 end of its valid lifetime
  desync           number  the DESYNC_FACTOR it was formed with, seconds
`

// modeFlags lists the flags each mode reads besides the common ones.
var modeFlags = map[string][]string{
	"eui64":     {"mac"},
	"linux":     {"secret", "permaddr", "idgen-retries", "byte-order"},
	"nm":        {"ifname", "host-id", "host-id-hex", "secret-key", "machine-id", "stable-type", "network-id", "uuid", "stable-id", "boot-id", "nm-version", "ssid", "mac"},
	"systemd":   {"ifname", "mac", "key", "machine-id", "byte-order"},
	"rfc7217":   {"secret", "ifname", "network-id"},
	"temporary": {"valid", "preferred", "profile", "for", "ra-interval", "start", "seed"},
}

var commonFlags = []string{"mode", "prefix", "dad", "linklocal", "json", "version"}

func setup(fs *flag.FlagSet) cli.RunFunc {
	var o Options
	fs.StringVar(&o.Interface, "i", "", "read this host's configuration of `interface` IF (instead of -mode)")
	fs.StringVar(&o.Mode, "mode", "", "algorithm: "+strings.Join(Modes, ", "))
	fs.StringVar(&o.Prefix, "prefix", "", "the /64 `prefix`")
	fs.IntVar(&o.DAD, "dad", 0, "DAD counter: `conflicts` before this address")
	fs.BoolVar(&o.LinkLocal, "linklocal", false, "print the link-local address (eui64, linux, nm, rfc7217; systemd with -machine-id for stable-privacy link-locals)")
	fs.BoolVar(&o.JSON, "json", false, "print JSON objects, one per line (keys above)")
	fs.StringVar(&o.MAC, "mac", "", "current `MAC` (eui64, systemd); permanent MAC for ${MAC} (nm)")
	fs.StringVar(&o.IfName, "ifname", "", "interface `name` (nm, systemd, rfc7217; ${DEVICE} for nm)")
	fs.StringVar(&o.Secret, "secret", "", "linux: stable_secret as an IPv6 literal; rfc7217: secret key in hex")
	fs.StringVar(&o.PermAddr, "permaddr", "", "linux: permanent `MAC` (all zero or empty for veth, bridge, macvlan)")
	fs.IntVar(&o.IDGenRetries, "idgen-retries", 0, "linux: net.ipv6.idgen_retries (default 3)")
	fs.StringVar(&o.ByteOrder, "byte-order", "", "linux: the predicted CPU's byte `order`, big or little (default this host's: "+nativeOrder()+")")
	fs.StringVar(&o.HostID, "host-id", "", "nm: host ID as a string")
	fs.StringVar(&o.HostIDHex, "host-id-hex", "", "nm: host ID in hex")
	fs.StringVar(&o.SecretKeyFile, "secret-key", "", "nm: `path` of a copy of /var/lib/NetworkManager/secret_key")
	fs.StringVar(&o.MachineID, "machine-id", "", "nm: /etc/machine-id hashed with a v2 secret key; systemd: derive networkd's key")
	fs.StringVar(&o.StableType, "stable-type", "", "nm: uuid, stable-id or generated (with -network-id)")
	fs.StringVar(&o.NetworkID, "network-id", "", "nm: the network ID NetworkManager hashes; rfc7217: Network_ID")
	fs.StringVar(&o.UUID, "uuid", "", "nm: connection.uuid")
	fs.StringVar(&o.StableID, "stable-id", "", "nm: connection.stable-id `template` (${CONNECTION}, ${DEVICE}, ${MAC}, ${BOOT}, ${NETWORK_SSID})")
	fs.StringVar(&o.BootID, "boot-id", "", "nm: the predicted host's /proc/sys/kernel/random/boot_id, for ${BOOT} (required with it)")
	fs.StringVar(&o.NMVersion, "nm-version", "", "nm: NetworkManager `version` whose stable-id rules apply: 1.42, 1.44 (\"default${CONNECTION}\" means the UUID) or 1.46+ (${NETWORK_SSID} expands); default the newest")
	fs.StringVar(&o.Key, "key", "", "systemd: Token=prefixstable secret (32 hex digits)")
	fs.DurationVar(&o.Valid, "valid", 0, "temporary: advertised valid lifetime")
	fs.DurationVar(&o.Preferred, "preferred", 0, "temporary: advertised preferred lifetime (default 24h, RFC 8981's TEMP_PREFERRED_LIFETIME, or -valid when shorter)")
	fs.StringVar(&o.Profile, "profile", "rfc8981", "temporary: rfc8981 or linux defaults")
	fs.DurationVar(&o.For, "for", 0, "temporary: simulated span")
	fs.DurationVar(&o.RAInterval, "ra-interval", 0, "temporary: re-advertise the prefix this often (default once)")
	fs.StringVar(&o.Start, "start", "", "temporary: simulated start, RFC 3339 (default now)")
	fs.Uint64Var(&o.Seed, "seed", 0, "temporary: random seed for a repeatable run (default random)")
	fs.Func("ssid", "nm: Wi-Fi SSID for ${NETWORK_SSID}", func(s string) error {
		o.SSID, o.HasSSID = s, true
		return nil
	})
	return func(ctx context.Context, stdout io.Writer) error {
		o.HasPreferred = cli.Given(fs, "preferred")
		if o.Interface != "" || o.Mode == "" && cli.Given(fs, "i") {
			if err := checkHost(o); err != nil {
				return err
			}
			var stray error
			fs.Visit(func(f *flag.Flag) {
				if stray == nil && !slices.Contains(hostFlags, f.Name) {
					stray = cli.Usagef("-%s does not apply to -i (it reads the host's own configuration); drop it", f.Name)
				}
			})
			if stray != nil {
				return stray
			}
			return Run(ctx, o, stdout)
		}
		if err := check(o); err != nil {
			return err
		}
		var stray error
		fs.Visit(func(f *flag.Flag) {
			if stray == nil && !slices.Contains(commonFlags, f.Name) && !slices.Contains(modeFlags[o.Mode], f.Name) {
				stray = cli.Usagef("-%s does not apply to -mode %s; drop it (slaacaddr -h lists each mode's flags)", f.Name, o.Mode)
			}
		})
		if stray != nil {
			return stray
		}
		if o.Mode == "temporary" && o.DAD != 0 {
			return cli.Usagef("-dad does not apply to -mode temporary (DAD failures are not simulated); drop it")
		}
		return Run(ctx, o, stdout)
	}
}
