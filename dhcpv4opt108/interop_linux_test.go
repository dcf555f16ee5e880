package dhcpv4opt108_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"
	"github.com/insomniacslk/dhcp/dhcpv4/server4"
	mdndp "github.com/mdlayher/ndp"
	"github.com/mdlayher/packet"
	"github.com/v6kit/v6kit/dhcpv4opt108"
	v6onlyprobe "github.com/v6kit/v6kit/internal/cmd/v6only-probe"
	v6onlyserver "github.com/v6kit/v6kit/internal/cmd/v6only-server"
	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/labtest"
	"github.com/v6kit/v6kit/internal/sdktest"
	"golang.org/x/sys/unix"
)

// The interop tier: our server against real DHCPv4 clients, real DHCPv4
// servers (configured by Render) against our probe, all in namespaces.

const sentinelType = 0x88b5 // IEEE local experimental EtherType

// dhcpLink is a lab with a server and a client namespace joined by a veth
// (both ends eth0); the server end has 192.0.2.1/24.
type dhcpLink struct {
	l        *lab.Lab
	srv, cli *lab.Netns
}

func newDHCPLink(t *testing.T) *dhcpLink {
	t.Helper()
	l := labtest.New(t)
	srv, err := l.Namespace("srv")
	if err != nil {
		t.Fatal(err)
	}
	cli, err := l.Namespace("cli")
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Veth(srv, "eth0", cli, "eth0"); err != nil {
		t.Fatal(err)
	}
	if err := srv.AddAddr("eth0", netip.MustParsePrefix("192.0.2.1/24")); err != nil {
		t.Fatal(err)
	}
	if err := srv.StaticLinkLocal("eth0", netip.MustParseAddr("fe80::1")); err != nil {
		t.Fatal(err)
	}
	if err := cli.StaticLinkLocal("eth0", netip.MustParseAddr("fe80::2")); err != nil {
		t.Fatal(err)
	}
	return &dhcpLink{l: l, srv: srv, cli: cli}
}

// capture records every DHCPv4 message seen on an interface in one
// namespace, both directions. Frames a packet socket sends are handed to
// every other packet socket of the namespace before the send returns, so
// once a sentinel frame sent after an event is read, everything sent
// before it has been read too: "no REQUEST" is checked without sleeping.
type capture struct {
	ns   *lab.Netns
	ifi  *net.Interface
	c    *packet.Conn
	mu   sync.Mutex
	msgs []*dhcpv4.DHCPv4
	seen map[uint32]bool
	done chan struct{}
}

func startCapture(t *testing.T, ns *lab.Netns, ifname string) *capture {
	t.Helper()
	cp := &capture{ns: ns, seen: map[uint32]bool{}, done: make(chan struct{})}
	err := ns.Run(func() error {
		var err error
		if cp.ifi, err = net.InterfaceByName(ifname); err != nil {
			return err
		}
		cp.c, err = packet.Listen(cp.ifi, packet.Raw, unix.ETH_P_ALL, nil)
		return err
	})
	if err != nil {
		t.Fatalf("capture on %s in %s: %v", ifname, ns.Name, err)
	}
	go cp.loop()
	t.Cleanup(func() {
		cp.c.Close()
		<-cp.done
	})
	return cp
}

func (cp *capture) loop() {
	defer close(cp.done)
	buf := make([]byte, 65536)
	for {
		n, _, err := cp.c.ReadFrom(buf)
		if err != nil {
			return
		}
		f := buf[:n]
		if len(f) < 14 {
			continue
		}
		switch binary.BigEndian.Uint16(f[12:14]) {
		case sentinelType:
			if len(f) >= 18 {
				cp.mu.Lock()
				cp.seen[binary.BigEndian.Uint32(f[14:18])] = true
				cp.mu.Unlock()
			}
		case 0x0800:
			ip := f[14:]
			if len(ip) < 20 || ip[9] != unix.IPPROTO_UDP {
				continue
			}
			ihl := int(ip[0]&0xf) * 4
			if len(ip) < ihl+8 {
				continue
			}
			udp := ip[ihl:]
			sp, dp := binary.BigEndian.Uint16(udp[0:2]), binary.BigEndian.Uint16(udp[2:4])
			if (sp != 67 && sp != 68) || (dp != 67 && dp != 68) {
				continue
			}
			if m, err := dhcpv4.FromBytes(udp[8:]); err == nil {
				cp.mu.Lock()
				cp.msgs = append(cp.msgs, m)
				cp.mu.Unlock()
			}
		}
	}
}

