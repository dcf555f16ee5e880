package slaac

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEUI64(t *testing.T) {
	tests := []struct {
		name string
		mac  string
		want string
		err  error
	}{
		{name: "LXD container (seed article)", mac: "00:16:3e:65:2b:99", want: "216:3eff:fe65:2b99"},
		{name: "RFC 4291 App. A example universal", mac: "34:56:78:9a:bc:de", want: "3656:78ff:fe9a:bcde"},
		{name: "locally administered bit cleared", mac: "02:00:00:00:00:01", want: "0:ff:fe00:1"},
		{name: "64-bit EUI-64", mac: "00:11:22:33:44:55:66:77", want: "211:2233:4455:6677"},
		{name: "20-byte InfiniBand", mac: "00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00", err: ErrMAC},
		{name: "empty", mac: "", err: ErrMAC},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mac net.HardwareAddr
			if tt.mac != "" {
				var err error
				if mac, err = net.ParseMAC(tt.mac); err != nil {
					t.Fatal(err)
				}
			}
			got, err := EUI64(mac)
			if !errors.Is(err, tt.err) {
				t.Fatalf("EUI64 error = %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tt.want, got.String()); diff != "" {
				t.Errorf("EUI64 (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIIDMAC(t *testing.T) {
	tests := []struct {
		name string
		iid  string
		want string
		ok   bool
	}{
		{name: "EUI-64 from LXD MAC", iid: "216:3eff:fe65:2b99", want: "00:16:3e:65:2b:99", ok: true},
		{name: "local bit restored", iid: "0:ff:fe00:1", want: "02:00:00:00:00:01", ok: true},
		{name: "no ff:fe", iid: "4ceb:14cd:3d54:793f"},
		{name: "ff:ff is not EUI-48", iid: "216:3eff:ff65:2b99"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iid, err := ParseIID(tt.iid)
			if err != nil {
				t.Fatal(err)
			}
			mac, ok := iid.MAC()
			if ok != tt.ok {
				t.Fatalf("MAC ok = %v, want %v", ok, tt.ok)
			}
			got := ""
			if ok {
				got = mac.String()
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("MAC (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseIID(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   IID
		ok     bool
		offset int // of the error
	}{
		{name: "groups", in: "216:3eff:fe65:2b99", want: IID{0x02, 0x16, 0x3e, 0xff, 0xfe, 0x65, 0x2b, 0x99}, ok: true},
		{name: "address form", in: "::216:3eff:fe65:2b99", want: IID{0x02, 0x16, 0x3e, 0xff, 0xfe, 0x65, 0x2b, 0x99}, ok: true},
		{name: "zero", in: "::", ok: true},
		{name: "looks IPv4-mapped as an address", in: "0:ffff:fe30:3030", want: IID{0, 0, 0xff, 0xff, 0xfe, 0x30, 0x30, 0x30}, ok: true},
		{name: "compressed inside", in: "::1", want: IID{7: 1}, ok: true},
		{name: "too many bits", in: "1::216:3eff:fe65:2b99", offset: 0},
		{name: "three groups", in: "1:2:3", offset: 5},
		{name: "five groups", in: "1:2:3:4:5", offset: 7},
		{name: "five digits", in: "1:2:3:12345", offset: 10},
		{name: "not hex", in: "1:2:3:zz", offset: 6},
		{name: "zone", in: "::1%eth0", offset: 3},
		{name: "ipv4", in: "192.0.2.1", offset: 9},
		{name: "empty", in: "", offset: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseIID(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("ParseIID(%q) error = %v, want ok %v", tt.in, err, tt.ok)
			}
			if err != nil {
				var pe *ParseError
				if !errors.Is(err, ErrIID) || !errors.As(err, &pe) {
					t.Fatalf("error %v: want a *ParseError wrapping ErrIID", err)
				}
				if pe.Type != "IID" || pe.Offset != tt.offset {
					t.Errorf("error %v: type %q offset %d, want IID at offset %d", err, pe.Type, pe.Offset, tt.offset)
				}
				prefix := fmt.Sprintf("slaac: parse IID at offset %d: invalid interface identifier: %q: ", tt.offset, tt.in)
				if !strings.HasPrefix(err.Error(), prefix) || strings.Count(err.Error(), "slaac: ") != 1 {
					t.Errorf("error %q, want it to start with %q and name the package once", err, prefix)
				}
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseIID (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseSecretsAndMachineIDs(t *testing.T) {
	tests := []struct {
		name, in string
		parse    func(string) error
		want     string // the whole error
	}{
		{"secret not an address", "abc", secretErr, `slaac: parse stable_secret at offset 3: invalid secret key: "abc": want an IPv6 address literal such as 2001:db8::1`},
		{"secret bad byte", "2001:db8::x", secretErr, `slaac: parse stable_secret at offset 10: invalid secret key: "2001:db8::x": want an IPv6 address literal such as 2001:db8::1`},
		{"secret IPv4", "192.0.2.1", secretErr, `slaac: parse stable_secret at offset 9: invalid secret key: "192.0.2.1": want an IPv6 address literal such as 2001:db8::1`},
		{"secret zone", "fe80::1%eth0", secretErr, `slaac: parse stable_secret at offset 7: invalid secret key: "fe80::1%eth0": want an IPv6 address literal such as 2001:db8::1`},
		{"secret empty", "", secretErr, `slaac: parse stable_secret at offset 0: invalid secret key: "": want an IPv6 address literal such as 2001:db8::1`},
		{"machine ID short", "0123", machineErr, `slaac: parse machine ID at offset 4: invalid secret key: "0123": want 32 hex digits (/etc/machine-id)`},
		{"machine ID not hex", "0123456789abcdef0123456789abcdeg", machineErr, `slaac: parse machine ID at offset 31: invalid secret key: "0123456789abcdef0123456789abcdeg": want 32 hex digits (/etc/machine-id)`},
		{"machine ID long", " 0123456789abcdef0123456789abcdef0\n", machineErr, `slaac: parse machine ID at offset 33: invalid secret key: " 0123456789abcdef0123456789abcdef0\n": want 32 hex digits (/etc/machine-id)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.parse(tt.in)
			var pe *ParseError
			if !errors.Is(err, ErrSecret) || !errors.As(err, &pe) {
				t.Fatalf("error %v, want a *ParseError wrapping ErrSecret", err)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n%s\nwant\n%s", err, tt.want)
			}
		})
	}
	for _, ok := range []string{"0123456789abcdef0123456789abcdef\n", "01234567-89ab-cdef-0123-456789ABCDEF"} {
		if err := machineErr(ok); err != nil {
			t.Errorf("ParseMachineID(%q): %v", ok, err)
		}
	}
}

func secretErr(s string) error  { _, err := ParseLinuxSecret(s); return err }
func machineErr(s string) error { _, err := ParseMachineID(s); return err }

func TestAddr(t *testing.T) {
	iid := IID{0x02, 0x16, 0x3e, 0xff, 0xfe, 0x65, 0x2b, 0x99}
	tests := []struct {
		name   string
		prefix string
		want   string
		err    error
	}{
		{name: "seed LXD", prefix: "2001:db8:8011:fd44::/64", want: "2001:db8:8011:fd44:216:3eff:fe65:2b99"},
		{name: "host bits ignored", prefix: "2001:db8:1:2::1/64", want: "2001:db8:1:2:216:3eff:fe65:2b99"},
		{name: "/48", prefix: "2001:db8:1::/48", err: ErrPrefix},
		{name: "/128", prefix: "2001:db8:1::/128", err: ErrPrefix},
		{name: "IPv4", prefix: "192.0.2.0/24", err: ErrPrefix},
		{name: "zero prefix", err: ErrPrefix},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p netip.Prefix
			if tt.prefix != "" {
				p = netip.MustParsePrefix(tt.prefix)
			}
			got, err := Addr(p, iid)
			if !errors.Is(err, tt.err) {
				t.Fatalf("Addr error = %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tt.want, got.String()); diff != "" {
				t.Errorf("Addr (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLinkLocal(t *testing.T) {
	iid, _ := EUI64(net.HardwareAddr{0x00, 0x16, 0x3e, 0x65, 0x2b, 0x99})
	if got, want := LinkLocal(iid).String(), "fe80::216:3eff:fe65:2b99"; got != want {
		t.Errorf("LinkLocal = %s, want %s", got, want)
	}
	if got := IIDFrom(LinkLocal(iid)); got != iid {
		t.Errorf("IIDFrom(LinkLocal) = %v, want %v", got, iid)
	}
}

func TestReserved(t *testing.T) {
	tests := []struct {
		name string
		iid  string
		want bool
	}{
		{name: "subnet-router anycast", iid: "::", want: true},
		{name: "Ethernet block first", iid: "200:5eff:fe00:0", want: true},
		{name: "Proxy Mobile IPv6", iid: "200:5eff:fe00:5213", want: true},
		{name: "Ethernet block last", iid: "200:5eff:feff:ffff", want: true},
		{name: "just past Ethernet block", iid: "200:5eff:ff00:0"},
		{name: "just before Ethernet block", iid: "200:5eff:fdff:ffff"},
		{name: "RFC 2526 first", iid: "fdff:ffff:ffff:ff80", want: true},
		{name: "RFC 2526 last", iid: "fdff:ffff:ffff:ffff", want: true},
		{name: "just below RFC 2526", iid: "fdff:ffff:ffff:ff7f"},
		{name: "u/l bit set variant not reserved", iid: "fcff:ffff:ffff:ffff"},
		{name: "ordinary", iid: "4ceb:14cd:3d54:793f"},
		{name: "one", iid: "::1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iid, err := ParseIID(tt.iid)
			if err != nil {
				t.Fatal(err)
			}
			if got := iid.Reserved(); got != tt.want {
				t.Errorf("Reserved(%s) = %v, want %v", tt.iid, got, tt.want)
			}
			inRange := false
			for _, r := range ReservedRanges() {
				inRange = inRange || r.Contains(iid)
			}
			if inRange != tt.want {
				t.Errorf("ReservedRanges contain %s = %v, want %v", tt.iid, inRange, tt.want)
			}
		})
	}
}

func TestIIDText(t *testing.T) {
	for _, s := range []string{"0:0:0:0", "216:3eff:fe65:2b99", "ffff:ffff:ffff:ffff", "1:20:300:4000"} {
		iid, err := ParseIID(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := iid.String(); got != s {
			t.Errorf("String = %q, want %q", got, s)
		}
		var back IID
		b, _ := iid.MarshalText()
		if err := back.UnmarshalText(b); err != nil || back != iid {
			t.Errorf("text round trip of %s = %v, %v", s, back, err)
		}
		if IIDFromUint64(iid.Uint64()) != iid {
			t.Errorf("Uint64 round trip of %s", s)
		}
	}
}
