// Package slaacaddr is the slaacaddr program: it predicts the IPv6 address a
// host forms with SLAAC, the way the Linux kernel, NetworkManager,
// systemd-networkd, RFC 7217 or modified EUI-64 compute it (package slaac),
// and simulates RFC 8981 temporary addresses.
package slaacaddr

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/v6kit/v6kit/slaac"
)

// Modes lists the -mode values.
var Modes = []string{"eui64", "linux", "nm", "systemd", "rfc7217", "temporary"}

// Options configure Run; examples/slaacaddr fills them from flags. Strings
// are parsed by Run, so it reports every malformed value.
type Options struct {
	// Mode is one of Modes (-mode).
	Mode string
	// Prefix is the /64 (-prefix). Optional with LinkLocal.
	Prefix string
	// DAD is the DAD counter (-dad): how many conflicts came before.
	DAD int
	// LinkLocal prints the link-local address instead (-linklocal; eui64,
	// linux, nm, and systemd with IPv6LinkLocalAddressGenerationMode=
	// stable-privacy).
	LinkLocal bool
	// JSON prints one JSON object per line (-json).
	JSON bool

	// MAC is the interface's current MAC (-mac; eui64, systemd).
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
	// BigEndian selects a big-endian CPU (-big-endian; linux).
	BigEndian bool

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
	// -preferred; temporary).
	Valid, Preferred time.Duration
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
}

// Result is the -json output of the stable modes. The keys are the
// program's contract.
type Result struct {
	Mode       string `json:"mode"`
	Address    string `json:"address"`
	IID        string `json:"iid"`
	DADCounter int    `json:"dad_counter"`
}

// Event is one -json line of the temporary mode.
type Event struct {
	Time           time.Time `json:"time"`
	Offset         string    `json:"offset"`
	Event          string    `json:"event"`
	Address        string    `json:"address"`
	PreferredUntil time.Time `json:"preferred_until"`
	ValidUntil     time.Time `json:"valid_until"`
	Desync         string    `json:"desync"`
}

// ErrUsage reports a missing or malformed option.
var ErrUsage = errors.New("slaacaddr: usage")

func usage(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrUsage}, args...)...)
}

// Run computes what Options ask for and writes it to w.
func Run(ctx context.Context, o Options, w io.Writer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if o.Mode == "temporary" {
		return runTemporary(ctx, o, w)
	}
	var prefix netip.Prefix
	if o.LinkLocal {
		prefix = netip.MustParsePrefix("fe80::/64")
	} else {
		if o.Prefix == "" {
			return usage("-prefix is required (a /64 such as 2001:db8:1:2::/64)")
		}
		p, err := netip.ParsePrefix(o.Prefix)
		if err != nil {
			return usage("-prefix: %v", err)
		}
		if err := slaac.CheckPrefix(p); err != nil {
			return err
		}
		prefix = p.Masked()
	}
	if o.DAD < 0 {
		return usage("-dad must not be negative")
	}
	g, err := generator(o)
	if err != nil {
		return err
	}
	iid, used, err := g.IID(prefix, o.DAD)
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

type eui64Gen struct{ mac net.HardwareAddr }

func (g eui64Gen) IID(_ netip.Prefix, dad int) (slaac.IID, int, error) {
	if dad != 0 {
		return slaac.IID{}, dad, fmt.Errorf("%w: a modified EUI-64 identifier has no DAD retry", slaac.ErrIDGenRetries)
	}
	iid, err := slaac.EUI64(g.mac)
	return iid, 0, err
}

func parseMAC(flag, s string) (net.HardwareAddr, error) {
	mac, err := net.ParseMAC(s)
	if err != nil {
		return nil, usage("%s: %v", flag, err)
	}
	return mac, nil
}

func generator(o Options) (slaac.Generator, error) {
	switch o.Mode {
	case "eui64":
		if o.MAC == "" {
			return nil, usage("-mode eui64 needs -mac")
		}
		mac, err := parseMAC("-mac", o.MAC)
		if err != nil {
			return nil, err
		}
		return eui64Gen{mac}, nil
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
				return nil, usage("-mode systemd -linklocal needs -machine-id and -ifname")
			}
			mid, err := slaac.ParseMachineID(o.MachineID)
			if err != nil {
				return nil, err
			}
			return &slaac.Linux{Secret: slaac.NetworkdLinkLocalSecret(mid, o.IfName)}, nil
		}
		return networkdGen(o)
	case "rfc7217":
		if o.Secret == "" || o.IfName == "" {
			return nil, usage("-mode rfc7217 needs -secret HEX and -ifname")
		}
		secret, err := hex.DecodeString(o.Secret)
		if err != nil {
			return nil, usage("-secret: not hex: %v", err)
		}
		return slaac.RFC7217{Secret: secret, NetIface: []byte(o.IfName), NetworkID: []byte(o.NetworkID)}, nil
	case "":
		return nil, usage("-mode is required (%s)", strings.Join(Modes, ", "))
	}
	return nil, usage("unknown -mode %q (want %s)", o.Mode, strings.Join(Modes, ", "))
}

