package lxdprofile

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
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

// peer is a private daemon of either kind, with its command-line client.
type peer struct {
	kind   Daemon
	ns     *lab.Netns
	socket string
	dir    string
	cli    func(t *testing.T, args ...string) []byte
}

func startPeer(t *testing.T, kind Daemon) *peer {
	t.Helper()
	l := labtest.New(t)
	x := labtest.StartContainerDaemon(t, l, kind.String())
	return &peer{kind: kind, ns: x.NS, socket: x.Socket(), dir: x.Dir, cli: func(t *testing.T, args ...string) []byte {
		t.Helper()
		return []byte(labtest.RunLXD(t, x, "", x.Client, args...))
	}}
}

// TestDaemonInterop runs one table against a private LXD 5.0.2 and a
// private Incus 6.0.4: detection, profile YAML, validation parity, ETag
// conflicts, expansion of stacked profiles and predictions from hwaddr. Both
// clients are checked: Dial's and the LXD client's (ConnectUnix). Each
// check logs a "RESULT daemon | check | outcome" line for the closing
// table.
func TestDaemonInterop(t *testing.T) {
	for _, kind := range []Daemon{LXD, Incus} {
		t.Run(kind.String(), func(t *testing.T) { daemonInterop(t, kind) })
	}
}

func daemonInterop(t *testing.T, kind Daemon) {
	x := startPeer(t, kind)
	ctx := context.Background()
	result := func(check, format string, args ...any) {
		t.Helper()
		t.Logf("RESULT %s | %s | %s", kind.Name(), check, fmt.Sprintf(format, args...))
	}

	// Detection, and the wrong daemon asked for.
	srv, err := Dial(ctx, DialOptions{Socket: x.socket})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	info := srv.Server()
	if info.Daemon != kind || info.Version == "" || len(info.APIExtensions) == 0 {
		t.Fatalf("Dial detected %+v, want %v", info, kind)
	}
	other := LXD
	if kind == LXD {
		other = Incus
	}
	if _, err := Dial(ctx, DialOptions{Socket: x.socket, Daemon: other}); !errors.Is(err, ErrWrongDaemon) {
		t.Errorf("Dial(-daemon %v) on %v's socket = %v, want ErrWrongDaemon", other, kind, err)
	} else {
		t.Logf("wrong daemon: %v", err)
	}
	layout, err := srv.Layout()
	if err != nil {
		t.Fatal(err)
	}
	lxdc, err := ConnectUnix(ctx, x.socket)
	if err != nil {
		t.Fatal(err)
	}
	defer lxdc.Disconnect()
	if l2, err := ServerLayout(lxdc); err != nil || l2 != layout {
		t.Errorf("ServerLayout over the LXD client = %v, %v; Dial's client says %v", l2, err, layout)
	}
	wantLayout := map[Daemon]Layout{LXD: Layout50, Incus: LayoutIncus}[kind]
	if layout != wantLayout {
		t.Errorf("%s %s: layout %v, want %v", kind.Name(), info.Version, layout, wantLayout)
	}
	// Incus dropped LXD's legacy /1.0/containers; Client uses
	// /1.0/instances on both.
	var legacy []string
	_, err = srv.get("/1.0/containers", &legacy)
	if hasLegacy := err == nil; hasLegacy != (kind == LXD) {
		t.Errorf("GET /1.0/containers on %s: %v", kind.Name(), err)
	}
	result("API", "GET /1.0/containers: %v; /1.0/instances used on both", errOrOK(err))
	result("detect", "%s %s from environment.server; %d API extensions; layout %v", kind.Name(), info.Version, len(info.APIExtensions), layout)

	// Our profiles go in, and `profile show` prints what Render does.
	for _, p := range goldenProfiles() {
		res, err := Apply(ctx, srv, p, ApplyOptions{})
		if err != nil || res != Created {
			t.Fatalf("Apply %s = %v, %v; want created", p.Name, res, err)
		}
		want, err := Render(p, layout)
		if err != nil {
			t.Fatal(err)
		}
		got := x.cli(t, "profile", "show", p.Name)
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Errorf("%s profile show %s (-Render +daemon):\n%s", kind.Command(), p.Name, diff)
		}
		golden, err := os.ReadFile(filepath.Join("testdata", p.Name+"."+layout.String()+".golden"))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(golden), string(got)); diff != "" {
			t.Errorf("golden %s (-golden +daemon):\n%s", p.Name, diff)
		}
		back, err := Parse(got)
		if err != nil {
			t.Fatal(err)
		}
		if !back.Equal(p) {
			t.Errorf("Parse(profile show %s) = %+v, want %+v", p.Name, back, p)
		}
		if res, err := Apply(ctx, srv, p, ApplyOptions{}); err != nil || res != Unchanged {
			t.Errorf("Apply %s again = %v, %v; want unchanged", p.Name, res, err)
		}
		if res, err := Apply(ctx, lxdc, p, ApplyOptions{Daemon: kind}); err != nil || res != Unchanged {
			t.Errorf("Apply %s again over the LXD client = %v, %v; want unchanged", p.Name, res, err)
		}
	}
	result("profile YAML", "%d profiles: Render = `%s profile show` = testdata/*.%v.golden, byte for byte; Parse round-trips", len(goldenProfiles()), kind.Command(), layout)

	// Validation parity: the daemon rejects exactly what ValidateFor
	// rejects.
	agree, rejected := 0, 0
	for i, tt := range parityCases() {
		p := tt.p.Clone()
		p.Name = fmt.Sprintf("parity-%d", i)
		ours := ValidateFor(kind, p)
		if want := tt.want(kind); (want == nil) != (ours == nil) || (want != nil && !errors.Is(ours, want)) {
			t.Errorf("%s: ValidateFor = %v, want %v", tt.name, ours, want)
		}
		put := api.ProfilePut{Config: p.Config, Devices: devicesOut(p.Devices)}
		if put.Config == nil {
			put.Config = map[string]string{}
		}
		if put.Devices == nil {
			put.Devices = map[string]map[string]string{}
		}
		theirs := srv.CreateProfile(api.ProfilesPost{Name: p.Name, ProfilePut: put})
		switch {
		case (ours == nil) != (theirs == nil):
			t.Errorf("%s: %s says %v, ValidateFor says %v", tt.name, kind.Name(), theirs, ours)
		default:
			agree++
			if theirs != nil {
				rejected++
			}
		}
		t.Logf("%s: daemon: %v; ours: %v", tt.name, theirs, ours)
	}
	result("validation parity", "%d/%d cases agree (%d rejected by both the daemon and ValidateFor, %d accepted by both)", agree, len(parityCases()), rejected, agree-rejected)

	// Differing content is refused unless asked; a stale ETag is a
	// conflict; over both clients.
	for _, c := range []struct {
		name string
		srv  ProfileServer
	}{{"Dial", srv}, {"LXD client", lxdc}} {
		changed := Macvlan("eth1", "default")
		if _, err := Apply(ctx, c.srv, changed, ApplyOptions{Daemon: kind}); !errors.Is(err, ErrDiffers) {
			t.Errorf("%s: Apply over a differing profile = %v, want ErrDiffers", c.name, err)
		}
		_, etag, err := c.srv.GetProfile(PresetMacvlan)
		if err != nil {
			t.Fatal(err)
		}
		if etag == "" {
			t.Fatalf("%s: no ETag", c.name)
		}
		x.cli(t, "profile", "set", PresetMacvlan, "user.touched", "by-someone-else")
		_, conflict := Apply(ctx, c.srv, changed, ApplyOptions{Overwrite: true, IfMatch: etag, Daemon: kind})
		var ce *ConflictError
		if !errors.As(conflict, &ce) || !errors.Is(conflict, ErrConflict) {
			t.Fatalf("%s: Apply with a stale ETag = %v, want *ConflictError", c.name, conflict)
		}
		cur, _, err := c.srv.GetProfile(PresetMacvlan)
		if err != nil {
			t.Fatal(err)
		}
		if cur.Config["user.touched"] != "by-someone-else" || cur.Devices["eth0"]["parent"] != "eth0" {
			t.Errorf("%s: a refused update changed the profile: %+v", c.name, cur)
		}
		if res, err := Apply(ctx, c.srv, changed, ApplyOptions{Overwrite: true, Daemon: kind}); err != nil || res != Updated {
			t.Fatalf("%s: Apply with Overwrite = %v, %v; want updated", c.name, res, err)
		}
		if got := x.cli(t, "profile", "get", PresetMacvlan, "user.touched"); strings.TrimSpace(string(got)) != "" {
			t.Errorf("%s: after Overwrite user.touched = %q, want gone", c.name, got)
		}
		if res, err := Apply(ctx, c.srv, Macvlan("eth0", "default"), ApplyOptions{Overwrite: true, Daemon: kind}); err != nil || res != Updated {
			t.Fatalf("%s: Apply back = %v, %v", c.name, res, err)
		}
		t.Logf("%s: stale ETag: %v", c.name, conflict)
	}
	result("ETag conflict", "stale If-Match answered 412 -> *ConflictError, profile untouched; ErrDiffers without Overwrite; over Dial's client and the LXD client")

	// Instances with profile stacks: the daemon's expansion is ours.
	instances := []struct {
		name     string
		profiles []string
		local    [][]string // config device add args after the instance name
	}{
		{name: "mv", profiles: []string{"macvlan"}},
		{name: "ext", profiles: []string{"default", "extbridge"}},
		{name: "router", profiles: []string{"default", "twointfrev"}},
		{name: "stack", profiles: []string{"default", "full", "extbridge"}, local: [][]string{{"eth1", "nic", "nictype=macvlan", "parent=eth9"}}},
	}
	prefixes := []netip.Prefix{sdktest.DocPrefix, sdktest.ULAPrefix}
	npreds := 0
	for _, in := range instances {
		args := []string{"init", "--empty", in.name}
		for _, p := range in.profiles {
			args = append(args, "-p", p)
		}
		x.cli(t, args...)
		for _, dev := range in.local {
			x.cli(t, append([]string{"config", "device", "add", in.name}, dev...)...)
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
			if !bytes.HasPrefix(p.MAC, kind.MACPrefix()) && inst.ExpandedDevices[p.NIC]["hwaddr"] == "" {
				t.Errorf("%s %s: MAC %s not from %s's range %s", in.name, p.NIC, p.MAC, kind.Name(), kind.MACPrefix())
			}
			kernel := kernelIID(t, x.ns, p.MAC)
			if slaac.IIDFrom(p.Addr) != kernel || !sdktestContains(prefixes, p.Addr) {
				t.Errorf("%s %s: predicted %s, kernel's EUI-64 IID %s", in.name, p.NIC, p.Addr, kernel)
			}
		}
		npreds += len(preds)
		t.Logf("%s:\n%s", in.name, ZoneLines(preds))
	}
	result("expansion", "%d instances (stacks of 1-3 profiles, one with a local device): Expand = the daemon's expanded_devices and expanded_config", len(instances))
	result("prediction", "%d addresses from hwaddr/volatile.*.hwaddr (prefix %s) = the kernel's EUI-64 link-local IID", npreds, kind.MACPrefix())
}

