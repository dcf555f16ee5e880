package slaac

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// Manager names who forms an interface's SLAAC addresses.
type Manager uint8

// The managers a [Host] can name.
const (
	// ManagerKernel: the Linux kernel itself (accept_ra, addr_gen_mode).
	ManagerKernel Manager = iota
	// ManagerNetworkManager: NetworkManager manages the device and
	// handles its router advertisements.
	ManagerNetworkManager
	// ManagerNetworkd: systemd-networkd manages the link.
	ManagerNetworkd
)

func (m Manager) String() string {
	switch m {
	case ManagerKernel:
		return "kernel"
	case ManagerNetworkManager:
		return "NetworkManager"
	case ManagerNetworkd:
		return "systemd-networkd"
	}
	return fmt.Sprintf("Manager(%d)", uint8(m))
}

// Host is everything a Linux host uses to form the SLAAC addresses of one
// interface: the kernel's configuration, the hardware addresses, and when
// NetworkManager or systemd-networkd manages the interface, what they use.
// A reader (package slaac/host) fills it from the running system; a
// caller can also build one by hand to predict another machine. Its
// methods yield the generators ([Host.Rules], [Host.LinkLocalRule]) and the
// temporary-address profile ([Host.TempProfile]).
type Host struct {
	// IfName and Index name the interface.
	IfName string
	Index  int
	// MAC is the current hardware address (EUI-64, networkd).
	MAC net.HardwareAddr
	// PermAddr is the permanent hardware address (IFLA_PERM_ADDRESS),
	// which the kernel hashes and NetworkManager substitutes for ${MAC};
	// nil when the device has none (veth, bridge, macvlan).
	PermAddr net.HardwareAddr
	// Kernel is the kernel's configuration of the interface.
	Kernel KernelConf
	// Manager says who forms the addresses; NM or Networkd holds its
	// configuration.
	Manager  Manager
	NM       *NMHost
	Networkd *NetworkdHost
}

// NMHost is what NetworkManager uses for one device.
type NMHost struct {
	// Version is the NetworkManager release (zero: the newest rules).
	Version NMVersion
	// Conf is NetworkManager.conf merged with its conf.d files.
	Conf NMConf
	// Connection is the active profile, read from ConnectionFile.
	Connection     NMConnection
	ConnectionFile string
	// HostID is the host identifier ([NMHostID]); HostIDFrom says from
	// which files.
	HostID     []byte
	HostIDFrom string
	// BootID is /proc/sys/kernel/random/boot_id, for ${BOOT}.
	BootID string
}

// NetworkdHost is what systemd-networkd uses for one link.
type NetworkdHost struct {
	// NetworkFile is the .network file applied, Network its contents.
	NetworkFile string
	Network     NetworkdNetwork
	// MachineID is /etc/machine-id.
	MachineID [16]byte
}

// A Rule is one way a host forms addresses on an interface: the
// algorithm, where its inputs come from, and its generator.
type Rule struct {
	// Name names the algorithm: "eui64", "linux-stable-privacy",
	// "linux-random", "nm-stable-privacy", "nm-eui64", "nm-token",
	// "networkd-eui64", "networkd-static", "networkd-prefixstable",
	// "networkd-stable-privacy" (link-local).
	Name string
	// Source says where its inputs came from, for a person to check.
	Source string
	// Generator forms the identifiers.
	Generator Generator
	// Prefix, when valid, limits the rule to that /64
	// (Token=prefixstable:PREFIX); the zero Prefix means every prefix.
	Prefix netip.Prefix
}

// Applies reports whether r forms an address on prefix.
func (r Rule) Applies(prefix netip.Prefix) bool {
	return !r.Prefix.IsValid() || r.Prefix.Masked() == prefix.Masked()
}

// EUI64Generator is modified EUI-64 (RFC 4291 Appendix A) as a
// [Generator]: the identifier does not depend on the prefix, and there is
// no retry after a DAD conflict.
type EUI64Generator struct{ MAC net.HardwareAddr }

// IID implements [Generator].
func (g EUI64Generator) IID(prefix netip.Prefix, dadCounter int) (IID, int, error) {
	if err := CheckPrefix(prefix); err != nil {
		return IID{}, dadCounter, err
	}
	if dadCounter != 0 {
		return IID{}, dadCounter, fmt.Errorf("%w: EUI-64 has no retry after a DAD conflict", ErrIDGenRetries)
	}
	iid, err := EUI64(g.MAC)
	return iid, 0, err
}

// StaticIID is a fixed identifier as a [Generator] (a token: `ip token`,
// NetworkManager's ipv6.token, networkd's Token=static:).
type StaticIID IID

// IID implements [Generator].
func (g StaticIID) IID(prefix netip.Prefix, dadCounter int) (IID, int, error) {
	if err := CheckPrefix(prefix); err != nil {
		return IID{}, dadCounter, err
	}
	if dadCounter != 0 {
		return IID{}, dadCounter, fmt.Errorf("%w: a token has no retry after a DAD conflict", ErrIDGenRetries)
	}
	return IID(g), 0, nil
}

