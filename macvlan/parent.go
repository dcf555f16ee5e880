package macvlan

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/v6kit/v6kit/internal/netx"
)

// ShimMAC returns the shim's MAC for a parent MAC: the parent's with the
// first octet set to 0x02 (locally administered, unicast). When the parent's
// first octet already is 0x02 it is set to 0x06 instead, so the two differ.
func ShimMAC(parent net.HardwareAddr) (net.HardwareAddr, error) {
	if len(parent) != 6 {
		return nil, fmt.Errorf("%w: its MAC %q is not 48 bits", ErrNotEthernet, parent)
	}
	mac := slices.Clone(parent)
	mac[0] = 0x02
	if bytes.Equal(mac, parent) {
		mac[0] = 0x06
	}
	return mac, nil
}

// CheckWireless returns an error wrapping [ErrWireless] if ifname is a
// wireless interface according to sysfs under sysRoot ("/sys" when empty):
// a wireless/ directory, a phy80211 link, or DEVTYPE=wlan in uevent. A missing
// sysfs entry is not an error (a namespace's interfaces are not in the host's
// sysfs); a name Linux would refuse is.
func CheckWireless(sysRoot, ifname string) error {
	if sysRoot == "" {
		sysRoot = "/sys"
	}
	if err := netx.CheckName(ifname); err != nil {
		return fmt.Errorf("macvlan: %w", err)
	}
	dir := filepath.Join(sysRoot, "class", "net", ifname)
	for _, sub := range []string{"wireless", "phy80211"} {
		if _, err := os.Lstat(filepath.Join(dir, sub)); err == nil {
			return wireless(ifname, sub+"/")
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "uevent"))
	if err != nil {
		return nil
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == "DEVTYPE=wlan" {
			return wireless(ifname, "DEVTYPE=wlan")
		}
	}
	return nil
}

func wireless(ifname, sign string) error {
	return errorf(ErrWireless, "macvlan: parent %q is a wireless interface (sysfs: %s); an access point drops frames from extra MACs, so give a wired interface", ifname, sign)
}

// parentOf looks the parent up and derives the shim's MAC from it: the
// parent must exist and be an Ethernet link.
func parentOf(o netOps, name string) (linkInfo, net.HardwareAddr, error) {
	parent, ok, err := o.linkByName(name)
	if err != nil {
		return linkInfo{}, nil, err
	}
	if !ok {
		return linkInfo{}, nil, noParent(name)
	}
	if (parent.Encap != "" && parent.Encap != "ether") || len(parent.MAC) != 6 {
		encap := parent.Encap
		if encap == "" {
			encap = "unknown"
		}
		// Netlink reports no MAC for the loopback's all-zero one or a
		// tunnel: say so rather than print an empty field.
		mac := "no MAC"
		if len(parent.MAC) > 0 {
			mac = "MAC " + parent.MAC.String()
		}
		return linkInfo{}, nil, errorf(ErrNotEthernet, "macvlan: parent %q is not an Ethernet link (link type %s, %s); give the LAN interface, such as eth0", name, encap, mac)
	}
	mac, err := ShimMAC(parent.MAC)
	if err != nil {
		return linkInfo{}, nil, err
	}
	return parent, mac, nil
}

// isShimOf reports whether l is the shim ensure would make on parent.
func isShimOf(l linkInfo, parent linkInfo, mac net.HardwareAddr) bool {
	return l.Kind == "macvlan" && l.ParentIndex == parent.Index && l.Mode == ModeBridge && bytes.Equal(l.MAC, mac)
}