func errOrOK(err error) string {
	if err == nil {
		return "200"
	}
	return err.Error()
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

// TestDaemonHTTPS reaches a private LXD 5.0.2 and Incus 6.0.4 on their
// HTTPS port (inside their namespace) with a client certificate and the
// pinned server certificate, through both clients: Dial's and the LXD
// client's (ConnectHTTPS).
func TestDaemonHTTPS(t *testing.T) {
	for _, kind := range []Daemon{LXD, Incus} {
		t.Run(kind.String(), func(t *testing.T) { daemonHTTPS(t, kind) })
	}
}

func daemonHTTPS(t *testing.T, kind Daemon) {
	x := startPeer(t, kind)
	ctx := context.Background()
	srv, err := ConnectUnix(ctx, x.socket)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Disconnect()

	// Listen on the namespace's loopback, as a remote host listens on 8443.
	x.cli(t, "config", "set", "core.https_address", "[::1]:8443")
	certPEM, keyPEM := clientCert(t)
	block, _ := pem.Decode(certPEM)
	if err := srv.CreateCertificate(api.CertificatesPost{Name: "v6kit-test", Type: "client", Certificate: base64.StdEncoding.EncodeToString(block.Bytes)}); err != nil {
		t.Fatal(err)
	}
	serverCert, err := os.ReadFile(filepath.Join(x.dir, "server.crt"))
	if err != nil {
		t.Fatal(err)
	}
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		var c net.Conn
		err := x.ns.Run(func() error {
			var err error
			c, err = (&net.Dialer{}).DialContext(ctx, network, addr)
			return err
		})
		return c, err
	}
	creds := HTTPSOptions{ClientCert: string(certPEM), ClientKey: string(keyPEM), ServerCert: string(serverCert), Dial: dial}
	cctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	// Dial's client: detects the daemon, applies with ETags.
	var c *Client
	err = lab.WaitFor(cctx, 100*time.Millisecond, func() (bool, error) {
		c, err = Dial(cctx, DialOptions{URL: "https://[::1]:8443", HTTPS: creds})
		return err == nil, nil
	})
	if err != nil {
		t.Fatalf("Dial over HTTPS: %v", err)
	}
	defer c.Close()
	if c.Daemon() != kind {
		t.Errorf("over HTTPS Dial detected %v, want %v", c.Daemon(), kind)
	}
	if res, err := Apply(ctx, c, ExtBridge("br0"), ApplyOptions{}); err != nil || res != Created {
		t.Fatalf("Apply over HTTPS = %v, %v", res, err)
	}
	got, _, err := srv.GetProfile(PresetExtBridge)
	if err != nil {
		t.Fatal(err)
	}
	if !FromAPI(got).Equal(ExtBridge("br0")) {
		t.Errorf("profile made over HTTPS: %+v", got)
	}
	_, etag, err := c.GetProfile(PresetExtBridge)
	if err != nil {
		t.Fatal(err)
	}
	x.cli(t, "profile", "set", PresetExtBridge, "user.touched", "yes")
	if _, err := Apply(ctx, c, ExtBridge("br1"), ApplyOptions{Overwrite: true, IfMatch: etag}); !errors.Is(err, ErrConflict) {
		t.Errorf("Apply over HTTPS with a stale ETag = %v, want ErrConflict", err)
	}
	// Without the client certificate the daemon does not trust us; with
	// another pinned certificate we do not trust it.
	if _, err := Dial(cctx, DialOptions{URL: "https://[::1]:8443", HTTPS: HTTPSOptions{ServerCert: string(serverCert), Dial: dial}}); !errors.Is(err, ErrUntrusted) {
		t.Errorf("Dial without a client certificate = %v, want ErrUntrusted", err)
	}
	if _, err := Dial(cctx, DialOptions{URL: "https://[::1]:8443", HTTPS: HTTPSOptions{ClientCert: string(certPEM), ClientKey: string(keyPEM), ServerCert: string(certPEM), Dial: dial}}); err == nil || !strings.Contains(err.Error(), "not the pinned one") {
		t.Errorf("Dial pinning another certificate = %v, want a pinning error", err)
	}
	t.Logf("RESULT %s | HTTPS | Dial: detected %v, Apply created, stale ETag -> ErrConflict, no client cert -> ErrUntrusted, other pin refused", kind.Name(), c.Daemon())

	// The LXD client over HTTPS works on both daemons too.
	var remote lxd.InstanceServer
	err = lab.WaitFor(cctx, 100*time.Millisecond, func() (bool, error) {
		remote, err = ConnectHTTPS(cctx, "https://[::1]:8443", creds)
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
	if res, err := Apply(ctx, remote, Macvlan("eth0", "default"), ApplyOptions{Daemon: kind}); err != nil || res != Created {
		t.Fatalf("Apply over ConnectHTTPS = %v, %v", res, err)
	}
	untrusted, err := ConnectHTTPS(cctx, "https://[::1]:8443", HTTPSOptions{ServerCert: string(serverCert), Dial: dial})
	if err == nil {
		defer untrusted.Disconnect()
		if us, _, err := untrusted.GetServer(); err == nil && us.Auth == "trusted" {
			t.Error("trusted without a client certificate")
		}
	}
	t.Logf("RESULT %s | HTTPS | LXD client (ConnectHTTPS): trusted with the certificate, Apply created, untrusted without", kind.Name())
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
