package v6onlyserver

import (
	"errors"
	"iter"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/insomniacslk/dhcp/dhcpv4"
)

var (
	first = netip.MustParseAddr("192.0.2.100")
	last  = netip.MustParseAddr("192.0.2.199")
	t0    = time.Unix(1_800_000_000, 0)
)

func addr(s string) netip.Addr { return netip.MustParseAddr(s) }

// leaseMap is a pool's leases as "mac": "addr".
func leaseMap(p *pool, now time.Time) map[string]string {
	m := map[string]string{}
	for _, l := range p.leases(now) {
		m[l.mac] = l.addr.String()
	}
	return m
}

func TestLeaseFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "v6only.leases") // the directory is created
	p := newPool(first, last)
	lf, err := openLeases(path, p, t0)
	if err != nil {
		t.Fatal(err)
	}
	for i, mac := range []string{"02:00:5e:00:53:01", "02:00:5e:00:53:02", "02:00:5e:00:53:03"} {
		a, _ := p.reserve([]byte(mac), offerHold, t0)
		l, ok := p.lease([]byte(mac), a, time.Hour*time.Duration(i+1), t0)
		if !ok {
			t.Fatal("lease refused")
		}
		if err := lf.commit(l); err != nil {
			t.Fatal(err)
		}
	}
	if a, leased := p.release([]byte("02:00:5e:00:53:02")); !leased || lf.release("02:00:5e:00:53:02", a, nil) != nil {
		t.Fatal("release")
	}
	p.reserve([]byte("02:00:5e:00:53:04"), offerHold, t0) // an offer: not persisted
	lf.Close()

	// A restart, two hours on: the first lease (1 h) has expired.
	p2 := newPool(first, last)
	lf2, err := openLeases(path, p2, t0.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer lf2.Close()
	if diff := cmp.Diff(map[string]string{"02:00:5e:00:53:03": "192.0.2.102"}, leaseMap(p2, t0.Add(2*time.Hour))); diff != "" {
		t.Errorf("leases after restart (-want +got):\n%s", diff)
	}
	// The file was compacted: only the live lease is left.
	b, _ := os.ReadFile(path)
	if want := leaseHeader + "ack 02:00:5e:00:53:03 192.0.2.102 " + itoa(t0.Add(3*time.Hour).Unix()) + "\n"; string(b) != want {
		t.Errorf("compacted file:\n%s\nwant:\n%s", b, want)
	}
	// The restored client keeps its address; a new one does not get it.
	if a, _ := p2.reserve([]byte("02:00:5e:00:53:03"), offerHold, t0.Add(2*time.Hour)); a != addr("192.0.2.102") {
		t.Errorf("restored client offered %v", a)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestReadLeases(t *testing.T) {
	exp := itoa(t0.Unix())
	tests := []struct {
		name string
		in   string
		want map[string]string
		err  string
	}{
		{"torn last line is a write that never finished", leaseHeader + "ack 02:00:5e:00:53:01 192.0.2.100 " + exp + "\nack 02:00:5e:00:53:02 192.0.2.1", map[string]string{"02:00:5e:00:53:01": "192.0.2.100"}, ""},
		{"renewal and move", "ack 02:00:5e:00:53:01 192.0.2.100 " + exp + "\nack 02:00:5e:00:53:01 192.0.2.101 " + exp + "\n", map[string]string{"02:00:5e:00:53:01": "192.0.2.101"}, ""},
		{"an address re-leased to another client", "ack 02:00:5e:00:53:01 192.0.2.100 " + exp + "\nack 02:00:5e:00:53:02 192.0.2.100 " + exp + "\n", map[string]string{"02:00:5e:00:53:02": "192.0.2.100"}, ""},
		{"release", "ack 02:00:5e:00:53:01 192.0.2.100 " + exp + "\nrelease 02:00:5e:00:53:01 192.0.2.100\n", map[string]string{}, ""},
		{"release, then again", "ack 02:00:5e:00:53:01 192.0.2.100 " + exp + "\nrelease 02:00:5e:00:53:01 192.0.2.100\nack 02:00:5e:00:53:01 192.0.2.100 " + exp + "\n", map[string]string{"02:00:5e:00:53:01": "192.0.2.100"}, ""},
		{"a corrupt line in the middle", "ack 02:00:5e:00:53:01 192.0.2.100 " + exp + "\nack nonsense\nack 02:00:5e:00:53:02 192.0.2.101 " + exp + "\n", nil, `line 2: "ack nonsense" is not`},
		{"an IPv6 address", "ack 02:00:5e:00:53:01 2001:db8::1 " + exp + "\n", nil, "line 1:"},
		{"a bad expiry", "ack 02:00:5e:00:53:01 192.0.2.100 soon\n", nil, "line 1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "l")
			if err := os.WriteFile(path, []byte(tt.in), 0o644); err != nil {
				t.Fatal(err)
			}
			ls, err := readLeases(path)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, l := range ls {
				got[l.mac] = l.addr.String()
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestLeaseFileCompactsWhileServing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "l")
	p := newPool(first, last)
	lf, err := openLeases(path, p, t0)
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	lf.compactAfter = 3
	lf.live = func() iter.Seq[lease] { return p.each(t0) }
	a, _ := p.reserve([]byte("02:00:5e:00:53:01"), offerHold, t0)
	for range 10 { // renewals
		l, _ := p.lease([]byte("02:00:5e:00:53:01"), a, time.Hour, t0)
		if err := lf.commit(l); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(path)
	if n := strings.Count(string(b), "\nack "); n > 5 {
		t.Errorf("after 10 renewals of one lease the file has %d records:\n%s", n, b)
	}
	if ls, err := readLeases(path); err != nil || len(ls) != 1 || ls[0].addr != a {
		t.Errorf("readLeases = %v, %v", ls, err)
	}
}

func TestPoolRestoreAndDecline(t *testing.T) {
	p := newPool(first, last)
	p.restore(lease{mac: "a", addr: addr("192.0.2.100"), expires: t0.Add(time.Hour)}, t0)
	p.restore(lease{mac: "b", addr: addr("192.0.2.100"), expires: t0.Add(time.Hour)}, t0) // taken: ignored
	p.restore(lease{mac: "c", addr: addr("10.0.0.1"), expires: t0.Add(time.Hour)}, t0)    // outside: ignored
	p.restore(lease{mac: "d", addr: addr("192.0.2.101"), expires: t0}, t0)                // expired: ignored
	if diff := cmp.Diff(map[string]string{"a": "192.0.2.100"}, leaseMap(p, t0)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if a, _ := p.reserve([]byte("b"), offerHold, t0); a == addr("192.0.2.100") {
		t.Error("a restored lease's address was offered to another client")
	}
	p.decline([]byte("b"), time.Hour, t0)
	if a, _ := p.reserve([]byte("e"), offerHold, t0); a == addr("192.0.2.101") {
		t.Error("a declined address was offered again")
	}
}

// TestLeaseFileOtherHardwareAddrs: a client whose hardware address is not 6
// bytes (InfiniBand's 20 are cut to chaddr's 16; a serial link's may be 1)
// is leased, written and restored, instead of making the next start refuse
// the whole lease file; a client without one (hlen 0) is not answered.
func TestLeaseFileOtherHardwareAddrs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v6only.leases")
	p := newPool(first, last)
	lf, err := openLeases(path, p, t0)
	if err != nil {
		t.Fatal(err)
	}
	macs := []string{"2a", "02:00:5e", "80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03"}
	want := map[string]string{}
	for _, mac := range macs {
		a, _ := p.reserve([]byte(mac), offerHold, t0)
		l, ok := p.lease([]byte(mac), a, time.Hour, t0)
		if !ok {
			t.Fatalf("%s: lease refused", mac)
		}
		if err := lf.commit(l); err != nil {
			t.Fatal(err)
		}
		want[mac] = a.String()
	}
	lf.Close()
	p2 := newPool(first, last)
	lf2, err := openLeases(path, p2, t0)
	if err != nil {
		t.Fatalf("restart refused the lease file: %v", err)
	}
	defer lf2.Close()
	if diff := cmp.Diff(want, leaseMap(p2, t0)); diff != "" {
		t.Errorf("leases after restart (-want +got):\n%s", diff)
	}

	tw := newTwin(t, wireCases()[len(wireCases())-1].o)
	for _, hw := range []net.HardwareAddr{nil, {2, 0, 0x5e, 0, 0x53, 1}} {
		m, err := dhcpv4.New(dhcpv4.WithMessageType(dhcpv4.MessageTypeDiscover), dhcpv4.WithHwAddr(hw))
		if err != nil {
			t.Fatal(err)
		}
		rc := &recordConn{}
		tw.general(rc, &net.UDPAddr{IP: net.IPv4bcast, Port: 68}, m)
		if answered := len(rc.sent) == 1; answered != (hw != nil) {
			t.Errorf("DISCOVER from hardware address %q: answered %v, want %v", hw, answered, hw != nil)
		}
	}
}

func TestParseHWAddr(t *testing.T) {
	for s, ok := range map[string]bool{
		"2a": true, "02:00:5E:00:53:01": true, "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff": true,
		"": false, "2": false, "2a:": false, "2a:b": false, "2a-bb": false, "zz": false,
		"00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00": false,
	} {
		mac, got := parseHWAddr(s)
		if got != ok {
			t.Errorf("parseHWAddr(%q) ok = %v, want %v", s, got, ok)
		}
		if got && !strings.EqualFold(mac.String(), s) {
			t.Errorf("parseHWAddr(%q) = %v", s, mac)
		}
	}
}

// TestLeaseFileLocked: a second server on the same lease file is refused
// with an error that says so (two would hand out each other's addresses
// after a restart), and the file is free again once the first closes it.
func TestLeaseFileLocked(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("flock is checked on Linux")
	}
	path := filepath.Join(t.TempDir(), "v6only.leases")
	lf, err := openLeases(path, newPool(first, last), t0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = openLeases(path, newPool(first, last), t0)
	if !errors.Is(err, errLeasesInUse) || !strings.Contains(err.Error(), path+".lock") {
		t.Errorf("second open = %v, want errLeasesInUse naming %s.lock", err, path)
	}
	if err := lf.Close(); err != nil {
		t.Fatal(err)
	}
	lf2, err := openLeases(path, newPool(first, last), t0)
	if err != nil {
		t.Fatalf("open after the first closed: %v", err)
	}
	lf2.Close()
}