func linuxGen(o Options) (slaac.Generator, error) {
	if o.Secret == "" {
		return nil, usage("-mode linux needs -secret (the stable_secret, an IPv6 literal)")
	}
	secret, err := slaac.ParseLinuxSecret(o.Secret)
	if err != nil {
		return nil, err
	}
	g := &slaac.Linux{Secret: secret, IDGenRetries: o.IDGenRetries, BigEndian: o.BigEndian}
	if o.PermAddr != "" {
		if g.PermAddr, err = parseMAC("-permaddr", o.PermAddr); err != nil {
			return nil, err
		}
	}
	return g, nil
}

type nmLinkLocal struct{ *slaac.NetworkManager }

func (g nmLinkLocal) IID(_ netip.Prefix, dad int) (slaac.IID, int, error) {
	a, used, err := g.LinkLocal(dad)
	return slaac.IIDFrom(a), used, err
}

func nmGen(o Options) (slaac.Generator, error) {
	if o.IfName == "" {
		return nil, usage("-mode nm needs -ifname")
	}
	hostID, err := nmHostID(o)
	if err != nil {
		return nil, err
	}
	g := &slaac.NetworkManager{IfName: o.IfName, HostID: hostID}
	switch {
	case o.UUID != "" && (o.NetworkID != "" || o.StableType != ""):
		return nil, usage("give either -uuid [-stable-id] or -stable-type with -network-id, not both")
	case o.UUID != "":
		if o.StableID == "" {
			g.StableType, g.NetworkID = slaac.NMStableUUID, o.UUID
			break
		}
		in := slaac.NMStableIDInput{UUID: o.UUID, Device: o.IfName, MAC: strings.ToUpper(o.MAC), BootID: o.BootID, NoNetworkSSID: nmBefore146(o.NMVersion)}
		if o.HasSSID {
			in.SSID = []byte(o.SSID)
		}
		g.StableType, g.NetworkID = slaac.ExpandNMStableID(o.StableID, in)
		if g.StableType == slaac.NMStableRandom {
			return nil, fmt.Errorf("slaacaddr: stable-id %q contains ${RANDOM}: NetworkManager picks a new random ID on each activation, which cannot be predicted", o.StableID)
		}
	case o.NetworkID != "" || o.StableType != "":
		if o.StableType == "" {
			return nil, usage("-network-id needs -stable-type uuid|stable-id|generated")
		}
		t, err := slaac.ParseNMStableType(o.StableType)
		if err != nil {
			return nil, usage("-stable-type: %v", err)
		}
		if t == slaac.NMStableRandom {
			return nil, usage("-stable-type random cannot be predicted")
		}
		g.StableType, g.NetworkID = t, o.NetworkID
	default:
		return nil, usage("-mode nm needs -uuid UUID [-stable-id TEMPLATE] or -stable-type TYPE -network-id ID")
	}
	if o.LinkLocal {
		return nmLinkLocal{g}, nil
	}
	return g, nil
}

func nmBefore146(v string) bool {
	if v == "" {
		return false
	}
	var major, minor int
	if _, err := fmt.Sscanf(v, "%d.%d", &major, &minor); err != nil {
		return false
	}
	return major < 1 || major == 1 && minor < 46
}

