package lxdprofile

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	lxd "github.com/canonical/lxd/client"
	"github.com/canonical/lxd/shared/api"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/labtest"
	"github.com/v6kit/v6kit/internal/sdktest"
	"github.com/v6kit/v6kit/slaac"
)

// lxdDaemon is a private LXD daemon in a lab namespace, initialised by a
// preseed only (see lab.StartLXD).
type lxdDaemon struct{ *lab.LXD }

func startLXD(t *testing.T) (*lab.Lab, *lxdDaemon) {
	t.Helper()
	l := labtest.New(t)
	return l, &lxdDaemon{labtest.StartLXD(t, l)}
}

func (x *lxdDaemon) lxc(t *testing.T, args ...string) []byte {
	t.Helper()
	return []byte(labtest.RunLXD(t, x.LXD, "", "lxc", args...))
}

func (x *lxdDaemon) connect(t *testing.T) lxd.InstanceServer {
	t.Helper()
	// The client keeps the context for every later request.
	srv, err := ConnectUnix(context.Background(), x.Socket())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Disconnect)
	return srv
}

func TestDaemonInterop(t *testing.T) {
	_, x := startLXD(t)
	srv := x.connect(t)
	ctx := context.Background()

	layout, err := ServerLayout(srv)
	if err != nil {
		t.Fatal(err)
	}
	s, _, _ := srv.GetServer()
	t.Logf("LXD %s: layout %v", s.Environment.ServerVersion, layout)

	// Our profiles go in, and `lxc profile show` prints what Render does.
	for _, p := range goldenProfiles() {
		res, err := Apply(ctx, srv, p, ApplyOptions{})
		if err != nil || res != Created {
			t.Fatalf("Apply %s = %v, %v; want created", p.Name, res, err)
		}
		want, err := Render(p, layout)
		if err != nil {
			t.Fatal(err)
		}
		got := x.lxc(t, "profile", "show", p.Name)
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Errorf("lxc profile show %s (-Render +lxc):\n%s", p.Name, diff)
		}
		if layout == Layout50 {
			golden, err := os.ReadFile(filepath.Join("testdata", p.Name+".lxd-5.0.golden"))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(golden), string(got)); diff != "" {
				t.Errorf("golden %s (-golden +lxc):\n%s", p.Name, diff)
			}
		}
		back, err := Parse(got)
		if err != nil {
			t.Fatal(err)
		}
		if !back.Equal(p) {
			t.Errorf("Parse(lxc profile show %s) = %+v, want %+v", p.Name, back, p)
		}
		if res, err := Apply(ctx, srv, p, ApplyOptions{}); err != nil || res != Unchanged {
			t.Errorf("Apply %s again = %v, %v; want unchanged", p.Name, res, err)
		}
	}

	// What Validate rejects, the daemon rejects too.
	for _, tt := range invalidProfiles() {
		p := Profile{Name: "bad", Devices: map[string]Device{"eth0": tt.dev}}
		if err := Validate(p); !errors.Is(err, tt.want) {
			t.Errorf("%s: Validate = %v, want %v", tt.name, err, tt.want)
		}
		err := srv.CreateProfile(api.ProfilesPost{Name: "bad-" + strings.ReplaceAll(tt.name, " ", "-"), ProfilePut: api.ProfilePut{Config: map[string]string{}, Devices: devicesOut(p.Devices)}})
		if err == nil {
			t.Errorf("%s: the daemon accepted %v", tt.name, tt.dev)
		} else {
			t.Logf("%s: daemon: %v", tt.name, err)
		}
	}

	for _, tt := range invalidConfigs() {
		err := srv.CreateProfile(api.ProfilesPost{Name: "badcfg-" + strings.ReplaceAll(tt.name, " ", "-"), ProfilePut: api.ProfilePut{Config: map[string]string{tt.key: tt.value}, Devices: map[string]map[string]string{}}})
		if err == nil {
			t.Errorf("%s: the daemon accepted %s=%s", tt.name, tt.key, tt.value)
		} else {
			t.Logf("%s: daemon: %v", tt.name, err)
		}
	}
	// What Validate accepts, the daemon accepts.
	if _, err := Apply(ctx, srv, Profile{Name: "goodcfg", Config: map[string]string{
		"boot.autostart": "TRUE", "security.nesting": "yes", "security.privileged": "off", "migration.stateful": "0",
		"user.anything": "x", "environment.FOO": "bar", "limits.cpu": "2", "snapshots.schedule": "@daily",
	}}, ApplyOptions{}); err != nil {
		t.Errorf("daemon refused a valid config: %v", err)
	}

	// Differing content is refused unless asked; a stale ETag is a conflict.
	changed := Macvlan("eth1", "default")
	if _, err := Apply(ctx, srv, changed, ApplyOptions{}); !errors.Is(err, ErrDiffers) {
		t.Errorf("Apply over a differing profile = %v, want ErrDiffers", err)
	}
	_, etag, err := srv.GetProfile(PresetMacvlan)
	if err != nil {
		t.Fatal(err)
	}
	x.lxc(t, "profile", "set", PresetMacvlan, "user.touched", "by-someone-else")
	_, err = Apply(ctx, srv, changed, ApplyOptions{Overwrite: true, IfMatch: etag})
	var ce *ConflictError
	if !errors.As(err, &ce) || !errors.Is(err, ErrConflict) {
		t.Fatalf("Apply with a stale ETag = %v, want *ConflictError", err)
	}
	cur, _, err := srv.GetProfile(PresetMacvlan)
	if err != nil {
		t.Fatal(err)
	}
	if cur.Config["user.touched"] != "by-someone-else" || cur.Devices["eth0"]["parent"] != "eth0" {
		t.Errorf("a refused update changed the profile: %+v", cur)
	}
	if res, err := Apply(ctx, srv, changed, ApplyOptions{Overwrite: true}); err != nil || res != Updated {
		t.Fatalf("Apply with Overwrite = %v, %v; want updated", res, err)
	}
	if got := x.lxc(t, "profile", "get", PresetMacvlan, "user.touched"); strings.TrimSpace(string(got)) != "" {
		t.Errorf("after Overwrite user.touched = %q, want gone", got)
	}
	if res, err := Apply(ctx, srv, Macvlan("eth0", "default"), ApplyOptions{Overwrite: true}); err != nil || res != Updated {
		t.Fatalf("Apply back = %v, %v", res, err)
	}

	// Instances with profile stacks: the daemon's expansion is ours.
	instances := []struct {
		name     string
		profiles []string
		local    [][]string // lxc config device add args after the instance name
	}{
		{name: "mv", profiles: []string{"macvlan"}},
		{name: "ext", profiles: []string{"default", "extbridge"}},
		{name: "router", profiles: []string{"default", "twointfrev"}},
		{name: "stack", profiles: []string{"default", "full", "extbridge"}, local: [][]string{{"eth1", "nic", "nictype=macvlan", "parent=eth9"}}},
	}
	prefixes := []netip.Prefix{sdktest.DocPrefix, sdktest.ULAPrefix}
	for _, in := range instances {
		args := []string{"init", "--empty", in.name}
		for _, p := range in.profiles {
			args = append(args, "-p", p)
		}
		x.lxc(t, args...)
		for _, dev := range in.local {
			x.lxc(t, append([]string{"config", "device", "add", in.name}, dev...)...)
		}
		inst, _, err := srv.GetInstance(in.name)
		if err != nil {
			t.Fatal(err)
		}
		var profiles []Profile
		for _, name := range inst.Profiles {
			ap, _, err := srv.GetProfile(name)
			if err != nil {
				t.Fatal(err)
			}
			profiles = append(profiles, FromAPI(ap))
		}
		cfg, devs := Expand(profiles, inst.Config, DevicesFromAPI(inst.Devices))
		if diff := cmp.Diff(DevicesFromAPI(inst.ExpandedDevices), devs, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: expanded devices (-daemon +Expand):\n%s", in.name, diff)
		}
		if diff := cmp.Diff(inst.ExpandedConfig, cfg, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: expanded config (-daemon +Expand):\n%s", in.name, diff)
		}

		// Predict from the daemon-assigned MACs; the kernel is the oracle
		// for the EUI-64 interface identifier.
		preds, err := Predict(inst.Name, inst.ExpandedConfig, DevicesFromAPI(inst.ExpandedDevices), prefixes)
		if err != nil {
			t.Fatal(err)
		}
		nics := 0
		for _, d := range inst.ExpandedDevices {
			if d["type"] == "nic" {
				nics++
			}
		}
		if len(preds) != nics*len(prefixes) {
			t.Errorf("%s: %d predictions for %d NICs and %d prefixes", in.name, len(preds), nics, len(prefixes))
		}
		for _, p := range preds {
			if want := inst.ExpandedConfig["volatile."+p.NIC+".hwaddr"]; want != "" && p.MAC.String() != want {
				t.Errorf("%s %s: MAC %s, daemon assigned %s", in.name, p.NIC, p.MAC, want)
			}
			if !strings.HasPrefix(p.MAC.String(), "00:16:3e:") && inst.ExpandedDevices[p.NIC]["hwaddr"] == "" {
				t.Errorf("%s %s: MAC %s not from LXD's range", in.name, p.NIC, p.MAC)
			}
			kernel := kernelIID(t, x.NS, p.MAC)
			if slaac.IIDFrom(p.Addr) != kernel || !sdktestContains(prefixes, p.Addr) {
				t.Errorf("%s %s: predicted %s, kernel's EUI-64 IID %s", in.name, p.NIC, p.Addr, kernel)
			}
		}
		t.Logf("%s:\n%s", in.name, ZoneLines(preds))
	}
}

