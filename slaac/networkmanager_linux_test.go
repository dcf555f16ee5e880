package slaac_test

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/v6kit/v6kit/internal/cmd/slaacaddr"
	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/sdktest"
	"github.com/v6kit/v6kit/slaac"
)

// nmScript runs NetworkManager in a private mount namespace (inside the
// lab's network namespace): tmpfs over /run (for /run/NetworkManager),
// /etc/NetworkManager and a state directory bound over
// /var/lib/NetworkManager (where its secret_key lives), the lab's
// machine-id bound over /etc/machine-id, and /sys read-only so it does not
// wait for udev. It talks to a private D-Bus. Nothing of the host's /run,
// /etc or /var is written. Its configuration is also copied to
// /etc/NetworkManager/NetworkManager.conf (which it does not read, being
// given --config), so a reader of the usual paths inside its mount
// namespace (slaacaddr -i) finds the keyfile directory.
const nmScript = `set -e
mount --make-rprivate /
mount --bind "$DIR/machine-id" /etc/machine-id
mount --bind "$DIR/state" /var/lib/NetworkManager
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/NetworkManager
mount -t tmpfs -o mode=0755 tmpfs /etc/NetworkManager
cp "$DIR/nm.conf" /etc/NetworkManager/NetworkManager.conf
mount -o remount,bind,ro /sys
exec NetworkManager --debug --config="$DIR/nm.conf" --config-dir="$DIR/conf.d" \
	--system-config-dir="$DIR/conf.d" --intern-config="$DIR/state/intern.conf" \
	--state-file="$DIR/state/NetworkManager.state" --pid-file="$DIR/nm.pid" \
	--log-level=DEBUG --log-domains=ALL
`