// sync sends a sentinel frame from the namespace and waits until the
// capture has read it.
func (cp *capture) sync(t *testing.T) {
	t.Helper()
	id := uint32(time.Now().UnixNano())
	err := cp.ns.Run(func() error {
		c, err := packet.Listen(cp.ifi, packet.Raw, sentinelType, nil)
		if err != nil {
			return err
		}
		defer c.Close()
		f := make([]byte, 60)
		copy(f[0:6], []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
		copy(f[6:12], cp.ifi.HardwareAddr)
		binary.BigEndian.PutUint16(f[12:14], sentinelType)
		binary.BigEndian.PutUint32(f[14:18], id)
		_, err = c.WriteTo(f, &packet.Addr{HardwareAddr: net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}})
		return err
	})
	if err != nil {
		t.Fatalf("sentinel: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := lab.WaitFor(ctx, 5*time.Millisecond, func() (bool, error) {
		cp.mu.Lock()
		defer cp.mu.Unlock()
		return cp.seen[id], nil
	}); err != nil {
		t.Fatalf("capture never saw its sentinel: %v", err)
	}
}

// messages returns what the capture has seen, optionally of one type.
func (cp *capture) messages(mt ...dhcpv4.MessageType) []*dhcpv4.DHCPv4 {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	var out []*dhcpv4.DHCPv4
	for _, m := range cp.msgs {
		if len(mt) == 0 || m.MessageType() == mt[0] {
			out = append(out, m)
		}
	}
	return out
}

func (cp *capture) summary() string {
	var b strings.Builder
	for _, m := range cp.messages() {
		o, p := dhcpv4opt108.Lookup(m)
		fmt.Fprintf(&b, "  %v xid %v yiaddr %v prl108=%v 108=%v %v\n", m.MessageType(), m.TransactionID, m.YourIPAddr, dhcpv4opt108.Requested(m), p, o)
	}
	return b.String()
}

func waitCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func writeFile(t *testing.T, path, content string, mode os.FileMode) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	return path
}

