package host

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/v6kit/v6kit/internal/sdktest"
	"github.com/v6kit/v6kit/slaac"
)

// fakeRoot writes files below a temporary root.
func fakeRoot(t *testing.T, files map[string]string) string { return writeRoot(t, files) }

func writeRoot(t testing.TB, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, c := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func fakeReader(root string, nmVersion string) reader {
	return reader{
		root: root,
		link: func(name string) (*Link, error) {
			if name != "eth0" {
				return nil, ErrNoInterface
			}
			return &Link{Name: name, Index: 7, MAC: net.HardwareAddr{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc}}, nil
		},
		nmVersion: func() string { return nmVersion },
	}
}

const conf = "/proc/sys/net/ipv6/conf/eth0/"

func TestReadKernel(t *testing.T) {
	root := fakeRoot(t, map[string]string{
		conf + "addr_gen_mode":                          "2\n",
		"/proc/sys/net/ipv6/conf/default/stable_secret": "2001:db8::1\n",
		conf + "use_tempaddr":                           "2\n",
		"/proc/sys/net/ipv6/idgen_retries":              "5\n",
	})
	h, err := fakeReader(root, "").read("eth0")
	if err != nil {
		t.Fatal(err)
	}
	if h.Manager != slaac.ManagerKernel || h.Kernel.SecretFrom != "net.ipv6.conf.default.stable_secret" || h.Kernel.IDGenRetries != 5 || h.Index != 7 {
		t.Errorf("host %+v", h)
	}
	rs, err := h.Rules()
	if err != nil || rs[0].Name != "linux-stable-privacy" {
		t.Fatalf("rules %+v, %v", rs, err)
	}
	if _, err := fakeReader(root, "").read("eth1"); !errors.Is(err, ErrNoInterface) {
		t.Errorf("eth1: %v", err)
	}
	if _, err := fakeReader(root, "").read("../x"); !errors.Is(err, ErrNoInterface) {
		t.Errorf("../x: %v", err)
	}
}

func TestReadNetworkManager(t *testing.T) {
	root := fakeRoot(t, map[string]string{
		conf + "addr_gen_mode":                     "1\n",
		"/run/NetworkManager/devices/7":            "[device]\nmanaged=true\nconnection-uuid=6b138152-9f3e-4b97-aaf7-e6e553f2a24e\n",
		"/etc/NetworkManager/NetworkManager.conf":  "[main]\nplugins=keyfile\n[keyfile]\npath=/srv/conns\n",
		"/usr/lib/NetworkManager/conf.d/10-x.conf": "[connection]\nconnection.stable-id=default${CONNECTION}\n",
		"/srv/conns/other.nmconnection":            "[connection]\nuuid=00000000-0000-0000-0000-000000000000\n",
		"/srv/conns/eth0.nmconnection":             "[connection]\nid=eth0\nuuid=6b138152-9f3e-4b97-aaf7-e6e553f2a24e\ntype=ethernet\n[ipv6]\nmethod=auto\naddr-gen-mode=stable-privacy\n",
		"/var/lib/NetworkManager/secret_key":       "key-of-sixteen-bytes",
		"/etc/machine-id":                          "3d1a0c6b5f2e4a7f9c8b7a6d5e4f3a2b\n",
	})
	for v, want := range map[string]slaac.NMStableType{"1.42.4": slaac.NMStableGenerated, "1.44.0": slaac.NMStableUUID, "": slaac.NMStableUUID} {
		h, err := fakeReader(root, v).read("eth0")
		if err != nil {
			t.Fatal(err)
		}
		if h.Manager != slaac.ManagerNetworkManager || h.NM.ConnectionFile != "/srv/conns/eth0.nmconnection" {
			t.Fatalf("host %+v", h)
		}
		rs, err := h.Rules()
		if err != nil {
			t.Fatal(err)
		}
		if g := rs[0].Generator.(*slaac.NetworkManager); g.StableType != want || string(g.HostID) != "key-of-sixteen-bytes" {
			t.Errorf("NM %q: %+v", v, g)
		}
	}
}

func TestReadNetworkd(t *testing.T) {
	root := fakeRoot(t, map[string]string{
		conf + "addr_gen_mode":                 "0\n",
		"/run/systemd/netif/links/7":           "ADMIN_STATE=configured\nNETWORK_FILE=/run/systemd/network/50-eth0.network\n",
		"/run/systemd/network/50-eth0.network": "[Match]\nName=eth0\n[IPv6AcceptRA]\nToken=prefixstable\n",
		"/etc/machine-id":                      "3d1a0c6b5f2e4a7f9c8b7a6d5e4f3a2b\n",
	})
	h, err := fakeReader(root, "").read("eth0")
	if err != nil {
		t.Fatal(err)
	}
	rs, err := h.Rules()
	if err != nil || h.Manager != slaac.ManagerNetworkd || rs[0].Name != "networkd-prefixstable" {
		t.Fatalf("host %+v rules %+v, %v", h, rs, err)
	}
	if _, _, err := slaac.Form(rs[0].Generator, netip.MustParsePrefix("2001:db8::/64"), nil); err != nil {
		t.Error(err)
	}
}

// TestReadEIO: the kernel answers EIO for an unset stable_secret; a
// directory in its place makes the read fail with EISDIR, which must not be
// taken for "unset".
func TestReadErrors(t *testing.T) {
	root := fakeRoot(t, map[string]string{conf + "addr_gen_mode": "x\n"})
	_, err := fakeReader(root, "").read("eth0")
	var pe *slaac.ParseError
	if !errors.As(err, &pe) || err.Error() != `slaac/host: eth0: parse sysctl addr_gen_mode at offset 0: "x": want an integer from 0 to 3` {
		t.Errorf("bad addr_gen_mode: %v", err)
	}
	root = fakeRoot(t, map[string]string{conf + "addr_gen_mode": "0\n", conf + "stable_secret/x": ""})
	if _, err := fakeReader(root, "").read("eth0"); !errors.Is(err, syscall.EISDIR) {
		t.Errorf("stable_secret a directory: %v", err)
	}
	root = fakeRoot(t, map[string]string{})
	if _, err := fakeReader(root, "").read("eth0"); err == nil {
		t.Error("no addr_gen_mode (IPv6 disabled) accepted")
	}
}

// TestNMVersionOutsidePATH: Debian's PATH for a user has no /usr/sbin,
// where NetworkManager lives; its version is still read, or the newest
// rules would be used for an older NetworkManager.
func TestNMVersionOutsidePATH(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "NetworkManager")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\necho 1.42.4\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	saved := nmBinaries
	t.Cleanup(func() { nmBinaries = saved })
	t.Setenv("PATH", t.TempDir()) // nothing on PATH
	nmBinaries = []string{filepath.Join(dir, "absent"), fake}
	if v := nmVersion(); v != "1.42.4" {
		t.Errorf("nmVersion() = %q with NetworkManager only at %s, want 1.42.4", v, fake)
	}
	nmBinaries = nil
	if v := nmVersion(); v != "" {
		t.Errorf("nmVersion() = %q with no NetworkManager anywhere, want \"\"", v)
	}
	// The real one, where Debian installs it.
	nmBinaries = saved
	if _, err := os.Stat("/usr/sbin/NetworkManager"); err != nil {
		sdktest.Skip(t, "NetworkManager is not installed (scripts/install-peers.sh)")
	}
	if _, err := slaac.ParseNMVersion(nmVersion()); err != nil {
		t.Errorf("nmVersion() of /usr/sbin/NetworkManager with an empty PATH: %v", err)
	}
}