func sdktestContains(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// kernelIID gives mac to a veth in ns and returns the interface identifier
// of the link-local address the kernel forms from it (addr_gen_mode eui64).
func kernelIID(t *testing.T, ns *lab.Netns, mac net.HardwareAddr) slaac.IID {
	t.Helper()
	a, b := "k"+strings.ReplaceAll(mac.String()[9:], ":", ""), "p"+strings.ReplaceAll(mac.String()[9:], ":", "")
	if err := ns.IP("link", "add", a, "type", "veth", "peer", "name", b); err != nil {
		t.Fatal(err)
	}
	defer ns.IP("link", "del", a)
	for _, step := range [][]string{
		{"link", "set", a, "address", mac.String()},
		{"link", "set", a, "addrgenmode", "eui64"},
		{"link", "set", b, "up"},
		{"link", "set", a, "up"},
	} {
		if err := ns.IP(step...); err != nil {
			t.Fatal(err)
		}
	}
	var iid slaac.IID
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := lab.WaitFor(ctx, 20*time.Millisecond, func() (bool, error) {
		addrs, err := ns.Addrs(a, "inet6")
		if err != nil {
			return false, err
		}
		for _, ad := range addrs {
			if ad.Scope == "link" {
				iid = slaac.IIDFrom(ad.Prefix.Addr())
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		t.Fatalf("no kernel link-local on %s: %v", a, err)
	}
	return iid
}

func TestDaemonHTTPS(t *testing.T) {
	_, x := startLXD(t)
	srv := x.connect(t)
	ctx := context.Background()

	// Listen on the namespace's loopback, as a remote host listens on 8443.
	s, etag, err := srv.GetServer()
	if err != nil {
		t.Fatal(err)
	}
	put := s.Writable()
	put.Config["core.https_address"] = "[::1]:8443"
	if err := srv.UpdateServer(put, etag); err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM := clientCert(t)
	block, _ := pem.Decode(certPEM)
	if err := srv.CreateCertificate(api.CertificatesPost{Name: "v6kit-test", Type: "client", Certificate: base64.StdEncoding.EncodeToString(block.Bytes)}); err != nil {
		t.Fatal(err)
	}
	serverCert, err := os.ReadFile(filepath.Join(x.Dir, "server.crt"))
	if err != nil {
		t.Fatal(err)
	}
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		var c net.Conn
		err := x.NS.Run(func() error {
			var err error
			c, err = (&net.Dialer{}).DialContext(ctx, network, addr)
			return err
		})
		return c, err
	}
	cctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	var remote lxd.InstanceServer
	err = lab.WaitFor(cctx, 100*time.Millisecond, func() (bool, error) {
		remote, err = ConnectHTTPS(cctx, "https://[::1]:8443", HTTPSOptions{
			ClientCert: string(certPEM), ClientKey: string(keyPEM), ServerCert: string(serverCert), Dial: dial,
		})
		return err == nil, nil
	})
	if err != nil {
		t.Fatalf("ConnectHTTPS: %v", err)
	}
	defer remote.Disconnect()
	rs, _, err := remote.GetServer()
	if err != nil {
		t.Fatal(err)
	}
	if rs.Auth != "trusted" {
		t.Fatalf("over HTTPS the server says auth %q, want trusted", rs.Auth)
	}
	if res, err := Apply(ctx, remote, ExtBridge("br0"), ApplyOptions{}); err != nil || res != Created {
		t.Fatalf("Apply over HTTPS = %v, %v", res, err)
	}
	got, _, err := srv.GetProfile(PresetExtBridge)
	if err != nil {
		t.Fatal(err)
	}
	if !FromAPI(got).Equal(ExtBridge("br0")) {
		t.Errorf("profile made over HTTPS: %+v", got)
	}
	// Without the client certificate the server does not trust us.
	untrusted, err := ConnectHTTPS(cctx, "https://[::1]:8443", HTTPSOptions{ServerCert: string(serverCert), Dial: dial})
	if err == nil {
		defer untrusted.Disconnect()
		if us, _, err := untrusted.GetServer(); err == nil && us.Auth == "trusted" {
			t.Error("trusted without a client certificate")
		}
	}
}

// clientCert makes a self-signed ECDSA client certificate.
func clientCert(t *testing.T) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "v6kit-test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
}
