package lxdprofile

import (
	"fmt"
	"maps"
	"net"
	"slices"
	"strconv"
)

// Device is one LXD device: its keys and values, "type" among them.
type Device map[string]string

// Profile is an LXD profile.
type Profile struct {
	Name        string
	Description string
	Config      map[string]string
	Devices     map[string]Device
	// UsedBy lists the instances using the profile, as the daemon reports
	// it (read only).
	UsedBy []string
	// Project is the profile's project (LXD 5.21 and later report it).
	Project string
}

// NIC types LXD accepts for a "nic" device ("nictype").
const (
	NICTypeMacvlan  = "macvlan"
	NICTypeBridged  = "bridged"
	NICTypePhysical = "physical"
	NICTypeIPVLAN   = "ipvlan"
	NICTypeP2P      = "p2p"
	NICTypeSRIOV    = "sriov"
	NICTypeRouted   = "routed"
)

// NIC is a typed network device.
type NIC struct {
	// NICType is the "nictype", such as NICTypeMacvlan or NICTypeBridged.
	NICType string
	// Parent is the host interface (macvlan) or bridge (bridged).
	Parent string
	// Name is the interface name inside the instance ("name"); empty
	// leaves it to LXD.
	Name string
	// HWAddr fixes the MAC; nil lets LXD pick one (volatile.<nic>.hwaddr).
	HWAddr net.HardwareAddr
	// MTU is the interface MTU; 0 leaves the parent's.
	MTU int
	// VLAN is the VLAN ID; 0 means untagged.
	VLAN int
}

// Device returns the NIC as an LXD device, checked like LXD checks it.
func (n NIC) Device() (Device, error) {
	d := Device{"type": "nic", "nictype": n.NICType}
	if n.Parent != "" {
		d["parent"] = n.Parent
	}
	if n.Name != "" {
		d["name"] = n.Name
	}
	if n.HWAddr != nil {
		d["hwaddr"] = n.HWAddr.String()
	}
	if n.MTU != 0 {
		d["mtu"] = strconv.Itoa(n.MTU)
	}
	if n.VLAN != 0 {
		d["vlan"] = strconv.Itoa(n.VLAN)
	}
	if err := ValidateDevice("nic", d); err != nil {
		return nil, err
	}
	return d, nil
}

// RootDisk returns the root disk device on a storage pool.
func RootDisk(pool string) Device {
	return Device{"path": "/", "pool": pool, "type": "disk"}
}

// New returns an empty profile named name.
func New(name string) *Profile {
	return &Profile{Name: name}
}

// SetConfig sets a config key and returns p, for chaining.
func (p *Profile) SetConfig(key, value string) *Profile {
	if p.Config == nil {
		p.Config = map[string]string{}
	}
	p.Config[key] = value
	return p
}

// AddDevice sets the device called name (replacing one of that name) and
// returns p, for chaining.
func (p *Profile) AddDevice(name string, d Device) *Profile {
	if p.Devices == nil {
		p.Devices = map[string]Device{}
	}
	p.Devices[name] = maps.Clone(d)
	return p
}

// AddNIC adds a typed NIC as device name.
func (p *Profile) AddNIC(name string, n NIC) error {
	d, err := n.Device()
	if err != nil {
		return fmt.Errorf("lxdprofile: device %q: %w", name, err)
	}
	p.AddDevice(name, d)
	return nil
}

// Clone returns a deep copy of p.
func (p Profile) Clone() Profile {
	c := p
	c.Config = maps.Clone(p.Config)
	c.UsedBy = slices.Clone(p.UsedBy)
	if p.Devices != nil {
		c.Devices = make(map[string]Device, len(p.Devices))
		for k, d := range p.Devices {
			c.Devices[k] = maps.Clone(d)
		}
	}
	return c
}

// Equal reports whether p and q have the same description, config and
// devices: what a profile update would change. Name, UsedBy and Project are
// not compared; nil and empty maps are equal.
func (p Profile) Equal(q Profile) bool {
	if p.Description != q.Description || !maps.Equal(p.Config, q.Config) || len(p.Devices) != len(q.Devices) {
		return false
	}
	for k, d := range p.Devices {
		e, ok := q.Devices[k]
		if !ok || !maps.Equal(d, e) {
			return false
		}
	}
	return true
}

// Preset names, as the seed's profiles are called.
const (
	PresetMacvlan    = "macvlan"
	PresetExtBridge  = "extbridge"
	PresetTwoIntfRev = "twointfrev"
)

// Macvlan returns the seed's "macvlan" profile: a copy of the default profile
// (root disk on pool) whose eth0 is a macvlan NIC on parent. Launch with
// `-p macvlan` alone.
func Macvlan(parent, pool string) Profile {
	return Profile{
		Name:        PresetMacvlan,
		Description: "LAN addresses via macvlan on " + parent,
		Devices: map[string]Device{
			"eth0": {"name": "eth0", "nictype": NICTypeMacvlan, "parent": parent, "type": "nic"},
			"root": RootDisk(pool),
		},
	}
}

// ExtBridge returns the seed's "extbridge" profile, stacked on default
// (`-p default -p extbridge`): eth0 bridged to an existing host bridge.
func ExtBridge(bridge string) Profile {
	return Profile{
		Name:        PresetExtBridge,
		Description: "eth0 bridged to the host bridge " + bridge,
		Devices: map[string]Device{
			"eth0": {"name": "eth0", "nictype": NICTypeBridged, "parent": bridge, "type": "nic"},
		},
	}
}

// TwoIntfRev returns the seed's two-NIC router profile "twointfrev" (an
// OpenWrt container): eth0 bridged to wan (the LAN bridge, br0) as the
// router's WAN, eth1 bridged to lan (lxdbr0) as its LAN. Stack it on default.
func TwoIntfRev(wan, lan string) Profile {
	return Profile{
		Name:        PresetTwoIntfRev,
		Description: "Router: eth0 (WAN) on " + wan + ", eth1 (LAN) on " + lan,
		Devices: map[string]Device{
			"eth0": {"name": "eth0", "nictype": NICTypeBridged, "parent": wan, "type": "nic"},
			"eth1": {"name": "eth1", "nictype": NICTypeBridged, "parent": lan, "type": "nic"},
		},
	}
}