const dbusConf = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
`

type nmConfig struct {
	machineID string
	secretKey string
	uuid      string
	stableID  string // empty: unset
	// ipv6 replaces the profile's ipv6.addr-gen-mode line ("" keeps
	// addr-gen-mode=stable-privacy).
	ipv6 string
	// global is added to NetworkManager.conf ([connection] defaults).
	global string
}

// startNM starts a private D-Bus and NetworkManager on host with one
// keyfile connection for eth0 (IPv4 disabled, IPv6 auto, stable-privacy).
func startNM(t *testing.T, k *kernelHost, c nmConfig) *lab.Daemon {
	t.Helper()
	sdktest.RequireCommands(t, "unshare", "dbus-daemon", "NetworkManager")
	dir := filepath.Join(k.l.Dir, "nm")
	for _, d := range []string{"state", "conf.d", "conns"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	sock := filepath.Join(dir, "dbus.sock")
	stableID := ""
	ipv6 := "addr-gen-mode=stable-privacy\n"
	if c.ipv6 != "" {
		ipv6 = c.ipv6
	}
	if c.stableID != "" {
		stableID = "stable-id=" + c.stableID + "\n"
	}
	files := map[string]string{
		"machine-id":       c.machineID + "\n",
		"state/secret_key": c.secretKey,
		"dbus.conf":        fmt.Sprintf(dbusConf, sock),
		"nm.conf": "[main]\nplugins=keyfile\nno-auto-default=*\ndns=none\nrc-manager=unmanaged\nauth-polkit=false\nhostname-mode=none\n\n" +
			"[keyfile]\npath=" + filepath.Join(dir, "conns") + "\nunmanaged-devices=except:interface-name:eth0\n\n[connection]\n" + c.global,
		"conns/eth0.nmconnection": "[connection]\nid=eth0\nuuid=" + c.uuid + "\ntype=ethernet\ninterface-name=eth0\n" + stableID +
			"\n[ethernet]\n\n[ipv4]\nmethod=disabled\n\n[ipv6]\nmethod=auto\n" + ipv6,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := k.host.Start(lab.DaemonSpec{
		Name: "dbus",
		Args: []string{"dbus-daemon", "--config-file=" + filepath.Join(dir, "dbus.conf"), "--nofork", "--nopidfile", "--nosyslog"},
		Ready: func(d *lab.Daemon) (bool, error) {
			if d.Exited() {
				return false, fmt.Errorf("dbus-daemon exited:\n%s", d.Log())
			}
			_, err := os.Stat(sock)
			return err == nil, nil
		},
	}); err != nil {
		t.Fatal(err)
	}
	d, err := k.host.Start(lab.DaemonSpec{
		Name: "NetworkManager",
		Args: []string{"unshare", "-m", "--propagation", "private", "sh", "-c", nmScript},
		Env:  []string{"DIR=" + dir, "DBUS_SYSTEM_BUS_ADDRESS=unix:path=" + sock},
		Ready: func(d *lab.Daemon) (bool, error) {
			if d.Exited() {
				return false, fmt.Errorf("NetworkManager exited:\n%s", d.Log())
			}
			return strings.Contains(d.Log(), "startup complete"), nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestNetworkManagerStablePrivacy runs NetworkManager 1.42 with
// ipv6.addr-gen-mode=stable-privacy and a v2 secret_key, and compares the
// global and link-local addresses it configures bit for bit with
// slaac.NetworkManager; with the connection UUID, a plain stable-id, a
// ${CONNECTION}/${DEVICE} template, and after forced DAD conflicts.
func TestNetworkManagerStablePrivacy(t *testing.T) {
	const (
		machineID = "3d1a0c6b5f2e4a7f9c8b7a6d5e4f3a2b"
		secretKey = "nm-v2:5mGJbGZkD1pWZ3xKQ0uWq8j1t0bS8r7Tq2iQb4cR6yE="
		uuid      = "6b138152-9f3e-4b97-aaf7-e6e553f2a24e"
	)
	hostID, err := slaac.NMHostID([]byte(secretKey), machineID)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		t.Fatal(err)
	}
	bootID := strings.TrimSpace(string(b))
	cases := []struct {
		name      string
		stableID  string
		conflicts int
	}{
		{name: "uuid"},
		{name: "stable-id", stableID: "my-stable-id"},
		{name: "template", stableID: "${CONNECTION}-${DEVICE}-x"},
		{name: "boot-template", stableID: "${BOOT}/${MAC}"},
		// NetworkManager 1.42 predates ${NETWORK_SSID}: a plain stable-id.
		{name: "network-ssid-1.42", stableID: "${NETWORK_SSID}"},
		{name: "dad-conflict", conflicts: 1},
		{name: "two-dad-conflicts", stableID: "my-stable-id", conflicts: 2},
	}
	bin := buildSlaacaddr(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := newKernelHost(t, func(h *lab.Netns) error {
				return h.SetMAC("eth0", net.HardwareAddr{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc})
			})
			g := &slaac.NetworkManager{StableType: slaac.NMStableUUID, NetworkID: uuid, IfName: "eth0", HostID: hostID}
			if tc.stableID != "" {
				// A veth has no permanent MAC: NetworkManager substitutes
				// "" for ${MAC}.
				g.StableType, g.NetworkID = slaac.ExpandNMStableID(tc.stableID, slaac.NMStableIDInput{UUID: uuid, Device: "eth0", BootID: bootID, Version: slaac.NM142})
			}
			p := netip.MustParsePrefix("2001:db8:1:2::/64")
			var taken []netip.Addr
			for dad := 0; dad < tc.conflicts; dad++ {
				a := mustAddr(t, g, p, dad)
				taken = append(taken, a)
				if err := k.rtr.AddAddr("eth0", netip.PrefixFrom(a, 64)); err != nil {
					t.Fatal(err)
				}
			}
			// NetworkManager reconfigures its addresses on every RA, which
			// restarts a pending DAD; advertise like a router does, not
			// every poll.
			k.raEvery = 3 * time.Second
			nm := startNM(t, k, nmConfig{machineID: machineID, secretKey: secretKey, uuid: uuid, stableID: tc.stableID})
			ll, _, err := g.LinkLocal(0)
			if err != nil {
				t.Fatal(err)
			}
			want := mustAddr(t, g, p, tc.conflicts)
			addrs := k.settled(t, []netip.Prefix{p}, sorted(ll, want))
			cli := slaacaddr.Options{
				Mode: "nm", IfName: "eth0", SecretKeyFile: filepath.Join(k.l.Dir, "nm", "state", "secret_key"),
				MachineID: machineID, UUID: uuid, StableID: tc.stableID, BootID: bootID, NMVersion: "1.42.4",
			}
			llCLI := cli
			llCLI.LinkLocal = true
			checkCLI(t, ll, llCLI)
			cli.Prefix, cli.DAD = p.String(), tc.conflicts
			checkCLI(t, want, cli)
			// Read and predicted: slaacaddr -i finds NetworkManager, its
			// profile, secret_key, machine-id, boot ID and version itself.
			checkHostRead(t, bin, nm, "NetworkManager", "nm-stable-privacy", want, "-dad", strconv.Itoa(tc.conflicts))
			checkHostRead(t, bin, nm, "NetworkManager", "nm-stable-privacy", ll, "-linklocal")
			for _, a := range addrs {
				if slices.Contains(taken, a.Prefix.Addr()) && !a.Has("dadfailed") && !a.Has("tentative") {
					t.Errorf("conflicting %v usable on host: %v", a.Prefix, a.Flags)
				}
			}
		})
	}
}

// TestNetworkManagerAddrGenModeDefaults runs NetworkManager 1.42 with
// profiles whose address generation mode comes from defaults, and checks
// that slaacaddr -i, reading the profile and NetworkManager.conf, predicts
// what it forms: no addr-gen-mode means default-or-eui64, so EUI-64 of the
// current MAC unless NetworkManager.conf's [connection]
// ipv6.addr-gen-mode says otherwise; a token without addr-gen-mode means
// eui64 with the token, for global addresses only (the link-local address
// ignores the token).
func TestNetworkManagerAddrGenModeDefaults(t *testing.T) {
	const (
		machineID = "3d1a0c6b5f2e4a7f9c8b7a6d5e4f3a2b"
		secretKey = "nm-v2:5mGJbGZkD1pWZ3xKQ0uWq8j1t0bS8r7Tq2iQb4cR6yE="
		uuid      = "6b138152-9f3e-4b97-aaf7-e6e553f2a24e"
	)
	hostID, err := slaac.NMHostID([]byte(secretKey), machineID)
	if err != nil {
		t.Fatal(err)
	}
	mac := net.HardwareAddr{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc}
	eui, _ := slaac.EUI64(mac)
	p := netip.MustParsePrefix("2001:db8:1:2::/64")
	stable := &slaac.NetworkManager{StableType: slaac.NMStableUUID, NetworkID: uuid, IfName: "eth0", HostID: hostID}
	bin := buildSlaacaddr(t)
	cases := []struct {
		name, ipv6, global, rule string
		want                     func() (global, ll netip.Addr)
	}{
		{name: "absent", ipv6: "\n", rule: "nm-eui64", want: func() (netip.Addr, netip.Addr) {
			a, _ := slaac.Addr(p, eui)
			return a, slaac.LinkLocal(eui)
		}},
		{name: "absent, global stable-privacy", ipv6: "\n", global: "ipv6.addr-gen-mode=1\n", rule: "nm-stable-privacy", want: func() (netip.Addr, netip.Addr) {
			ll, _, _ := stable.LinkLocal(0)
			return mustAddr(t, stable, p, 0), ll
		}},
		{name: "default, no global", ipv6: "addr-gen-mode=default\n", rule: "nm-stable-privacy", want: func() (netip.Addr, netip.Addr) {
			ll, _, _ := stable.LinkLocal(0)
			return mustAddr(t, stable, p, 0), ll
		}},
		{name: "token", ipv6: "token=::1:2:3:4\n", rule: "nm-token", want: func() (netip.Addr, netip.Addr) {
			return netip.MustParseAddr("2001:db8:1:2:1:2:3:4"), slaac.LinkLocal(eui)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := newKernelHost(t, func(h *lab.Netns) error { return h.SetMAC("eth0", mac) })
			k.raEvery = 3 * time.Second
			nm := startNM(t, k, nmConfig{machineID: machineID, secretKey: secretKey, uuid: uuid, ipv6: tc.ipv6, global: tc.global})
			want, ll := tc.want()
			k.settled(t, []netip.Prefix{p}, sorted(ll, want))
			checkHostRead(t, bin, nm, "NetworkManager", tc.rule, want, "-prefix", p.String())
			llRule := tc.rule
			if llRule == "nm-token" {
				llRule = "nm-eui64"
			}
			checkHostRead(t, bin, nm, "NetworkManager", llRule, ll, "-linklocal")
		})
	}
}
