package slaac

import (
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"
)

func TestParseKernelConf(t *testing.T) {
	c, err := ParseKernelConf("eth0", map[string]string{"addr_gen_mode": "2\n", "stable_secret": "", "default/stable_secret": "2001:db8::1\n", "use_tempaddr": "2\n"})
	if err != nil {
		t.Fatal(err)
	}
	if c.AddrGenMode != AddrGenStablePrivacy || c.SecretFrom != "net.ipv6.conf.default.stable_secret" || c.IDGenRetries != 3 || !c.Autoconf || c.UseTempAddr != 2 {
		t.Errorf("conf = %+v", c)
	}
	p, on := c.TempProfile()
	if !on || p.RegenAdvance != 5*time.Second || p.ValidLifetime != 7*24*time.Hour || p.MaxDesyncFactor != 600*time.Second {
		t.Errorf("TempProfile = %+v, %v; want the Linux defaults", p, on)
	}
	if _, err := ParseKernelConf("eth0", map[string]string{"addr_gen_mode": "4"}); err == nil {
		t.Error("addr_gen_mode 4 accepted")
	}
	var pe *ParseError
	if _, err := ParseKernelConf("eth0", map[string]string{"stable_secret": "zz"}); !errors.As(err, &pe) || pe.Type != "sysctl stable_secret" || !errors.Is(err, ErrSecret) {
		t.Errorf("bad secret: %v", err)
	}
}

func kernelHost(mode AddrGenMode, secretFrom string) *Host {
	k, _ := ParseKernelConf("eth0", nil)
	k.AddrGenMode, k.SecretFrom = mode, secretFrom
	k.Secret, _ = ParseLinuxSecret("2001:db8::1")
	return &Host{IfName: "eth0", MAC: net.HardwareAddr{0x02, 0x11, 0x22, 0x33, 0x44, 0x55}, Kernel: k}
}

func TestHostKernelRules(t *testing.T) {
	p := netip.MustParsePrefix("2001:db8:1:2::/64")
	secret, _ := ParseLinuxSecret("2001:db8::1")
	stable, _, _ := Form(&Linux{Secret: secret}, p, nil)
	tests := []struct {
		name    string
		h       *Host
		want    string // address, or "" with err
		ll      string
		rule    string
		err, le error
	}{
		{"eui64", kernelHost(AddrGenEUI64, ""), "2001:db8:1:2:11:22ff:fe33:4455", "fe80::11:22ff:fe33:4455", "eui64", nil, nil},
		{"none still forms EUI-64 globals", kernelHost(AddrGenNone, ""), "2001:db8:1:2:11:22ff:fe33:4455", "", "eui64", nil, ErrNoAddress},
		{"stable-privacy", kernelHost(AddrGenStablePrivacy, "net.ipv6.conf.eth0.stable_secret"), stable.String(), "", "linux-stable-privacy", nil, nil},
		{"stable-privacy from default", kernelHost(AddrGenStablePrivacy, "net.ipv6.conf.default.stable_secret"), stable.String(), "", "linux-stable-privacy", nil, nil},
		{"stable-privacy without secret", kernelHost(AddrGenStablePrivacy, ""), "", "", "", ErrNoAddress, ErrNoAddress},
		{"random drawn", kernelHost(AddrGenRandom, "net.ipv6.conf.eth0.stable_secret"), stable.String(), "", "linux-random", nil, nil},
		{"random not drawn", kernelHost(AddrGenRandom, "net.ipv6.conf.default.stable_secret"), "", "", "", ErrSecret, ErrSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := tt.h.Rules()
			if !errors.Is(err, tt.err) {
				t.Fatalf("Rules error %v, want %v", err, tt.err)
			}
			if err == nil {
				if len(rs) != 1 || rs[0].Name != tt.rule {
					t.Fatalf("rules %+v", rs)
				}
				a, _, err := Form(rs[0].Generator, p, nil)
				if err != nil || a.String() != tt.want {
					t.Errorf("address %v, %v; want %s", a, err, tt.want)
				}
			}
			r, err := tt.h.LinkLocalRule()
			if !errors.Is(err, tt.le) {
				t.Fatalf("LinkLocalRule error %v, want %v", err, tt.le)
			}
			if err == nil && tt.ll != "" {
				iid, _, _ := r.Generator.IID(netip.MustParsePrefix("fe80::/64"), 0)
				if got := LinkLocal(iid).String(); got != tt.ll {
					t.Errorf("link-local %s, want %s", got, tt.ll)
				}
			}
		})
	}
	off := kernelHost(AddrGenEUI64, "")
	off.Kernel.AcceptRA = 0
	if _, err := off.Rules(); !errors.Is(err, ErrNoAddress) {
		t.Errorf("accept_ra 0: %v", err)
	}
}

