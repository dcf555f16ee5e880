package slaacaddr

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"os"
	"strings"

	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/internal/netx"
	"github.com/v6kit/v6kit/slaac"
)

// generator checks the flags of the stable modes and returns the
// generator they describe.
func generator(o Options) (slaac.Generator, error) {
	if o.IfName != "" && o.Mode != "rfc7217" {
		// docs/cli.md: interface names are 1–15 bytes without '/', ':'
		// or white space, as Linux takes them. RFC 7217's generic
		// Net_Iface may be any stable identifier (Appendix A: a MAC,
		// colons and all), so that mode takes any.
		if err := netx.CheckName(o.IfName); err != nil {
			return nil, cli.Usagef("-ifname: %v", err)
		}
	}
	switch o.Mode {
	case "eui64":
		return eui64(o)
	case "linux":
		return linuxGen(o)
	case "nm":
		return nmGen(o)
	case "systemd":
		if o.LinkLocal {
			// IPv6LinkLocalAddressGenerationMode=stable-privacy: networkd
			// writes a stable_secret derived from the machine ID and the
			// interface name; the kernel forms the address.
			if o.MachineID == "" || o.IfName == "" {
				return nil, cli.Usagef("-mode systemd -linklocal needs -machine-id and -ifname; give the 32 hex digits of /etc/machine-id and the interface name")
			}
			mid, err := machineID(o.MachineID)
			if err != nil {
				return nil, err
			}
			order, err := byteOrder(o.ByteOrder)
			if err != nil {
				return nil, err
			}
			return &slaac.Linux{Secret: slaac.NetworkdLinkLocalSecret(mid, o.IfName), ByteOrder: order}, nil
		}
		return networkdGen(o)
	case "rfc7217":
		if o.Secret == "" || o.IfName == "" {
			return nil, cli.Usagef("-mode rfc7217 needs -secret and -ifname; give the secret key in hex (at least 32 digits) and the interface name")
		}
		secret, err := hex.DecodeString(o.Secret)
		if err != nil {
			return nil, cli.Usagef("-secret %q is not hex; give the secret key as at least 32 hex digits (128 bits)", o.Secret)
		}
		if len(secret) < 16 {
			return nil, cli.Usagef("-secret has %d bits; RFC 7217 needs at least 128 (32 hex digits)", 8*len(secret))
		}
		return slaac.RFC7217{Secret: secret, NetIface: []byte(o.IfName), NetworkID: []byte(o.NetworkID)}, nil
	}
	return nil, cli.Usagef("-mode %q is unknown; give one of %s", o.Mode, strings.Join(Modes, ", "))
}

type eui64Gen struct{ mac net.HardwareAddr }

func (g eui64Gen) IID(_ netip.Prefix, dad int) (slaac.IID, int, error) {
	iid, err := slaac.EUI64(g.mac)
	return iid, 0, err
}

func eui64(o Options) (slaac.Generator, error) {
	if o.MAC == "" {
		return nil, cli.Usagef("-mode eui64 needs -mac; give the interface's MAC such as 00:16:3e:65:2b:99")
	}
	mac, err := parseMAC("-mac", o.MAC)
	if err != nil {
		return nil, err
	}
	if len(mac) != 6 && len(mac) != 8 {
		return nil, cli.Usagef("-mac %s has %d bytes; modified EUI-64 needs a 48-bit MAC or a 64-bit EUI-64", o.MAC, len(mac))
	}
	if o.DAD != 0 {
		return nil, cli.Usagef("-dad %d: a modified EUI-64 address has no DAD retry (a conflict leaves the interface without it); give -dad 0", o.DAD)
	}
	return eui64Gen{mac}, nil
}

