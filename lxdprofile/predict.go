package lxdprofile

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"

	"github.com/v6kit/v6kit/slaac"
)

// ErrNoHWAddr means a NIC has neither a "hwaddr" key nor a
// volatile.<nic>.hwaddr (LXD assigns one when the instance is created).
var ErrNoHWAddr = errors.New("lxdprofile: NIC has no hwaddr yet")

// Prediction is one address an instance's NIC will form by SLAAC.
type Prediction struct {
	Instance string
	// NIC is the device name ("eth0").
	NIC  string
	MAC  net.HardwareAddr
	Addr netip.Addr
}

// HWAddr returns the MAC of the NIC device nic of an instance: the device's
// "hwaddr" key when set, else the daemon-assigned volatile.<nic>.hwaddr from
// the instance's config.
func HWAddr(config map[string]string, devices map[string]Device, nic string) (net.HardwareAddr, error) {
	v := devices[nic]["hwaddr"]
	if v == "" {
		v = config["volatile."+nic+".hwaddr"]
	}
	if v == "" {
		return nil, fmt.Errorf("%w: %s", ErrNoHWAddr, nic)
	}
	mac, err := net.ParseMAC(v)
	if err != nil || len(mac) != 6 {
		return nil, &ValidationError{Device: nic, Key: "hwaddr", Value: v, Err: ErrBadHWAddr}
	}
	return mac, nil
}

// Predict returns the modified EUI-64 SLAAC addresses (RFC 4862, RFC 4291
// appendix A) each NIC of an instance forms in each /64 prefix, from its
// expanded config and devices, NICs in name order. A NIC without a MAC yet is
// skipped. The prediction holds for instances that use EUI-64 interface
// identifiers (OpenWrt, Alpine, addr_gen_mode 0); one that uses stable
// privacy addresses (RFC 7217; NetworkManager, systemd-networkd defaults)
// forms other addresses.
func Predict(instance string, config map[string]string, devices map[string]Device, prefixes []netip.Prefix) ([]Prediction, error) {
	for _, p := range prefixes {
		if err := slaac.CheckPrefix(p); err != nil {
			return nil, fmt.Errorf("lxdprofile: %w", err)
		}
	}
	var nics []string
	for name, d := range devices {
		if d["type"] == "nic" {
			nics = append(nics, name)
		}
	}
	slices.Sort(nics)
	var out []Prediction
	for _, nic := range nics {
		mac, err := HWAddr(config, devices, nic)
		if errors.Is(err, ErrNoHWAddr) {
			continue
		}
		if err != nil {
			return nil, err
		}
		iid, err := slaac.EUI64(mac)
		if err != nil {
			return nil, fmt.Errorf("lxdprofile: %w", err)
		}
		for _, p := range prefixes {
			a, err := slaac.Addr(p, iid)
			if err != nil {
				return nil, fmt.Errorf("lxdprofile: %w", err)
			}
			out = append(out, Prediction{Instance: instance, NIC: nic, MAC: mac, Addr: a})
		}
	}
	return out, nil
}

// ZoneLine returns a DNS zone file line for an address: "name IN AAAA addr"
// (or "name IN A addr" for IPv4).
func ZoneLine(name string, addr netip.Addr) string {
	typ := "AAAA"
	if addr.Is4() {
		typ = "A"
	}
	return name + " IN " + typ + " " + addr.String()
}

// ZoneLines returns one [ZoneLine] per prediction, named after the instance,
// newline-terminated.
func ZoneLines(preds []Prediction) string {
	var b strings.Builder
	for _, p := range preds {
		b.WriteString(ZoneLine(p.Instance, p.Addr))
		b.WriteByte('\n')
	}
	return b.String()
}
