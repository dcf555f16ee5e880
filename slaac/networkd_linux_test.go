package slaac_test

import (
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/v6kit/v6kit/internal/cmd/slaacaddr"
	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/sdktest"
	"github.com/v6kit/v6kit/slaac"
)

// networkdScript runs systemd-networkd in a private mount namespace (inside
// the lab's network namespace): a tmpfs over /run with the directories
// networkd wants, the lab's machine-id bound over /etc/machine-id, a tmpfs
// over /etc/systemd/network, and /sys read-only so networkd does not wait
// for udev. Nothing of the host's /run, /etc or /var is written.
const networkdScript = `set -e
mount --make-rprivate /
mount --bind "$DIR/machine-id" /etc/machine-id
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/systemd/network /run/systemd/netif
chown systemd-network:systemd-network /run/systemd/netif
cp "$DIR"/network/* /run/systemd/network/
mount -t tmpfs tmpfs /etc/systemd/network
mount -o remount,bind,ro /sys
exec /lib/systemd/systemd-networkd
`

// startNetworkd starts systemd-networkd on host with one .network file.
// host's eth0 must still be down (newKernelHostDown): networkd sets it up,
// as at boot, after it has written the sysctls.
//
// On a link that is already up, IPv6LinkLocalAddressGenerationMode=
// stable-privacy races with the kernel in networkd 252: it writes
// stable_secret, then addr_gen_mode=2, both by sysctl (link_set_sysctl,
// then link_request_to_set_addrgen_mode). The kernel's per-link
// stable_secret handler itself switches addr_gen_mode to stable-privacy
// without forming an address, so networkd's addr_gen_mode write is a no-op
// that forms none either. If the kernel has already formed the EUI-64
// link-local (as soon as it sees the veth's carrier, which may be before or
// after networkd starts, depending on load and on other link events on the
// machine), that address stays and the stable-privacy one never appears.
// On a down link the kernel forms nothing until networkd sets it up, and by
// then the secret is in place.
func startNetworkd(t *testing.T, k *kernelHost, machineID, network string) *lab.Daemon {
	t.Helper()
	sdktest.RequireCommands(t, "unshare", "/lib/systemd/systemd-networkd")
	if addrs, err := k.host.Addrs("eth0", "inet6"); err != nil || len(addrs) != 0 {
		t.Fatalf("host eth0 before networkd: %v, %v; want none (link still down)", addrs, err)
	}
	dir := filepath.Join(k.l.Dir, "networkd")
	if err := os.MkdirAll(filepath.Join(dir, "network"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "machine-id"), []byte(machineID+"\n"), 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "network", "50-eth0.network"), []byte(network), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := k.host.Start(lab.DaemonSpec{
		Name: "networkd",
		Args: []string{"unshare", "-m", "--propagation", "private", "sh", "-c", networkdScript},
		Env:  []string{"DIR=" + dir, "SYSTEMD_LOG_LEVEL=debug", "SYSTEMD_LOG_TARGET=console"},
		Ready: func(d *lab.Daemon) (bool, error) {
			if d.Exited() {
				return false, fmt.Errorf("systemd-networkd exited:\n%s", d.Log())
			}
			return strings.Contains(d.Log(), "eth0: "), nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("systemd-networkd log:\n%s", d.Log())
		}
	})
	return d
}