func linuxGen(o Options) (slaac.Generator, error) {
	if o.Secret == "" {
		return nil, cli.Usagef("-mode linux needs -secret; give the interface's stable_secret as sysctl shows it, such as 2001:db8::1")
	}
	secret, err := slaac.ParseLinuxSecret(o.Secret)
	if err != nil {
		return nil, cli.Usagef("-secret %q is not an IPv6 literal; give the stable_secret as sysctl net.ipv6.conf.IF.stable_secret shows it, such as 2001:db8::1", o.Secret)
	}
	if o.IDGenRetries < 0 {
		return nil, cli.Usagef("-idgen-retries %d is negative; give net.ipv6.idgen_retries (default 3)", o.IDGenRetries)
	}
	order, err := byteOrder(o.ByteOrder)
	if err != nil {
		return nil, err
	}
	g := &slaac.Linux{Secret: secret, IDGenRetries: o.IDGenRetries, ByteOrder: order}
	if o.PermAddr != "" {
		if g.PermAddr, err = parseMAC("-permaddr", o.PermAddr); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// nmDADError is the error for a counter past nmLastDAD.
func nmDADError(g *slaac.NetworkManager, prefix netip.Prefix, dad int) error {
	kind := ""
	if prefix.Masked() == linkLocalPrefix {
		kind = "link-local "
	}
	return fmt.Errorf("%w: NetworkManager tries %sDAD counters 0..%d, got %d", slaac.ErrIDGenRetries, kind, g.LastDADCounter(prefix), dad)
}

type nmLinkLocal struct{ *slaac.NetworkManager }

var linkLocalPrefix = netip.MustParsePrefix("fe80::/64")

func (g nmLinkLocal) IID(_ netip.Prefix, dad int) (slaac.IID, int, error) {
	if dad > g.LastDADCounter(linkLocalPrefix) {
		return slaac.IID{}, dad, nmDADError(g.NetworkManager, linkLocalPrefix, dad)
	}
	a, used, err := g.LinkLocal(dad)
	return slaac.IIDFrom(a), used, err
}

// nmGlobal applies NetworkManager's retry limit for global addresses,
// which belongs to its loop, not to its hash.
type nmGlobal struct{ *slaac.NetworkManager }

func (g nmGlobal) IID(p netip.Prefix, dad int) (slaac.IID, int, error) {
	if dad > g.LastDADCounter(p) {
		return slaac.IID{}, dad, nmDADError(g.NetworkManager, p, dad)
	}
	return g.NetworkManager.IID(p, dad)
}

func nmGen(o Options) (slaac.Generator, error) {
	if o.IfName == "" {
		return nil, cli.Usagef("-mode nm needs -ifname; give the interface name NetworkManager hashes (its ${DEVICE})")
	}
	g := &slaac.NetworkManager{IfName: o.IfName}
	version, err := nmVersion(o.NMVersion)
	if err != nil {
		return nil, err
	}
	switch {
	case o.UUID != "" && (o.NetworkID != "" || o.StableType != ""):
		return nil, cli.Usagef("-uuid and -stable-type/-network-id exclude each other; give -uuid [-stable-id TEMPLATE] or -stable-type TYPE -network-id ID")
	case o.UUID != "":
		if o.StableID == "" {
			g.StableType, g.NetworkID = slaac.NMStableUUID, o.UUID
			break
		}
		in := slaac.NMStableIDInput{UUID: o.UUID, Device: o.IfName, MAC: strings.ToUpper(o.MAC), BootID: o.BootID, Version: version}
		if o.HasSSID {
			in.SSID = []byte(o.SSID)
		}
		if o.BootID == "" && usesBoot(o.StableID, in) {
			// An empty boot ID would be hashed silently. -mode predicts
			// any host, so this one's boot ID is no default (-i reads it).
			return nil, cli.Usagef("-stable-id %q uses ${BOOT}; give -boot-id, the predicted host's /proc/sys/kernel/random/boot_id (it changes at each boot)", o.StableID)
		}
		g.StableType, g.NetworkID = slaac.ExpandNMStableID(o.StableID, in)
		if g.StableType == slaac.NMStableRandom {
			return nil, cli.Usagef("-stable-id %q contains ${RANDOM}, a new random ID on each activation, which cannot be predicted; give a template without it", o.StableID)
		}
	case o.NetworkID != "" || o.StableType != "":
		if o.StableType == "" || o.NetworkID == "" {
			return nil, cli.Usagef("-stable-type and -network-id go together; give both, e.g. -stable-type uuid -network-id $(nmcli -g connection.uuid c show eth0)")
		}
		t, err := slaac.ParseNMStableType(o.StableType)
		if err != nil || t == slaac.NMStableRandom {
			return nil, cli.Usagef("-stable-type %q is not predictable; give uuid, stable-id or generated", o.StableType)
		}
		g.StableType, g.NetworkID = t, o.NetworkID
	default:
		return nil, cli.Usagef("-mode nm needs a network ID; give -uuid UUID [-stable-id TEMPLATE] or -stable-type TYPE -network-id ID")
	}
	if o.StableID != "" && o.UUID == "" {
		return nil, cli.Usagef("-stable-id needs -uuid (its ${CONNECTION}); give -uuid too")
	}
	if strings.IndexByte(o.IfName, 0) >= 0 || strings.IndexByte(g.NetworkID, 0) >= 0 {
		return nil, cli.Usagef("-ifname and the network ID must not contain NUL; give them as NetworkManager shows them")
	}
	hostID, err := nmHostID(o)
	if err != nil {
		return nil, err
	}
	g.HostID = hostID
	if o.LinkLocal {
		return nmLinkLocal{g}, nil
	}
	return nmGlobal{g}, nil
}

// nmVersion parses -nm-version; empty means the newest rules. Only
// NetworkManager 1.x from 1.4 on, which brought connection.stable-id, has
// rules to follow.
func nmVersion(s string) (slaac.NMVersion, error) {
	if s == "" {
		return slaac.NMVersion{}, nil
	}
	v, err := slaac.ParseNMVersion(s)
	if err != nil {
		return v, cli.Usagef("-nm-version %q is not a version; give MAJOR.MINOR such as 1.42", s)
	}
	if v.Major != 1 || v.Minor < 4 {
		return v, cli.Usagef("-nm-version %q is not a NetworkManager 1.x from 1.4 on (when connection.stable-id came); give the predicted host's version: the rules differ for %v and older, %v, and %v and newer", s, slaac.NM142, slaac.NM144, slaac.NM146)
	}
	return v, nil
}

// usesBoot reports whether template expands ${BOOT}: whether the boot ID
// changes the network ID, so the package's own parser (its $$ escapes,
// its per-version rules) decides.
func usesBoot(template string, in slaac.NMStableIDInput) bool {
	in.BootID = "a"
	_, a := slaac.ExpandNMStableID(template, in)
	in.BootID = "b"
	_, b := slaac.ExpandNMStableID(template, in)
	return a != b
}

func nmHostID(o Options) ([]byte, error) {
	n := 0
	for _, s := range []string{o.HostID, o.HostIDHex, o.SecretKeyFile} {
		if s != "" {
			n++
		}
	}
	if n != 1 {
		return nil, cli.Usagef("-mode nm needs exactly one of -host-id, -host-id-hex, -secret-key; give -secret-key /var/lib/NetworkManager/secret_key (a copy) with -machine-id")
	}
	if o.MachineID != "" && o.SecretKeyFile == "" {
		return nil, cli.Usagef("-machine-id is hashed with -secret-key; give -secret-key too, or drop -machine-id")
	}
	var mid string
	if o.MachineID != "" {
		if _, err := machineID(o.MachineID); err != nil {
			return nil, err
		}
		mid = o.MachineID
	}
	switch {
	case o.HostID != "":
		return []byte(o.HostID), nil
	case o.HostIDHex != "":
		b, err := hex.DecodeString(o.HostIDHex)
		if err != nil {
			return nil, cli.Usagef("-host-id-hex %q is not hex; give the host ID as hex digits", o.HostIDHex)
		}
		return b, nil
	}
	key, err := os.ReadFile(o.SecretKeyFile)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("secret key file %q: %w", o.SecretKeyFile, err)
	}
	id, err := slaac.NMHostID(key, mid)
	if err != nil {
		return nil, fmt.Errorf("secret key file %s: %s", o.SecretKeyFile, cli.Cause(err))
	}
	return id, nil
}

func machineID(s string) ([16]byte, error) {
	mid, err := slaac.ParseMachineID(s)
	if err != nil {
		return mid, cli.Usagef("-machine-id %q is not a machine ID; give the 32 hex digits of /etc/machine-id", s)
	}
	return mid, nil
}

func networkdGen(o Options) (slaac.Generator, error) {
	if o.IfName == "" || o.MAC == "" {
		return nil, cli.Usagef("-mode systemd needs -ifname and -mac; give the interface name and its current MAC")
	}
	mac, err := parseMAC("-mac", o.MAC)
	if err != nil {
		return nil, err
	}
	g := &slaac.Networkd{IfName: o.IfName, MAC: mac}
	switch {
	case o.Key != "" && o.MachineID != "":
		return nil, cli.Usagef("-key and -machine-id exclude each other; give -key for Token=prefixstable:PREFIX,SECRET or -machine-id without a secret")
	case o.Key != "":
		k, err := hex.DecodeString(strings.ReplaceAll(o.Key, "-", ""))
		if err != nil || len(k) != 16 {
			return nil, cli.Usagef("-key %q is not 32 hex digits; give the SECRET of Token=prefixstable:PREFIX,SECRET", o.Key)
		}
		g.Key = [16]byte(k)
	case o.MachineID != "":
		mid, err := machineID(o.MachineID)
		if err != nil {
			return nil, err
		}
		g.Key = slaac.NetworkdKey(mid)
	default:
		return nil, cli.Usagef("-mode systemd needs -key or -machine-id; give the Token=prefixstable secret or the 32 hex digits of /etc/machine-id")
	}
	return g, nil
}

// byteOrder parses -byte-order: the CPU the Linux kernel runs on stores
// the hash words in its own byte order. Empty means this host's.
func byteOrder(s string) (binary.ByteOrder, error) {
	switch s {
	case "":
		return binary.NativeEndian, nil
	case "big":
		return binary.BigEndian, nil
	case "little":
		return binary.LittleEndian, nil
	}
	return nil, cli.Usagef("-byte-order %q is unknown; give big (ath79 MIPS routers, s390x, ppc64) or little (MT7621 mipsel, arm, x86), or leave it out for this host's", s)
}

// nativeOrder names this host's byte order for -h.
func nativeOrder() string {
	if binary.NativeEndian.Uint16([]byte{0, 1}) == 1 {
		return "big"
	}
	return "little"
}