// TestHostNetworkManager predicts NetworkManager's address from its files,
// held to the vector of TestNetworkManager (NetworkManager's own test).
func TestHostNetworkManager(t *testing.T) {
	conn, err := ParseNMConnection([]byte("[connection]\nid=x\nuuid=6b138152-9f3e-4b97-aaf7-e6e553f2a24e\ntype=ethernet\n[ipv6]\nmethod=auto\naddr-gen-mode=stable-privacy\n"))
	if err != nil {
		t.Fatal(err)
	}
	h := &Host{IfName: "eth666", Manager: ManagerNetworkManager, NM: &NMHost{Connection: conn, HostID: []byte("key")}}
	rs, err := h.Rules()
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := Form(rs[0].Generator, netip.MustParsePrefix("1234::/64"), nil)
	if err != nil || a.String() != "1234::4ceb:14cd:3d54:793f" || rs[0].Name != "nm-stable-privacy" {
		t.Errorf("NM rule %+v forms %v, %v", rs[0], a, err)
	}
	// A stable-id set globally, and default${CONNECTION} by version.
	h.NM.Conf = NMConf{StableID: "default${CONNECTION}", HasStableID: true}
	for v, want := range map[NMVersion]NMStableType{NM142: NMStableGenerated, NM144: NMStableUUID, {}: NMStableUUID} {
		h.NM.Version = v
		rs, err := h.Rules()
		if err != nil || rs[0].Generator.(*NetworkManager).StableType != want {
			t.Errorf("%v: %+v, %v; want type %v", v, rs, err, want)
		}
	}
	// The default addr-gen-mode: default-or-eui64 means eui64 unless
	// NetworkManager.conf says otherwise.
	h.NM.Connection.AddrGenMode = ""
	h.MAC = net.HardwareAddr{0x02, 0x11, 0x22, 0x33, 0x44, 0x55}
	if rs, _ := h.Rules(); rs[0].Name != "nm-eui64" {
		t.Errorf("absent addr-gen-mode: %s", rs[0].Name)
	}
	h.NM.Conf.AddrGenMode = "1"
	if rs, _ := h.Rules(); rs[0].Name != "nm-stable-privacy" {
		t.Errorf("global stable-privacy: %s", rs[0].Name)
	}
	h.NM.Connection.Token = "::1:2"
	if rs, _ := h.Rules(); rs[0].Name != "nm-token" {
		t.Errorf("token without addr-gen-mode: %s", rs[0].Name)
	}
	if r, _ := h.LinkLocalRule(); r.Name != "nm-eui64" {
		t.Errorf("token link-local: %s, want nm-eui64 (the link-local ignores the token)", r.Name)
	}
	h.NM.Connection.StableID, h.NM.Connection.HasStableID, h.NM.Connection.AddrGenMode = "${RANDOM}", true, "stable-privacy"
	if _, err := h.Rules(); !errors.Is(err, ErrNoAddress) {
		t.Errorf("${RANDOM}: %v", err)
	}
}

func TestHostNetworkd(t *testing.T) {
	n, err := ParseNetworkdNetwork([]byte("[Network]\nIPv6LinkLocalAddressGenerationMode=stable-privacy\n[IPv6AcceptRA]\nToken=prefixstable:2002:da8:1::,86b123b969ba4b7eb8b3d8605123525a\nToken=static:::1\n"))
	if err != nil {
		t.Fatal(err)
	}
	mid, _ := ParseMachineID("3d1a0c6b5f2e4a7f9c8b7a6d5e4f3a2b")
	h := &Host{IfName: "veth99", MAC: net.HardwareAddr{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc}, Manager: ManagerNetworkd, Networkd: &NetworkdHost{NetworkFile: "x.network", Network: n, MachineID: mid}}
	rs, err := h.Rules()
	if err != nil || len(rs) != 2 {
		t.Fatalf("rules %+v, %v", rs, err)
	}
	p := netip.MustParsePrefix("2002:da8:1::/64")
	// systemd's integration-test vector (see ExampleNetworkd).
	if a, _, err := Form(rs[0].Generator, p, nil); err != nil || a.String() != "2002:da8:1:0:b47e:7975:fc7a:7d6e" || !rs[0].Applies(p) || rs[0].Applies(netip.MustParsePrefix("2001:db8::/64")) {
		t.Errorf("prefixstable: %v, %v", a, err)
	}
	if a, _, _ := Form(rs[1].Generator, p, nil); a.String() != "2002:da8:1::1" {
		t.Errorf("static: %v", a)
	}
	ll, err := h.LinkLocalRule()
	if err != nil || ll.Name != "networkd-stable-privacy" {
		t.Errorf("link-local %+v, %v", ll, err)
	}
}