func nmHostID(o Options) ([]byte, error) {
	n := 0
	for _, s := range []string{o.HostID, o.HostIDHex, o.SecretKeyFile} {
		if s != "" {
			n++
		}
	}
	if n != 1 {
		return nil, usage("-mode nm needs exactly one of -host-id STRING, -host-id-hex HEX, -secret-key FILE")
	}
	switch {
	case o.HostID != "":
		return []byte(o.HostID), nil
	case o.HostIDHex != "":
		b, err := hex.DecodeString(o.HostIDHex)
		if err != nil || len(b) == 0 {
			return nil, usage("-host-id-hex: not hex")
		}
		return b, nil
	}
	key, err := os.ReadFile(o.SecretKeyFile)
	if err != nil {
		return nil, fmt.Errorf("slaacaddr: -secret-key: %w", err)
	}
	return slaac.NMHostID(key, o.MachineID)
}

func networkdGen(o Options) (slaac.Generator, error) {
	if o.IfName == "" || o.MAC == "" {
		return nil, usage("-mode systemd needs -ifname and -mac")
	}
	mac, err := parseMAC("-mac", o.MAC)
	if err != nil {
		return nil, err
	}
	g := &slaac.Networkd{IfName: o.IfName, MAC: mac}
	switch {
	case o.Key != "" && o.MachineID != "":
		return nil, usage("give -key or -machine-id, not both")
	case o.Key != "":
		k, err := hex.DecodeString(strings.ReplaceAll(o.Key, "-", ""))
		if err != nil || len(k) != 16 {
			return nil, usage("-key must be 32 hex digits (the SECRET of Token=prefixstable:PREFIX,SECRET)")
		}
		g.Key = [16]byte(k)
	case o.MachineID != "":
		mid, err := slaac.ParseMachineID(o.MachineID)
		if err != nil {
			return nil, err
		}
		g.Key = slaac.NetworkdKey(mid)
	default:
		return nil, usage("-mode systemd needs -key HEX or -machine-id HEX")
	}
	return g, nil
}

func runTemporary(ctx context.Context, o Options, w io.Writer) error {
	p, err := netip.ParsePrefix(o.Prefix)
	if err != nil {
		return usage("-prefix: %v", err)
	}
	if err := slaac.CheckPrefix(p); err != nil {
		return err
	}
	var profile slaac.TempProfile
	switch o.Profile {
	case "", "rfc8981":
		profile = slaac.RFC8981Profile()
	case "linux":
		profile = slaac.LinuxProfile()
	default:
		return usage("-profile must be rfc8981 or linux")
	}
	if o.Valid <= 0 || o.Preferred < 0 || o.Preferred > o.Valid {
		return usage("-valid and -preferred must satisfy 0 <= preferred <= valid, valid > 0")
	}
	if o.For <= 0 {
		return usage("-for must be positive")
	}
	start := time.Now().UTC().Truncate(time.Second)
	if o.Start != "" {
		if start, err = time.Parse(time.RFC3339, o.Start); err != nil {
			return usage("-start: %v", err)
		}
	}
	seed := o.Seed
	if seed == 0 {
		var b [8]byte
		if _, err := crand.Read(b[:]); err != nil {
			return err
		}
		seed = binary.LittleEndian.Uint64(b[:])
	}
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	now := start
	m, err := slaac.NewTempManager(slaac.TempConfig{Profile: profile, Rand: rand.NewChaCha8(key)})
	if err != nil {
		return err
	}
	end := start.Add(o.For)
	enc := json.NewEncoder(w)
	emit := func(evs []slaac.TempEvent) error {
		for _, e := range evs {
			if e.Time.After(end) {
				continue
			}
			ev := Event{
				Time: e.Time, Offset: e.Time.Sub(start).String(), Event: e.Kind.String(), Address: e.Addr.String(),
				PreferredUntil: e.PreferredUntil, ValidUntil: e.ValidUntil, Desync: e.Desync.String(),
			}
			if o.JSON {
				if err := enc.Encode(ev); err != nil {
					return err
				}
				continue
			}
			if _, err := fmt.Fprintf(w, "%-10s %-10s %s preferred-until +%v valid-until +%v\n",
				"+"+ev.Offset, ev.Event, ev.Address, e.PreferredUntil.Sub(start), e.ValidUntil.Sub(start)); err != nil {
				return err
			}
		}
		return nil
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		evs, err := m.PrefixInfo(now, p, o.Valid, o.Preferred)
		if err != nil {
			return err
		}
		if err := emit(evs); err != nil {
			return err
		}
		if o.RAInterval <= 0 || !now.Add(o.RAInterval).Before(end) {
			break
		}
		now = now.Add(o.RAInterval)
	}
	now = end
	return emit(m.Advance(now))
}