// Rules returns the rules that form the host's global SLAAC addresses on
// the interface, in the order its manager applies them (systemd-networkd
// may have several tokens, each forming an address). An error wrapping
// [ErrNoAddress] says the host forms none (SLAAC off, addr_gen_mode 2
// without any secret, a ${RANDOM} stable-id), one wrapping [ErrSecret]
// that the secret is not known yet (addr_gen_mode 3 before the link was
// up).
func (h *Host) Rules() ([]Rule, error) {
	if h == nil {
		return nil, errors.New("slaac: nil *Host")
	}
	switch h.Manager {
	case ManagerNetworkManager:
		r, err := h.nmRule(false)
		if err != nil {
			return nil, err
		}
		return []Rule{r}, nil
	case ManagerNetworkd:
		return h.networkdRules()
	}
	k := h.Kernel
	if !k.Autoconf || !k.AcceptsRA() {
		return nil, fmt.Errorf("%w: the kernel does not autoconfigure %s (accept_ra %d, forwarding %d, autoconf %v)", ErrNoAddress, h.IfName, k.AcceptRA, k.Forwarding, k.Autoconf)
	}
	r, err := h.kernelRule(false)
	if err != nil {
		return nil, err
	}
	return []Rule{r}, nil
}

// LinkLocalRule returns the rule that forms the interface's link-local
// address (its Generator takes fe80::/64).
func (h *Host) LinkLocalRule() (Rule, error) {
	if h == nil {
		return Rule{}, errors.New("slaac: nil *Host")
	}
	switch h.Manager {
	case ManagerNetworkManager:
		return h.nmRule(true)
	case ManagerNetworkd:
		if h.Networkd == nil {
			return Rule{}, errors.New("slaac: Host.Networkd is nil")
		}
		n := h.Networkd.Network
		src := h.Networkd.NetworkFile + " IPv6LinkLocalAddressGenerationMode=" + n.LinkLocalMode
		switch n.LinkLocalMode {
		case "eui64":
			return Rule{Name: "networkd-eui64", Source: src + ", MAC " + h.MAC.String(), Generator: EUI64Generator{h.MAC}}, nil
		case "none":
			return Rule{}, fmt.Errorf("%w: %s", ErrNoAddress, src)
		case "stable-privacy":
			secret, from := n.StableSecret, "IPv6StableSecretAddress="
			if !n.HasStableSecret {
				secret, from = NetworkdLinkLocalSecret(h.Networkd.MachineID, h.IfName), "a secret derived from /etc/machine-id and the interface name"
			}
			return Rule{Name: "networkd-stable-privacy", Source: src + ", " + from, Generator: &Linux{Secret: secret, PermAddr: h.PermAddr, IDGenRetries: h.Kernel.IDGenRetries}}, nil
		}
	}
	return h.kernelRule(true)
}

// Stable returns the generators of the host's stable addresses, global
// and link-local, for [Evidence].Stable.
func (h *Host) Stable() []Generator {
	var gens []Generator
	if rs, err := h.Rules(); err == nil {
		for _, r := range rs {
			gens = append(gens, r.Generator)
		}
	}
	if r, err := h.LinkLocalRule(); err == nil {
		gens = append(gens, r.Generator)
	}
	return gens
}

// TempProfile returns the RFC 8981 profile of the interface's temporary
// addresses and whether the kernel forms them (use_tempaddr > 0); see
// [KernelConf.TempProfile].
func (h *Host) TempProfile() (TempProfile, bool) {
	if h == nil {
		return TempProfile{}, false
	}
	return h.Kernel.TempProfile()
}

func (h *Host) kernelRule(linkLocal bool) (Rule, error) {
	k := h.Kernel
	src := "net.ipv6.conf." + h.IfName + ".addr_gen_mode=" + fmt.Sprint(int(k.AddrGenMode))
	switch k.AddrGenMode {
	case AddrGenNone:
		if linkLocal {
			return Rule{}, fmt.Errorf("%w: %s (none) forms no link-local address", ErrNoAddress, src)
		}
		fallthrough
	case AddrGenEUI64:
		return Rule{Name: "eui64", Source: src + ", MAC " + h.MAC.String(), Generator: EUI64Generator{h.MAC}}, nil
	case AddrGenStablePrivacy, AddrGenRandom:
		name := "linux-stable-privacy"
		if k.AddrGenMode == AddrGenRandom {
			name = "linux-random"
			// Mode 3 draws the interface's own secret at link up; it
			// never uses the default one.
			if k.SecretFrom != "" && !strings.HasPrefix(k.SecretFrom, "net.ipv6.conf."+h.IfName+".") {
				return Rule{}, fmt.Errorf("%w: %s (random) has not drawn its secret yet; bring %s up first", ErrSecret, src, h.IfName)
			}
		}
		if k.SecretFrom == "" {
			if k.AddrGenMode == AddrGenRandom {
				return Rule{}, fmt.Errorf("%w: %s (random) has not drawn its secret yet; bring %s up first", ErrSecret, src, h.IfName)
			}
			return Rule{}, fmt.Errorf("%w: %s (stable-privacy) but neither net.ipv6.conf.%s.stable_secret nor net.ipv6.conf.default.stable_secret is set", ErrNoAddress, src, h.IfName)
		}
		perm := "no permanent MAC"
		if h.PermAddr != nil {
			perm = "permanent MAC " + h.PermAddr.String()
		}
		return Rule{Name: name, Source: src + ", " + k.SecretFrom + ", " + perm, Generator: &Linux{Secret: k.Secret, PermAddr: h.PermAddr, IDGenRetries: k.IDGenRetries}}, nil
	}
	return Rule{}, fmt.Errorf("slaac: unknown %s", src)
}

