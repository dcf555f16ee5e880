package dhcpv4opt108_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/v6kit/v6kit/dhcpv4opt108"
	v6onlyserver "github.com/v6kit/v6kit/internal/cmd/v6only-server"
	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/sdktest"
)

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
