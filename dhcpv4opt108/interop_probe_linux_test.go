package dhcpv4opt108_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/server4"
	"github.com/v6kit/v6kit/dhcpv4opt108"
	v6onlyprobe "github.com/v6kit/v6kit/internal/cmd/v6only-probe"
	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/sdktest"
)

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
