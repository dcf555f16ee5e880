package lxdprofile

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Errors Validate reports, as LXD 5.0 rejects them at profile time. Test
// with errors.Is; the *ValidationError says which device and key.
var (
	ErrMissingType       = errors.New("missing device type")
	ErrUnknownDeviceType = errors.New("unsupported device type")
	ErrUnknownNICType    = errors.New("unsupported nictype")
	ErrMissingParent     = errors.New("parent is required")
	ErrBadHWAddr         = errors.New("invalid MAC address, must be 6 bytes of hex separated by colons")
	ErrBadMTU            = errors.New("invalid MTU (1280-16384)")
	ErrBadVLAN           = errors.New("invalid VLAN ID (0-4094)")
	ErrRootPool          = errors.New(`root disk must have a "pool" property`)
	ErrMissingPath       = errors.New(`disk must have a "path" property`)
	ErrBadName           = errors.New("invalid name")
	ErrUnknownKey        = errors.New("unknown configuration key")
	ErrInstanceOnlyKey   = errors.New("volatile and image keys can only be set on instances")
	ErrBadBool           = errors.New("invalid value for a boolean (true/false, yes/no, on/off, 1/0)")
	ErrBadOption         = errors.New("invalid device option for this nictype")
)

// ValidationError says which device and key of a profile LXD would reject.
type ValidationError struct {
	Profile string
	Device  string
	Key     string
	Value   string
	Err     error
}

func (e *ValidationError) Error() string {
	s := "lxdprofile: "
	if e.Profile != "" {
		s += "profile " + strconv.Quote(e.Profile) + ": "
	}
	if e.Device != "" {
		s += "device " + strconv.Quote(e.Device) + ": "
	}
	if e.Key != "" {
		s += e.Key + "=" + strconv.Quote(e.Value) + ": "
	}
	return s + e.Err.Error()
}

// Unwrap returns the sentinel.
func (e *ValidationError) Unwrap() error { return e.Err }

var (
	macRe  = regexp.MustCompile(`^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$`)
	nameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
)

var deviceTypes = []string{"nic", "disk", "none", "unix-char", "unix-block", "unix-hotplug", "usb", "gpu", "infiniband", "proxy", "tpm", "pci"}

var nicTypes = []string{NICTypeMacvlan, NICTypeBridged, NICTypePhysical, NICTypeIPVLAN, NICTypeP2P, NICTypeSRIOV, NICTypeRouted}

// needParent are the NIC types whose parent LXD requires (without "network").
var needParent = []string{NICTypeMacvlan, NICTypeBridged, NICTypePhysical, NICTypeIPVLAN, NICTypeSRIOV}

// Validate checks p the way LXD 5.0 checks a profile when it is created or
// edited: the profile name; config keys outside LXD's namespaces, volatile.*
// and image.* keys (instance only), and malformed booleans of the common
// boolean keys; every device's type, a NIC's nictype, parent, hwaddr, mtu,
// vlan and gvrp (macvlan and physical only), and a disk's path and the root disk's pool. It does not know
// every key LXD knows, so it never rejects a key inside a known namespace;
// the daemon has the last word.
func Validate(p Profile) error {
	return ValidateFor(LXD, p)
}

// ValidateFor checks p as [Validate] does, for daemon d: what LXD 5.0
// rejects, and on Incus what Incus 6.0 rejects. They differ in the keys the
// fork renamed: the guest API socket is security.devlxd (/dev/lxd) on LXD
// and security.guestapi (/dev/incus) on Incus, and each daemon rejects the
// other's name as an unknown key (the error says the right one).
// DetectDaemon checks as for LXD.
func ValidateFor(d Daemon, p Profile) error {
	if p.Name == "" || !nameRe.MatchString(p.Name) || p.Name == "." || p.Name == ".." {
		return &ValidationError{Profile: p.Name, Key: "name", Value: p.Name, Err: ErrBadName}
	}
	keys := make([]string, 0, len(p.Config))
	for k := range p.Config {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := validateConfig(d, k, p.Config[k]); err != nil {
			return &ValidationError{Profile: p.Name, Key: k, Value: p.Config[k], Err: err}
		}
	}
	names := make([]string, 0, len(p.Devices))
	for name := range p.Devices {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := ValidateDevice(name, p.Devices[name]); err != nil {
			var ve *ValidationError
			if errors.As(err, &ve) {
				ve.Profile = p.Name
			}
			return err
		}
	}
	return nil
}