// TestNetworkdPrefixStable runs systemd-networkd 252 with
// [IPv6AcceptRA] Token=prefixstable, with a secret and derived from the
// machine ID, and compares the address it configures bit for bit with
// slaac.Networkd.
func TestNetworkdPrefixStable(t *testing.T) {
	const machineID = "3d1a0c6b5f2e4a7f9c8b7a6d5e4f3a2b"
	mac := net.HardwareAddr{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc}
	cases := []struct {
		name   string
		prefix string
		token  string
		key    func() [16]byte
		// cli is how slaacaddr is told the key.
		cli slaacaddr.Options
		// stableLL adds IPv6LinkLocalAddressGenerationMode=stable-privacy:
		// networkd writes a stable_secret derived from the machine ID and
		// the kernel forms the link-local from it.
		stableLL bool
	}{
		{
			name: "secret", prefix: "2001:db8:1:2::/64",
			token: "prefixstable:2001:db8:1:2::,86b123b969ba4b7eb8b3d8605123525a",
			cli:   slaacaddr.Options{Key: "86b123b969ba4b7eb8b3d8605123525a"},
			key: func() [16]byte {
				k, _ := hex.DecodeString("86b123b969ba4b7eb8b3d8605123525a")
				return [16]byte(k)
			},
		},
		{
			name: "machine-id", prefix: "2001:db8:8011:fd44::/64", token: "prefixstable", stableLL: true,
			cli: slaacaddr.Options{MachineID: machineID},
			key: func() [16]byte {
				mid, _ := slaac.ParseMachineID(machineID)
				return slaac.NetworkdKey(mid)
			},
		},
	}
	bin := buildSlaacaddr(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := newKernelHostDown(t, func(h *lab.Netns) error {
				return h.SetMAC("eth0", mac)
			})
			network := "[Match]\nName=eth0\n\n[Network]\nIPv6AcceptRA=yes\nLinkLocalAddressing=ipv6\n"
			if tc.stableLL {
				network += "IPv6LinkLocalAddressGenerationMode=stable-privacy\n"
			}
			network += "\n[IPv6AcceptRA]\nToken=" + tc.token + "\n"
			nd := startNetworkd(t, k, machineID, network)
			p := netip.MustParsePrefix(tc.prefix)
			g := &slaac.Networkd{Key: tc.key(), IfName: "eth0", MAC: mac}
			want := mustAddr(t, g, p, 0)
			cli := tc.cli
			cli.Mode, cli.IfName, cli.MAC, cli.Prefix = "systemd", "eth0", mac.String(), p.String()
			defer checkCLI(t, want, cli)
			if !tc.stableLL {
				k.settledGlobal(t, []netip.Prefix{p}, []netip.Addr{want})
				checkHostRead(t, bin, nd, "systemd-networkd", "networkd-prefixstable", want)
				return
			}
			mid, _ := slaac.ParseMachineID(machineID)
			secret := slaac.NetworkdLinkLocalSecret(mid, "eth0")
			ll, _, err := (&slaac.Linux{Secret: secret}).LinkLocal(0)
			if err != nil {
				t.Fatal(err)
			}
			addrs := k.settled(t, []netip.Prefix{p}, sorted(ll, want))
			// No other link-local either, tentative or not: the kernel
			// formed none before networkd's secret was in place.
			for _, a := range addrs {
				if a.Scope == "link" && a.Prefix.Addr() != ll {
					t.Errorf("host eth0 also has link-local %v %v; want only %v", a.Prefix, a.Flags, ll)
				}
			}
			checkCLI(t, ll, slaacaddr.Options{Mode: "systemd", LinkLocal: true, MachineID: machineID, IfName: "eth0"})
			// Read and predicted: slaacaddr -i finds networkd, its .network
			// file and the machine ID itself.
			checkHostRead(t, bin, nd, "systemd-networkd", "networkd-prefixstable", want)
			checkHostRead(t, bin, nd, "systemd-networkd", "networkd-stable-privacy", ll, "-linklocal")
			got, err := k.host.ReadSysctl("net.ipv6.conf.eth0.stable_secret")
			if err != nil {
				t.Fatal(err)
			}
			if w := netip.AddrFrom16(secret).String(); got != w {
				t.Errorf("stable_secret networkd wrote = %s, want %s", got, w)
			}
		})
	}
}

// TestNetworkdTokens runs systemd-networkd 252 without Token= (EUI-64 of
// the current MAC) and with two tokens (a static one and prefixstable
// from the machine ID), and checks that slaacaddr -i, run in its
// namespaces, predicts every address it forms.
func TestNetworkdTokens(t *testing.T) {
	const machineID = "3d1a0c6b5f2e4a7f9c8b7a6d5e4f3a2b"
	mac := net.HardwareAddr{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc}
	mid, _ := slaac.ParseMachineID(machineID)
	p := netip.MustParsePrefix("2001:db8:1:2::/64")
	eui, _ := slaac.EUI64(mac)
	euiAddr, _ := slaac.Addr(p, eui)
	stable := mustAddr(t, &slaac.Networkd{Key: slaac.NetworkdKey(mid), IfName: "eth0", MAC: mac}, p, 0)
	bin := buildSlaacaddr(t)
	cases := []struct {
		name, tokens string
		rules        []string
		want         []netip.Addr
	}{
		{name: "no token", rules: []string{"networkd-eui64"}, want: []netip.Addr{euiAddr}},
		{name: "static and prefixstable", tokens: "Token=static:::1a\nToken=prefixstable\n", rules: []string{"networkd-static", "networkd-prefixstable"}, want: []netip.Addr{netip.MustParseAddr("2001:db8:1:2::1a"), stable}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := newKernelHostDown(t, func(h *lab.Netns) error { return h.SetMAC("eth0", mac) })
			nd := startNetworkd(t, k, machineID, "[Match]\nName=eth0\n\n[Network]\nIPv6AcceptRA=yes\nLinkLocalAddressing=ipv6\n\n[IPv6AcceptRA]\n"+tc.tokens)
			k.settledGlobal(t, []netip.Prefix{p}, sorted(tc.want...))
			rs := readHost(t, bin, nd)
			if len(rs) != len(tc.want) {
				t.Fatalf("slaacaddr -i read %+v; want %v", rs, tc.want)
			}
			for i, r := range rs {
				if r.Address != tc.want[i].String() || r.Rule != tc.rules[i] || !r.Present || r.Manager != "systemd-networkd" {
					t.Errorf("line %d: %+v; want %v by %s, present", i, r, tc.want[i], tc.rules[i])
				}
				t.Logf("PREDICTION manager=%s rule=%s source=%q predicted=%s matched=%v", r.Manager, r.Rule, r.Source, r.Address, r.Present)
			}
		})
	}
}