func render(t *testing.T, target dhcpv4opt108.Target, wait uint32) string {
	t.Helper()
	b, err := dhcpv4opt108.Render(target, dhcpv4opt108.Option{Seconds: wait})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// startOurServer runs v6only-server's Run inside the server namespace.
func startOurServer(t *testing.T, dl *dhcpLink, o v6onlyserver.Options) *bytes.Buffer {
	t.Helper()
	o.Interface = "eth0"
	o.First, o.Last = netip.MustParseAddr("192.0.2.100"), netip.MustParseAddr("192.0.2.150")
	o.Router = netip.MustParseAddr("192.0.2.1")
	o.JSON = true
	ready := make(chan struct{})
	o.Ready = func() { close(ready) }
	out := &lockedBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		errc <- dl.srv.Run(func() error { return v6onlyserver.Run(ctx, o, out) })
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("v6only-server: %v", err)
		}
		if t.Failed() {
			t.Logf("v6only-server output:\n%s", out.String())
		}
	})
	select {
	case <-ready:
	case err := <-errc:
		t.Fatalf("v6only-server did not start: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("v6only-server did not start")
	}
	return &out.b
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// hookScript writes a client hook that only appends $reason to a file.
func hookScript(t *testing.T, dir, name string) (script, reasons string) {
	reasons = filepath.Join(dir, name+".reasons")
	script = writeFile(t, filepath.Join(dir, name+".sh"), "#!/bin/sh\necho \"$reason\" >> "+reasons+"\nexit 0\n", 0o755)
	return script, reasons
}

func fileContains(path, s string) func() (bool, error) {
	return func() (bool, error) {
		b, _ := os.ReadFile(path)
		return strings.Contains(string(b), s), nil
	}
}

// requireNo108Replies checks the capture holds a lease (ACK) and no reply
// carries option 108.
func requireLeaseWithout108(t *testing.T, cp *capture) {
	t.Helper()
	cp.sync(t)
	t.Logf("capture:\n%s", cp.summary())
	acks := cp.messages(dhcpv4.MessageTypeAck)
	if len(acks) == 0 {
		t.Fatalf("no ACK captured:\n%s", cp.summary())
	}
	for _, m := range cp.messages() {
		if _, p := dhcpv4opt108.Lookup(m); m.OpCode == dhcpv4.OpcodeBootReply && p != dhcpv4opt108.Absent {
			t.Errorf("a reply to a client that did not ask carries 108:\n%s", cp.summary())
		}
	}
}

// requireStoppedWithoutRequest checks the client asked for 108, got it in
// an OFFER, and sent no REQUEST.
func requireStoppedWithoutRequest(t *testing.T, cp *capture, wait uint32) {
	t.Helper()
	cp.sync(t)
	t.Logf("capture:\n%s", cp.summary())
	discovers := cp.messages(dhcpv4.MessageTypeDiscover)
	if len(discovers) == 0 || !dhcpv4opt108.Requested(discovers[0]) {
		t.Errorf("no DISCOVER asking for 108:\n%s", cp.summary())
	}
	offers := cp.messages(dhcpv4.MessageTypeOffer)
	if len(offers) == 0 {
		t.Fatalf("no OFFER:\n%s", cp.summary())
	}
	if o, p := dhcpv4opt108.Lookup(offers[0]); p != dhcpv4opt108.Valid || o.Seconds != wait {
		t.Errorf("OFFER carries 108 %v %v, want valid %d s", p, o, wait)
	}
	if reqs := cp.messages(dhcpv4.MessageTypeRequest); len(reqs) != 0 {
		t.Errorf("the client sent %d REQUEST(s) after 108:\n%s", len(reqs), cp.summary())
	}
}

func dhclientConf(t *testing.T, dir string, ask bool) string {
	conf := "send host-name = \"v6kit\";\nrequest subnet-mask, routers;\n"
	if ask {
		// The rendered snippet, as a user would paste it.
		conf += render(t, dhcpv4opt108.Dhclient, 0)
	}
	return writeFile(t, filepath.Join(dir, "dhclient.conf"), conf, 0o644)
}

func startDhclient(t *testing.T, dl *dhcpLink, ask bool) (*lab.Daemon, string) {
	return startDhclientLease(t, dl, ask, "")
}

// startDhclientLease starts dhclient with leases as its lease file, so a
// remembered lease makes it start in INIT-REBOOT.
func startDhclientLease(t *testing.T, dl *dhcpLink, ask bool, leases string) (*lab.Daemon, string) {
	t.Helper()
	sdktest.RequireCommands(t, "dhclient")
	dir := dl.l.Dir
	script, reasons := hookScript(t, dir, "dhclient")
	conf := dhclientConf(t, dir, ask)
	writeFile(t, filepath.Join(dir, "dhclient.leases"), leases, 0o644)
	d, err := dl.cli.Start(lab.DaemonSpec{
		Name: "dhclient",
		Args: []string{"dhclient", "-4", "-d", "-v", "-cf", conf, "-sf", script,
			"-lf", filepath.Join(dir, "dhclient.leases"), "-pf", filepath.Join(dir, "dhclient.pid"), "eth0"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return d, reasons
}

func TestInteropOurServerDhclient(t *testing.T) {
	t.Run("asks for 108: stops without REQUEST", func(t *testing.T) {
		dl := newDHCPLink(t)
		startOurServer(t, dl, v6onlyserver.Options{V6OnlyWait: 1800})
		cp := startCapture(t, dl.cli, "eth0")
		d, reasons := startDhclient(t, dl, true)
		ctx := waitCtx(t, 60*time.Second)
		if err := lab.WaitFor(ctx, 10*time.Millisecond, fileContains(reasons, "V6ONLY")); err != nil {
			t.Fatalf("dhclient never ran its script with reason V6ONLY: %v\n%s\ncapture:\n%s", err, d.Log(), cp.summary())
		}
		if err := d.WaitLog(ctx, "v6 only preferred"); err != nil {
			t.Fatal(err)
		}
		requireStoppedWithoutRequest(t, cp, 1800)
	})
	t.Run("INIT-REBOOT: ACK with 108 stops", func(t *testing.T) {
		dl := newDHCPLink(t)
		startOurServer(t, dl, v6onlyserver.Options{V6OnlyWait: 1800})
		cp := startCapture(t, dl.cli, "eth0")
		lease := "lease {\n  interface \"eth0\";\n  fixed-address 192.0.2.100;\n  option subnet-mask 255.255.255.0;\n" +
			"  option dhcp-server-identifier 192.0.2.1;\n  renew 4 2099/01/01 00:00:00;\n  rebind 4 2099/01/01 00:00:00;\n" +
			"  expire 4 2099/01/01 00:00:00;\n}\n"
		d, reasons := startDhclientLease(t, dl, true, lease)
		ctx := waitCtx(t, 60*time.Second)
		if err := lab.WaitFor(ctx, 10*time.Millisecond, fileContains(reasons, "V6ONLY")); err != nil {
			t.Fatalf("dhclient never ran its script with reason V6ONLY: %v\n%s\ncapture:\n%s", err, d.Log(), cp.summary())
		}
		cp.sync(t)
		t.Logf("capture:\n%s", cp.summary())
		reqs, acks := cp.messages(dhcpv4.MessageTypeRequest), cp.messages(dhcpv4.MessageTypeAck)
		if len(reqs) == 0 || !dhcpv4opt108.Requested(reqs[0]) || len(acks) == 0 {
			t.Fatalf("want an INIT-REBOOT REQUEST asking for 108 and an ACK:\n%s", cp.summary())
		}
		if o, p := dhcpv4opt108.Lookup(acks[0]); p != dhcpv4opt108.Valid || o.Seconds != 1800 {
			t.Errorf("ACK carries 108 %v %v, want valid 1800 s", p, o)
		}
		if b, _ := os.ReadFile(reasons); strings.Contains(string(b), "REBOOT") || strings.Contains(string(b), "BOUND") {
			t.Errorf("dhclient took the lease anyway: reasons %q", b)
		}
	})
	t.Run("does not ask: lease, no 108", func(t *testing.T) {
		dl := newDHCPLink(t)
		startOurServer(t, dl, v6onlyserver.Options{V6OnlyWait: 1800})
		cp := startCapture(t, dl.cli, "eth0")
		d, reasons := startDhclient(t, dl, false)
		ctx := waitCtx(t, 60*time.Second)
		if err := lab.WaitFor(ctx, 10*time.Millisecond, fileContains(reasons, "BOUND")); err != nil {
			t.Fatalf("dhclient never bound: %v\n%s\ncapture:\n%s", err, d.Log(), cp.summary())
		}
		requireLeaseWithout108(t, cp)
	})
}

func startDhcpcd(t *testing.T, dl *dhcpLink, ask bool) (*lab.Daemon, string) {
	t.Helper()
	sdktest.RequireCommands(t, "dhcpcd", "unshare", "mount")
	dir := dl.l.Dir
	script, reasons := hookScript(t, dir, "dhcpcd")
	conf := "ipv4only\nnoipv4ll\nnoarp\nnodelay\nscript " + script + "\n"
	if ask {
		conf += render(t, dhcpv4opt108.Dhcpcd, 0)
	}
	confPath := writeFile(t, filepath.Join(dir, "dhcpcd.conf"), conf, 0o644)
	// dhcpcd keeps leases in /var/lib/dhcpcd and its pid and socket in
	// /run/dhcpcd: give it a private mount namespace with tmpfs over both,
	// so nothing on the host is touched.
	sh := "mount -t tmpfs v6kit-dhcpcd /var/lib/dhcpcd && mount -t tmpfs v6kit-run /run && mkdir -p /run/dhcpcd && " +
		"exec dhcpcd -B -d -f " + confPath + " eth0"
	d, err := dl.cli.Start(lab.DaemonSpec{
		Name: "dhcpcd",
		Args: []string{"unshare", "-m", "--propagation", "private", "sh", "-c", sh},
	})
	if err != nil {
		t.Fatal(err)
	}
	return d, reasons
}

func TestInteropOurServerDhcpcd(t *testing.T) {
	t.Run("asks for 108: stops without REQUEST", func(t *testing.T) {
		dl := newDHCPLink(t)
		startOurServer(t, dl, v6onlyserver.Options{V6OnlyWait: 1800})
		cp := startCapture(t, dl.cli, "eth0")
		d, _ := startDhcpcd(t, dl, true)
		ctx := waitCtx(t, 60*time.Second)
		if err := d.WaitLog(ctx, "IPv6-Only Preferred received (1800 seconds)"); err != nil {
			t.Fatalf("%v\ncapture:\n%s", err, cp.summary())
		}
		requireStoppedWithoutRequest(t, cp, 1800)
	})
	t.Run("does not ask: lease, no 108", func(t *testing.T) {
		dl := newDHCPLink(t)
		startOurServer(t, dl, v6onlyserver.Options{V6OnlyWait: 1800})
		cp := startCapture(t, dl.cli, "eth0")
		d, reasons := startDhcpcd(t, dl, false)
		ctx := waitCtx(t, 60*time.Second)
		if err := lab.WaitFor(ctx, 10*time.Millisecond, fileContains(reasons, "BOUND")); err != nil {
			t.Fatalf("dhcpcd never bound: %v\n%s\ncapture:\n%s", err, d.Log(), cp.summary())
		}
		requireLeaseWithout108(t, cp)
	})
}

// probe runs v6only-probe's Run in the client namespace and returns its
// JSON report, checking it sent no REQUEST.
func probe(t *testing.T, dl *dhcpLink) map[string]any {
	t.Helper()
	return probeRA(t, dl, 200*time.Millisecond)
}

func probeRA(t *testing.T, dl *dhcpLink, raWait time.Duration) map[string]any {
	t.Helper()
	cp := startCapture(t, dl.cli, "eth0")
	var out bytes.Buffer
	err := dl.cli.Run(func() error {
		return v6onlyprobe.Run(context.Background(), v6onlyprobe.Options{
			Interface: "eth0", JSON: true, Timeout: 30 * time.Second, RAWait: raWait,
		}, &out)
	})
	if err != nil {
		t.Fatalf("v6only-probe: %v\ncapture:\n%s", err, cp.summary())
	}
	var rep map[string]any
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("probe output %q: %v", out.String(), err)
	}
	cp.sync(t)
	t.Logf("probe: %s\ncapture:\n%s", out.String(), cp.summary())
	if reqs := cp.messages(dhcpv4.MessageTypeRequest); len(reqs) != 0 {
		t.Errorf("the probe sent %d REQUEST(s):\n%s", len(reqs), cp.summary())
	}
	if d := cp.messages(dhcpv4.MessageTypeDiscover); len(d) == 0 || !dhcpv4opt108.Requested(d[0]) {
		t.Errorf("the probe's DISCOVER does not ask for 108:\n%s", cp.summary())
	}
	return rep
}

// checkReport compares the contract's keys of a probe report.
func checkReport(t *testing.T, rep map[string]any, offeredPrefix string, present bool, raw, eff any) {
	t.Helper()
	if rep["server"] != "192.0.2.1" {
		t.Errorf("server = %v, want 192.0.2.1", rep["server"])
	}
	if off, _ := rep["offered"].(string); !strings.HasPrefix(off, offeredPrefix) {
		t.Errorf("offered = %v, want %s…", rep["offered"], offeredPrefix)
	}
	if rep["option108"] != present || rep["v6only_wait_s"] != raw || rep["effective_wait_s"] != eff {
		t.Errorf("option108=%v v6only_wait_s=%v effective_wait_s=%v, want %v %v %v",
			rep["option108"], rep["v6only_wait_s"], rep["effective_wait_s"], present, raw, eff)
	}
}

func TestInteropDnsmasqProbe(t *testing.T) {
	sdktest.RequireCommands(t, "dnsmasq")
	tests := []struct {
		name    string
		snippet func(t *testing.T) string
		wait    uint32
	}{
		{name: "named", snippet: func(t *testing.T) string { return render(t, dhcpv4opt108.Dnsmasq, 1800) }, wait: 1800},
		{name: "numeric hex", snippet: func(t *testing.T) string { return render(t, dhcpv4opt108.DnsmasqNumeric, 1800) }, wait: 1800},
		{name: "zero", snippet: func(t *testing.T) string { return render(t, dhcpv4opt108.Dnsmasq, 0) }, wait: 0},
		// The seed's OpenWrt form: dnsmasq 2.90 sends V6ONLY_WAIT 0, so
		// clients wait 300 s whatever was meant.
		{name: "seed 0000i sends 0", snippet: func(t *testing.T) string { return "dhcp-option=108,0000i\n" }, wait: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dl := newDHCPLink(t)
			dir := dl.l.Dir
			conf := "port=0\ninterface=eth0\nbind-interfaces\ndhcp-range=192.0.2.100,192.0.2.150,12h\n" +
				"dhcp-leasefile=" + filepath.Join(dir, "dnsmasq.leases") + "\npid-file=" + filepath.Join(dir, "dnsmasq.pid") +
				"\nlog-dhcp\nlog-facility=-\nno-ping\n" + tt.snippet(t)
			confPath := writeFile(t, filepath.Join(dir, "dnsmasq.conf"), conf, 0o644)
			_, err := dl.srv.Start(lab.DaemonSpec{
				Name:  "dnsmasq",
				Args:  []string{"dnsmasq", "-k", "-C", confPath},
				Ready: func(d *lab.Daemon) (bool, error) { return strings.Contains(d.Log(), "DHCP, IP range"), nil },
			})
			if err != nil {
				t.Fatal(err)
			}
			rep := probe(t, dl)
			eff := max(float64(tt.wait), 300)
			checkReport(t, rep, "192.0.2.1", true, float64(tt.wait), eff)
			if p := legacyOffer(t, dl); p != dhcpv4opt108.Absent {
				t.Errorf("dnsmasq sent 108 (%v) to a client that did not ask", p)
			}
		})
	}
}

func TestInteropKeaProbe(t *testing.T) {
	sdktest.RequireCommands(t, "kea-dhcp4")
	dl := newDHCPLink(t)
	dir := dl.l.Dir
	conf := `{"Dhcp4": {
  "interfaces-config": {"interfaces": ["eth0"], "dhcp-socket-type": "raw"},
  "lease-database": {"type": "memfile", "persist": false},
  "valid-lifetime": 3600,
  "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
    "pools": [{"pool": "192.0.2.100 - 192.0.2.150"}],
    "option-data": [` + strings.TrimSpace(render(t, dhcpv4opt108.Kea, 1800)) + `]}],
  "loggers": [{"name": "kea-dhcp4", "output_options": [{"output": "stdout"}], "severity": "INFO"}]
}}`
	confPath := writeFile(t, filepath.Join(dir, "kea-dhcp4.conf"), conf, 0o644)
	_, err := dl.srv.Start(lab.DaemonSpec{
		Name:  "kea-dhcp4",
		Args:  []string{"kea-dhcp4", "-c", confPath},
		Env:   []string{"KEA_PIDFILE_DIR=" + dir, "KEA_LOCKFILE_DIR=" + dir},
		Ready: func(d *lab.Daemon) (bool, error) { return strings.Contains(d.Log(), "DHCP4_STARTED"), nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, probe(t, dl), "192.0.2.1", true, float64(1800), float64(1800))
	if p := legacyOffer(t, dl); p != dhcpv4opt108.Absent {
		t.Errorf("Kea sent 108 (%v) to a client that did not ask", p)
	}

}

func TestInteropISCDhcpdProbe(t *testing.T) {
	sdktest.RequireCommands(t, "dhcpd")
	dl := newDHCPLink(t)
	dir := dl.l.Dir
	conf := "default-lease-time 3600;\nmax-lease-time 7200;\n" +
		"subnet 192.0.2.0 netmask 255.255.255.0 {\n  range 192.0.2.100 192.0.2.150;\n  option routers 192.0.2.1;\n" +
		render(t, dhcpv4opt108.ISCDhcpd, 1800) + "}\n"
	confPath := writeFile(t, filepath.Join(dir, "dhcpd.conf"), conf, 0o644)
	leases := writeFile(t, filepath.Join(dir, "dhcpd.leases"), "", 0o644)
	_, err := dl.srv.Start(lab.DaemonSpec{
		Name:  "dhcpd",
		Args:  []string{"dhcpd", "-4", "-f", "-d", "-cf", confPath, "-lf", leases, "-pf", filepath.Join(dir, "dhcpd.pid"), "eth0"},
		Ready: func(d *lab.Daemon) (bool, error) { return strings.Contains(d.Log(), "Sending on"), nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, probe(t, dl), "192.0.2.1", true, float64(1800), float64(1800))
	if p := legacyOffer(t, dl); p != dhcpv4opt108.Absent {
		t.Errorf("ISC dhcpd sent 108 (%v) to a client that did not ask", p)
	}
}

// startTestServer serves h with a dhcpv4opt108.Server on eth0 of the server
// namespace: a server4 server for replies no real server sends.
func startTestServer(t *testing.T, dl *dhcpLink, h server4.Handler) {
	t.Helper()
	var conn net.PacketConn
	if err := dl.srv.Run(func() error {
		var err error
		conn, err = server4.NewIPv4UDPConn("eth0", &net.UDPAddr{Port: dhcpv4.ServerPort})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	s, err := dhcpv4opt108.NewServer(conn, h, 1)
	if err != nil {
		t.Fatal(err)
	}
	go func() { errc <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("Serve: %v", err)
		}
		conn.Close()
	})
}

// oddServer offers 192.0.2.100 (or 0.0.0.0 with zero) with option 108
// carrying v108 as is, and ACKs every REQUEST.
func oddServer(v108 []byte, zero bool) server4.Handler {
	return func(conn net.PacketConn, peer net.Addr, req *dhcpv4.DHCPv4) {
		mt := dhcpv4.MessageTypeOffer
		if req.MessageType() == dhcpv4.MessageTypeRequest {
			mt = dhcpv4.MessageTypeAck
		}
		yi := net.IPv4(192, 0, 2, 100)
		if zero {
			yi = net.IPv4zero
		}
		resp, err := dhcpv4.NewReplyFromRequest(req, dhcpv4.WithMessageType(mt), dhcpv4.WithYourIP(yi),
			dhcpv4.WithServerIP(net.IPv4(192, 0, 2, 1)),
			dhcpv4.WithOption(dhcpv4.OptServerIdentifier(net.IPv4(192, 0, 2, 1))),
			dhcpv4.WithNetmask(net.CIDRMask(24, 32)), dhcpv4.WithLeaseTime(3600))
		if err != nil {
			return
		}
		if v108 != nil {
			resp.UpdateOption(dhcpv4.OptGeneric(dhcpv4.OptionIPv6OnlyPreferred, v108))
		}
		_, _ = conn.WriteTo(resp.ToBytes(), peer)
	}
}

func TestInteropOddOffers(t *testing.T) {
	tests := []struct {
		name    string
		v108    []byte
		zero    bool
		offered string
		status  string
		raw     any
		eff     any
	}{
		{name: "length 5", v108: []byte{0, 0, 7, 8, 0}, offered: "192.0.2.100", status: "malformed"},
		{name: "length 3", v108: []byte{0, 7, 8}, offered: "192.0.2.100", status: "malformed"},
		{name: "zero length", v108: []byte{}, offered: "192.0.2.100", status: "malformed"},
		{name: "0.0.0.0 with 108", v108: []byte{0, 0, 7, 8}, zero: true, offered: "0.0.0.0", status: "valid", raw: float64(1800), eff: float64(1800)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dl := newDHCPLink(t)
			startTestServer(t, dl, oddServer(tt.v108, tt.zero))
			rep := probe(t, dl)
			if rep["offered"] != tt.offered || rep["option108"] != true || rep["option108_status"] != tt.status ||
				rep["v6only_wait_s"] != tt.raw || rep["effective_wait_s"] != tt.eff {
				t.Errorf("report %v, want offered %s, 108 %s (%v, %v)", rep, tt.offered, tt.status, tt.raw, tt.eff)
			}
		})
	}
}

// TestInteropAcquire runs the client flow on nclient4: a malformed 108 is
// ignored (DISCOVER, REQUEST, lease); a valid one stops before REQUEST.
func TestInteropAcquire(t *testing.T) {
	tests := []struct {
		name     string
		v108     []byte
		v6only   bool
		requests int
	}{
		{name: "malformed 108: lease", v108: []byte{0, 0, 7, 8, 0}, requests: 1},
		{name: "valid 108: IPv6-only", v108: []byte{0, 0, 7, 8}, v6only: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dl := newDHCPLink(t)
			startTestServer(t, dl, oddServer(tt.v108, false))
			cp := startCapture(t, dl.cli, "eth0")
			var c *nclient4.Client
			if err := dl.cli.Run(func() error {
				var err error
				c, err = nclient4.New("eth0", nclient4.WithTimeout(2*time.Second), nclient4.WithRetry(10))
				return err
			}); err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			r, err := dhcpv4opt108.Acquire(waitCtx(t, 30*time.Second), c, true)
			if err != nil {
				t.Fatal(err)
			}
			cp.sync(t)
			if r.V6Only() != tt.v6only || len(cp.messages(dhcpv4.MessageTypeRequest)) != tt.requests {
				t.Errorf("result %v; capture:\n%s", r, cp.summary())
			}
			for _, m := range cp.messages(dhcpv4.MessageTypeRequest) {
				if !dhcpv4opt108.Requested(m) {
					t.Errorf("a capable client's REQUEST does not ask for 108")
				}
			}
		})
	}
}

// startRouter answers every Router Solicitation on the server's eth0 with
// an RA carrying PREF64 64:ff9b::/96 and RDNSS 2001:db8:1:2::53 (radvd
// 2.19 here predates its nat64prefix).
func startRouter(t *testing.T, dl *dhcpLink) {
	t.Helper()
	var c *mdndp.Conn
	if err := dl.srv.Run(func() error {
		ifi, err := net.InterfaceByName("eth0")
		if err != nil {
			return err
		}
		if c, _, err = mdndp.Listen(ifi, mdndp.LinkLocal); err != nil {
			return err
		}
		return c.JoinGroup(netip.MustParseAddr("ff02::2"))
	}); err != nil {
		t.Fatal(err)
	}
	ra := &mdndp.RouterAdvertisement{
		CurrentHopLimit: 64, RouterLifetime: 30 * time.Minute,
		Options: []mdndp.Option{
			&mdndp.PREF64{Prefix: netip.MustParsePrefix("64:ff9b::/96"), Lifetime: 1800 * time.Second},
			&mdndp.RecursiveDNSServer{Lifetime: time.Hour, Servers: []netip.Addr{netip.MustParseAddr("2001:db8:1:2::53")}},
		},
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			m, _, _, err := c.ReadFrom()
			if err != nil {
				return
			}
			if _, ok := m.(*mdndp.RouterSolicitation); ok {
				_ = c.WriteTo(ra, nil, netip.MustParseAddr("ff02::1"))
			}
		}
	}()
	t.Cleanup(func() {
		c.Close()
		<-done
	})
}

// TestInteropReady is the whole check: our server with -zero-yiaddr and a
// router advertising PREF64 and RDNSS make the probe say "ready".
func TestInteropReady(t *testing.T) {
	dl := newDHCPLink(t)
	startOurServer(t, dl, v6onlyserver.Options{V6OnlyWait: 1800, ZeroYIAddr: true})
	startRouter(t, dl)
	rep := probeRA(t, dl, time.Second)
	checkReport(t, rep, "0.0.0.0", true, float64(1800), float64(1800))
	if fmt.Sprint(rep["pref64"]) != "[64:ff9b::/96]" || fmt.Sprint(rep["rdnss"]) != "[2001:db8:1:2::53]" || rep["ready"] != true {
		t.Errorf("pref64 %v rdnss %v ready %v, want [64:ff9b::/96] [2001:db8:1:2::53] true", rep["pref64"], rep["rdnss"], rep["ready"])
	}
}

// TestInteropNetworkdProbe runs systemd-networkd 252's DHCP server with the
// NetworkdSendOption snippet (252 predates IPv6OnlyPreferredSec=), in a
// private mount namespace as PEERS.md describes.
func TestInteropNetworkdProbe(t *testing.T) {
	sdktest.RequireCommands(t, "/lib/systemd/systemd-networkd", "unshare", "mount")
	dl := newDHCPLink(t)
	dir := dl.l.Dir
	// The server end gets its address from networkd itself.
	if err := dl.srv.IP("addr", "flush", "dev", "eth0", "scope", "global"); err != nil {
		t.Fatal(err)
	}
	snippet := render(t, dhcpv4opt108.NetworkdSendOption, 1800)
	network := "[Match]\nName=eth0\n\n[Network]\nAddress=192.0.2.1/24\nDHCPServer=yes\nLinkLocalAddressing=no\nIPv6AcceptRA=no\n\n" +
		strings.Replace(snippet, "[DHCPServer]\n", "[DHCPServer]\nPoolOffset=100\nPoolSize=50\n", 1)
	writeFile(t, filepath.Join(dir, "eth0.network"), network, 0o644)
	writeFile(t, filepath.Join(dir, "machine-id"), "0123456789abcdef0123456789abcdef\n", 0o444)
	sh := "set -e; mount -t tmpfs v6kit-run-systemd /run/systemd; mkdir -p /run/systemd/network /run/systemd/netif; " +
		"chown systemd-network:systemd-network /run/systemd/netif; " +
		"mount -t tmpfs v6kit-etc-network /etc/systemd/network; " +
		"cp " + filepath.Join(dir, "eth0.network") + " /run/systemd/network/; " +
		"mount --bind " + filepath.Join(dir, "machine-id") + " /etc/machine-id; " +
		"mount -o remount,ro /sys; exec /lib/systemd/systemd-networkd"
	_, err := dl.srv.Start(lab.DaemonSpec{
		Name: "systemd-networkd",
		Args: []string{"unshare", "-m", "--propagation", "private", "sh", "-c", sh},
		Env:  []string{"SYSTEMD_LOG_LEVEL=debug", "SYSTEMD_LOG_TARGET=console"},
		Ready: func(d *lab.Daemon) (bool, error) {
			return strings.Contains(d.Log(), "DHCPv4 server: STARTED") || strings.Contains(d.Log(), "Starting DHCPv4 server"), nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, probe(t, dl), "192.0.2.1", true, float64(1800), float64(1800))
	// SendOption= is unconditional: networkd 252 sends 108 to a client that
	// did not ask, which RFC 8925, Section 3.3 forbids. Pinned here so the
	// warning on NetworkdSendOption stays true.
	if p := legacyOffer(t, dl); p != dhcpv4opt108.Valid {
		t.Errorf("networkd 252 sent 108 %v to a client that did not ask; want valid (unconditional SendOption=)", p)
	}
}

// legacyOffer sends a DISCOVER that does not ask for 108 from the client
// namespace and returns option 108 of the OFFER.
func legacyOffer(t *testing.T, dl *dhcpLink) dhcpv4opt108.Presence {
	t.Helper()
	var c *nclient4.Client
	if err := dl.cli.Run(func() error {
		var err error
		c, err = nclient4.New("eth0", nclient4.WithTimeout(2*time.Second), nclient4.WithRetry(10))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	offer, err := c.DiscoverOffer(waitCtx(t, 30*time.Second))
	if err != nil {
		t.Fatalf("legacy DISCOVER: %v", err)
	}
	_, p := dhcpv4opt108.Lookup(offer)
	return p
}