// ValidateDevice checks one device as [Validate] does.
func ValidateDevice(name string, d Device) error {
	bad := func(key string, err error) error {
		return &ValidationError{Device: name, Key: key, Value: d[key], Err: err}
	}
	if name == "" {
		return &ValidationError{Device: name, Err: ErrBadName}
	}
	typ, ok := d["type"]
	switch {
	case !ok || typ == "":
		return bad("", ErrMissingType)
	case !slices.Contains(deviceTypes, typ):
		return bad("type", ErrUnknownDeviceType)
	}
	switch typ {
	case "nic":
		nt := d["nictype"]
		if nt == "" && d["network"] == "" {
			return bad("nictype", ErrUnknownDeviceType)
		}
		if nt != "" && !slices.Contains(nicTypes, nt) {
			return bad("nictype", ErrUnknownNICType)
		}
		if slices.Contains(needParent, nt) && d["parent"] == "" && d["network"] == "" {
			return bad("parent", ErrMissingParent)
		}
		if v, ok := d["hwaddr"]; ok && v != "" && !macRe.MatchString(v) {
			return bad("hwaddr", ErrBadHWAddr)
		}
		if v, ok := d["mtu"]; ok && v != "" {
			if n, err := strconv.Atoi(v); err != nil || n < 1280 || n > 16384 {
				return bad("mtu", ErrBadMTU)
			}
		}
		if v, ok := d["gvrp"]; ok && v != "" && !isBool(v) {
			return bad("gvrp", ErrBadBool)
		}
		if _, ok := d["gvrp"]; ok && nt != NICTypeMacvlan && nt != NICTypePhysical {
			// GVRP registers the VLAN on the parent: macvlan and
			// physical only ("Invalid device option").
			return bad("gvrp", ErrBadOption)
		}
		if v, ok := d["vlan"]; ok && v != "" {
			if n, err := strconv.Atoi(v); err != nil || n < 0 || n > 4094 {
				return bad("vlan", ErrBadVLAN)
			}
		}
	case "disk":
		if d["path"] == "" {
			return bad("path", ErrMissingPath)
		}
		if d["path"] == "/" && d["pool"] == "" {
			return bad("pool", ErrRootPool)
		}
	}
	return nil
}

// configNamespaces are the first parts of the instance config keys LXD 5.0
// knows; any other key is "Unknown configuration key".
var configNamespaces = []string{"agent", "boot", "cloud-init", "cluster", "environment", "limits", "linux", "migration", "nvidia", "raw", "security", "snapshots", "user"}

// boolKeys are config keys LXD and Incus parse as booleans.
var boolKeys = []string{
	"boot.autostart", "migration.stateful", "nvidia.runtime",
	"security.idmap.isolated", "security.nesting", "security.privileged",
	"security.protection.delete", "security.protection.shift",
	"security.syscalls.intercept.mknod", "security.syscalls.intercept.mount", "security.syscalls.intercept.setxattr",
}

// renamed are the boolean keys the fork renamed: LXD's name, then Incus's.
// Each daemon rejects the other's name ("Unknown configuration key").
var renamed = [][2]string{
	{"security.devlxd", "security.guestapi"},
	{"security.devlxd.images", "security.guestapi.images"},
}

// isBool is LXD's boolean syntax (case-insensitive).
func isBool(v string) bool {
	switch strings.ToLower(v) {
	case "true", "false", "yes", "no", "on", "off", "1", "0":
		return true
	}
	return false
}

func validateConfig(d Daemon, key, value string) error {
	ns, _, _ := strings.Cut(key, ".")
	for _, r := range renamed {
		mine, theirs, other := r[0], r[1], Incus
		if d == Incus {
			mine, theirs, other = r[1], r[0], LXD
		}
		switch key {
		case theirs:
			return fmt.Errorf("%w (that is %s's name; %s calls it %s)", ErrUnknownKey, other.Name(), d.Name(), mine)
		case mine:
			if value != "" && !isBool(value) {
				return ErrBadBool
			}
			return nil
		}
	}
	switch {
	case ns == "volatile" || ns == "image":
		return ErrInstanceOnlyKey
	case !slices.Contains(configNamespaces, ns):
		return ErrUnknownKey
	case slices.Contains(boolKeys, key) && value != "" && !isBool(value):
		return ErrBadBool
	}
	return nil
}