func (h *Host) nmRule(linkLocal bool) (Rule, error) {
	nm := h.NM
	if nm == nil {
		return Rule{}, errors.New("slaac: Host.NM is nil")
	}
	c := nm.Connection
	mode := c.EffectiveAddrGenMode(nm.Conf.AddrGenMode)
	src := nm.ConnectionFile + " (" + c.ID + ", " + c.UUID + ") ipv6.addr-gen-mode " + mode
	if c.IPv6Method != "" && c.IPv6Method != "auto" && !linkLocal {
		return Rule{}, fmt.Errorf("%w: %s has ipv6.method %s, not auto", ErrNoAddress, nm.ConnectionFile, c.IPv6Method)
	}
	if mode == "eui64" {
		// The link-local address ignores the token
		// (nm_device_get_ip_iface_identifier with ignore_token).
		if c.Token != "" && !linkLocal {
			t, err := ParseIID(c.Token)
			if err != nil {
				return Rule{}, err
			}
			return Rule{Name: "nm-token", Source: src + ", ipv6.token " + c.Token, Generator: StaticIID(t)}, nil
		}
		return Rule{Name: "nm-eui64", Source: src + ", MAC " + h.MAC.String(), Generator: EUI64Generator{h.MAC}}, nil
	}
	template, hasTemplate := c.StableID, c.HasStableID
	tsrc := "connection.stable-id"
	if !hasTemplate && nm.Conf.HasStableID {
		template, hasTemplate, tsrc = nm.Conf.StableID, true, "NetworkManager.conf connection.stable-id"
	}
	g := &NetworkManager{StableType: NMStableUUID, NetworkID: c.UUID, IfName: h.IfName, HostID: nm.HostID}
	idsrc := "uuid"
	if hasTemplate {
		mac := ""
		if h.PermAddr != nil {
			mac = strings.ToUpper(h.PermAddr.String())
		}
		g.StableType, g.NetworkID = ExpandNMStableID(template, NMStableIDInput{UUID: c.UUID, Device: h.IfName, MAC: mac, BootID: nm.BootID, SSID: c.SSID, Version: nm.Version})
		if g.StableType == NMStableRandom {
			return Rule{}, fmt.Errorf("%w: %s %q has ${RANDOM}: a new ID on each activation", ErrNoAddress, tsrc, template)
		}
		idsrc = fmt.Sprintf("%s %q (%v, NetworkManager %v rules)", tsrc, template, g.StableType, nm.Version)
	}
	return Rule{Name: "nm-stable-privacy", Source: src + ", " + idsrc + ", host ID from " + nm.HostIDFrom, Generator: g}, nil
}

func (h *Host) networkdRules() ([]Rule, error) {
	nd := h.Networkd
	if nd == nil {
		return nil, errors.New("slaac: Host.Networkd is nil")
	}
	tokens := nd.Network.Tokens
	if len(tokens) == 0 {
		return []Rule{{Name: "networkd-eui64", Source: nd.NetworkFile + " without Token=, MAC " + h.MAC.String(), Generator: EUI64Generator{h.MAC}}}, nil
	}
	var rules []Rule
	for _, t := range tokens {
		src := nd.NetworkFile + " Token=" + t.String()
		switch t.Mode {
		case NetworkdEUI64:
			rules = append(rules, Rule{Name: "networkd-eui64", Source: src + ", MAC " + h.MAC.String(), Generator: EUI64Generator{h.MAC}})
		case NetworkdStatic:
			rules = append(rules, Rule{Name: "networkd-static", Source: src, Generator: StaticIID(t.IID)})
		case NetworkdPrefixStable:
			key := t.Secret
			if !t.HasSecret {
				key = NetworkdKey(nd.MachineID)
				src += ", key from /etc/machine-id"
			}
			r := Rule{Name: "networkd-prefixstable", Source: src + ", MAC " + h.MAC.String(), Generator: &Networkd{Key: key, IfName: h.IfName, MAC: h.MAC}}
			if t.Prefix.IsValid() {
				r.Prefix = netip.PrefixFrom(t.Prefix, 64)
			}
			rules = append(rules, r)
		}
	}
	return rules, nil
}
