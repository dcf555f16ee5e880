package slaac

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"net"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func mustIID(t testing.TB, s string) IID {
	t.Helper()
	iid, err := ParseIID(s)
	if err != nil {
		t.Fatal(err)
	}
	return iid
}

func addrOf(t testing.TB, g Generator, prefix string, dad int) (string, int, error) {
	t.Helper()
	p := netip.MustParsePrefix(prefix)
	iid, used, err := g.IID(p, dad)
	if err != nil {
		return "", used, err
	}
	a, err := Addr(p, iid)
	if err != nil {
		t.Fatal(err)
	}
	return a.String(), used, nil
}

// TestLinux checks vectors read back from a kernel (6.18, x86-64, so
// little-endian) on a veth, whose permanent address is all zero.
func TestLinux(t *testing.T) {
	secret, err := ParseLinuxSecret("2001:db8::1")
	if err != nil {
		t.Fatal(err)
	}
	g := &Linux{Secret: secret, ByteOrder: binary.LittleEndian}
	ll, used, err := g.LinkLocal(0)
	if err != nil || used != 0 {
		t.Fatalf("LinkLocal = %v, %d, %v", ll, used, err)
	}
	if got, want := ll.String(), "fe80::88cf:4891:a68c:e03f"; got != want {
		t.Errorf("LinkLocal(secret 2001:db8::1, veth) = %s, want %s (kernel)", got, want)
	}
	// The IID for fe80::/64 through IID equals LinkLocal.
	got, _, err := addrOf(t, g, "fe80::/64", 0)
	if err != nil || got != ll.String() {
		t.Errorf("IID(fe80::/64) = %s, %v; want %s", got, err, ll)
	}
}

func TestLinuxLimits(t *testing.T) {
	g := &Linux{}
	p := netip.MustParsePrefix("2001:db8:1:2::/64")
	tests := []struct {
		name string
		g    *Linux
		dad  int
		err  error
	}{
		{name: "counter 3 allowed by default", g: g, dad: 3},
		{name: "counter 4 past idgen_retries", g: g, dad: 4, err: ErrIDGenRetries},
		{name: "idgen_retries 5", g: &Linux{IDGenRetries: 5}, dad: 5},
		{name: "negative", g: g, dad: -1, err: ErrIDGenRetries},
		{name: "perm addr too long", g: &Linux{PermAddr: make(net.HardwareAddr, 33)}, err: ErrMAC},
		{name: "InfiniBand perm addr fits", g: &Linux{PermAddr: make(net.HardwareAddr, 20)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := tt.g.IID(p, tt.dad)
			if !errors.Is(err, tt.err) {
				t.Fatalf("IID error = %v, want %v", err, tt.err)
			}
		})
	}
	if _, _, err := g.IID(netip.MustParsePrefix("2001:db8::/48"), 0); !errors.Is(err, ErrPrefix) {
		t.Errorf("IID(/48) error = %v, want ErrPrefix", err)
	}
}

// TestLinuxBlock checks the block layout and byte order independently of the
// kernel vector: the identifier is H0, H1 of one raw SHA-1 block.
func TestLinuxBlock(t *testing.T) {
	secret, _ := ParseLinuxSecret("2001:db8::1")
	perm := net.HardwareAddr{0x00, 0x16, 0x3e, 0x65, 0x2b, 0x99}
	p := netip.MustParsePrefix("2001:db8:1:2::/64")
	var block [64]byte
	copy(block[:], secret[:])
	pa := p.Addr().As16()
	copy(block[16:], pa[:8])
	copy(block[24:], perm)
	block[56] = 2
	h := sha1Block(&block)
	var le, be IID
	binary.LittleEndian.PutUint32(le[:], h[0])
	binary.LittleEndian.PutUint32(le[4:], h[1])
	binary.BigEndian.PutUint32(be[:], h[0])
	binary.BigEndian.PutUint32(be[4:], h[1])
	native := le
	if binary.NativeEndian.Uint16([]byte{0, 1}) == 1 {
		native = be
	}
	for _, tt := range []struct {
		name  string
		order binary.ByteOrder
		want  IID
	}{{"little-endian", binary.LittleEndian, le}, {"big-endian", binary.BigEndian, be}, {"this host's by default", nil, native}} {
		t.Run(tt.name, func(t *testing.T) {
			g := &Linux{Secret: secret, PermAddr: perm, ByteOrder: tt.order}
			got, used, err := g.IID(p, 2)
			if err != nil || used != 2 {
				t.Fatalf("IID = %v, %d, %v", got, used, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("IID (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLinuxReservedRetry(t *testing.T) {
	g := &Linux{}
	p := netip.MustParsePrefix("2001:db8:1:2::/64").Addr().As16()
	want, _, _ := g.iid(p, 1, linuxReserved)
	calls := 0
	first := func(IID) bool { calls++; return calls == 1 }
	got, used, err := g.iid(p, 0, first)
	if err != nil || used != 1 || got != want {
		t.Fatalf("after a reserved result: %v, %d, %v; want %v, 1", got, used, err, want)
	}
	always := func(IID) bool { return true }
	if _, _, err := g.iid(p, 0, always); !errors.Is(err, ErrIDGenRetries) {
		t.Errorf("all reserved: error %v, want ErrIDGenRetries", err)
	}
}

func TestLinuxReservedSet(t *testing.T) {
	tests := []struct {
		iid  string
		want bool
	}{
		{"::", true},
		{"200:5eff:fe00:5213", true},
		{"200:5eff:ff12:3456", true}, // broader than IANA
		{"200:5eff:fd12:3456", false},
		{"fdff:ffff:ffff:ff80", true},
		{"fdff:ffff:ffff:ff7f", false},
		{"88cf:4891:a68c:e03f", false},
	}
	for _, tt := range tests {
		if got := linuxReserved(mustIID(t, tt.iid)); got != tt.want {
			t.Errorf("linuxReserved(%s) = %v, want %v", tt.iid, got, tt.want)
		}
	}
}

// TestNetworkManager runs NetworkManager's own unit-test vectors
// (src/core/tests/test-utils.c, test_stable_privacy).
func TestNetworkManager(t *testing.T) {
	tests := []struct {
		name      string
		typ       NMStableType
		prefix    string
		networkID string
		dad       int
		want      string
	}{
		{"uuid", NMStableUUID, "1234::/64", "6b138152-9f3e-4b97-aaf7-e6e553f2a24e", 0, "1234::4ceb:14cd:3d54:793f"},
		{"empty network id, counter 384", NMStableUUID, "1::/64", "", 384, "1::11aa:2530:9144:dafa"},
		{"other prefix", NMStableUUID, "2::/64", "", 384, "2::338e:8d:c11:8726"},
		{"stable-id type", NMStableID, "1234::/64", "6b138152-9f3e-4b97-aaf7-e6e553f2a24e", 0, "1234::ad4c:ae44:3d30:af1e"},
		{"stable-id-1", NMStableID, "1234::/64", "stable-id-1", 0, "1234::4944:67b0:7a6c:1cf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &NetworkManager{StableType: tt.typ, NetworkID: tt.networkID, IfName: "eth666", HostID: []byte("key")}
			p := netip.MustParsePrefix(tt.prefix)
			// NetworkManager's own test calls the inner function, which
			// has no retry limit; so does iid.
			iid, _, err := g.iid(p.Addr().As16(), tt.dad, nmReserved)
			if err != nil {
				t.Fatal(err)
			}
			a, _ := Addr(p, iid)
			if diff := cmp.Diff(tt.want, a.String()); diff != "" {
				t.Errorf("address (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNetworkManagerLimits(t *testing.T) {
	g := &NetworkManager{NetworkID: "x", IfName: "eth0", HostID: []byte("key")}
	p := netip.MustParsePrefix("2001:db8::/64")
	if _, _, err := g.IID(p, 2); err != nil {
		t.Errorf("counter 2: %v", err)
	}
	if _, _, err := g.IID(p, 3); !errors.Is(err, ErrIDGenRetries) {
		t.Errorf("counter 3: error %v, want ErrIDGenRetries", err)
	}
	if _, _, err := g.LinkLocal(5); err != nil {
		t.Errorf("link-local counter 5: %v", err)
	}
	if _, _, err := g.LinkLocal(6); !errors.Is(err, ErrIDGenRetries) {
		t.Errorf("link-local counter 6: error %v, want ErrIDGenRetries", err)
	}
	if _, _, err := (&NetworkManager{IfName: "eth0"}).IID(p, 0); !errors.Is(err, ErrSecret) {
		t.Errorf("empty host ID: error %v, want ErrSecret", err)
	}
}

// TestNetworkManagerRehash checks the re-hash applied to a reserved digest:
// SHA-256(previous digest | be32 counter+1).
func TestNetworkManagerRehash(t *testing.T) {
	g := &NetworkManager{NetworkID: "x", IfName: "eth0", HostID: []byte("key")}
	p := netip.MustParsePrefix("2001:db8::/64").Addr().As16()
	calls := 0
	reservedOnce := func(IID) bool { calls++; return calls == 1 }
	// The first digest, computed by hand from the documented layout.
	var b []byte
	b = append(b, p[:8]...)
	b = append(b, "eth0\x00x\x00"...)
	b = binary.BigEndian.AppendUint32(b, 1)
	b = binary.BigEndian.AppendUint32(b, 3)
	b = append(b, "key"...)
	first := sha256.Sum256(b)
	re := append(first[:], 0, 0, 0, 2)
	want := sha256.Sum256(re)
	got, used, err := g.iid(p, 1, reservedOnce)
	if err != nil || used != 2 {
		t.Fatalf("iid = %v, %d, %v", got, used, err)
	}
	if diff := cmp.Diff(hex.EncodeToString(want[:8]), hex.EncodeToString(got[:])); diff != "" {
		t.Errorf("re-hashed IID (-want +got):\n%s", diff)
	}
}

func TestNMHostID(t *testing.T) {
	v2 := []byte("nm-v2:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
	tests := []struct {
		name      string
		key       []byte
		machineID string
		want      string
		err       error
	}{
		{
			// Computed with the shell pipeline quoted in NetworkManager's
			// _host_id_hash_v2 (stat -c %s; echo; cat; machine-id) | sha256sum.
			name: "v2 with machine-id", key: v2, machineID: "0123456789abcdef0123456789abcdef\n",
			want: "8179b3f627ec0791d9e22f07df85f7cf6f94f7ce7f386206618fd51652b92626",
		},
		{name: "legacy 32 bytes as is", key: []byte("0123456789abcdef0123456789abcdef"), want: hex.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))},
		{name: "v2 prefix but short is legacy", key: []byte("nm-v2:0123456789abcdef"), want: hex.EncodeToString([]byte("nm-v2:0123456789abcdef"))},
		{name: "too short", key: []byte("short"), err: ErrSecret},
		{name: "bad machine-id", key: v2, machineID: "xyz", err: ErrSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NMHostID(tt.key, tt.machineID)
			if !errors.Is(err, tt.err) {
				t.Fatalf("error = %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tt.want, hex.EncodeToString(got)); diff != "" {
				t.Errorf("host ID (-want +got):\n%s", diff)
			}
		})
	}
}

// TestExpandNMStableID runs NetworkManager's test_stable_id_parse cases
// (substitutions _DEVICE, _MAC, _BOOT, _CONNECTION) and checks the generated
// text through NMGeneratedID.
func TestExpandNMStableID(t *testing.T) {
	in := NMStableIDInput{UUID: "_CONNECTION", Device: "_DEVICE", MAC: "_MAC", BootID: "_BOOT"}
	tests := []struct {
		template string
		typ      NMStableType
		expanded string // for generated
	}{
		{"", NMStableID, ""},
		{"a", NMStableID, ""},
		{"a$", NMStableID, ""},
		{"a$x", NMStableID, ""},
		{" ${a$x", NMStableID, ""},
		{"${", NMStableID, ""},
		{"${=", NMStableID, ""},
		{"${a", NMStableID, ""},
		{"${a$x", NMStableID, ""},
		{"a$$", NMStableID, ""},
		{"a$$x", NMStableID, ""},
		{"a$${CONNECTION}", NMStableID, ""},
		{"a$${CONNECTION}x", NMStableID, ""},
		{"${CONNECTION}", NMStableGenerated, "${CONNECTION}=11{_CONNECTION}"},
		{"${${CONNECTION}", NMStableGenerated, "${${CONNECTION}=11{_CONNECTION}"},
		{"${CONNECTION}x", NMStableGenerated, "${CONNECTION}=11{_CONNECTION}x"},
		{"x${CONNECTION}", NMStableGenerated, "x${CONNECTION}=11{_CONNECTION}"},
		{"${BOOT}x", NMStableGenerated, "${BOOT}=5{_BOOT}x"},
		{"x${BOOT}", NMStableGenerated, "x${BOOT}=5{_BOOT}"},
		{"x${BOOT}${CONNECTION}", NMStableGenerated, "x${BOOT}=5{_BOOT}${CONNECTION}=11{_CONNECTION}"},
		{"xX${BOOT}yY${CONNECTION}zZ", NMStableGenerated, "xX${BOOT}=5{_BOOT}yY${CONNECTION}=11{_CONNECTION}zZ"},
		{"${MAC}x", NMStableGenerated, "${MAC}=4{_MAC}x"},
		{"${DEVICE}", NMStableGenerated, "${DEVICE}=7{_DEVICE}"},
		{"${NETWORK_SSID}", NMStableGenerated, "${NETWORK_SSID}=13{c:_CONNECTION}"},
		{"${RANDOM}", NMStableRandom, ""},
		{" ${RANDOM}", NMStableRandom, ""},
		{"${BOOT}${RANDOM}", NMStableRandom, ""},
	}
	for _, tt := range tests {
		t.Run(tt.template, func(t *testing.T) {
			typ, id := ExpandNMStableID(tt.template, in)
			if typ != tt.typ {
				t.Fatalf("type = %v, want %v", typ, tt.typ)
			}
			want := ""
			switch typ {
			case NMStableID:
				want = tt.template
			case NMStableGenerated:
				want = NMGeneratedID(tt.expanded)
			}
			if diff := cmp.Diff(want, id); diff != "" {
				t.Errorf("network ID (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExpandNMStableIDSSID(t *testing.T) {
	tests := []struct {
		name     string
		in       NMStableIDInput
		expanded string
		typ      NMStableType
	}{
		{name: "ssid", in: NMStableIDInput{SSID: []byte("home")}, expanded: "${NETWORK_SSID}=6{s:home}", typ: NMStableGenerated},
		{name: "escaped", in: NMStableIDInput{SSID: []byte("a\\b\x01\xff")}, expanded: "${NETWORK_SSID}=14{s:a\\\\b\\001\\377}", typ: NMStableGenerated},
		{name: "1.42 verbatim", in: NMStableIDInput{SSID: []byte("home"), NoNetworkSSID: true}, typ: NMStableID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			typ, id := ExpandNMStableID("${NETWORK_SSID}", tt.in)
			want := "${NETWORK_SSID}"
			if tt.typ == NMStableGenerated {
				want = NMGeneratedID(tt.expanded)
			}
			if typ != tt.typ || id != want {
				t.Errorf("ExpandNMStableID = %v, %q; want %v, %q", typ, id, tt.typ, want)
			}
		})
	}
}

// TestNMGeneratedID runs NetworkManager's test_stable_id_generated_complete.
func TestNMGeneratedID(t *testing.T) {
	for in, want := range map[string]string{
		"":         "2jmj7l5rSw0yVb/vlWAYkK/YBwk",
		"a":        "hvfkN/qlp/zhXR3cuerq6jd2Z7g",
		"password": "W6ph5Mm5Pz8GgiULbPgzG37mj9g",
	} {
		if got := NMGeneratedID(in); got != want {
			t.Errorf("NMGeneratedID(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestNetworkd runs systemd's integration-test vector
// (test/test-network/conf/25-ipv6-prefix-veth-token-prefixstable.network:
// Token=prefixstable:2002:da8:1::,86b123b969ba4b7eb8b3d8605123525a on veth99
// with MAC 12:34:56:78:9a:bc).
func TestNetworkd(t *testing.T) {
	key, _ := hex.DecodeString("86b123b969ba4b7eb8b3d8605123525a")
	g := &Networkd{Key: [16]byte(key), IfName: "veth99", MAC: net.HardwareAddr{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc}}
	got, used, err := addrOf(t, g, "2002:da8:1::/64", 0)
	if err != nil || used != 0 {
		t.Fatalf("IID: %v, %d, %v", got, used, err)
	}
	if want := "2002:da8:1:0:b47e:7975:fc7a:7d6e"; got != want {
		t.Errorf("address = %s, want %s", got, want)
	}
	for _, tt := range []struct {
		prefix string
		err    error
	}{
		{"::/64", ErrNoAddress},
		{"200:5eff:fe00::/64", ErrNoAddress},
		{"fdff:ffff:ffff:ff80::/64", ErrNoAddress},
		{"fdff:ffff:ffff:ff00::/64", nil},
		{"200:5eff:ff00::/64", nil},
	} {
		if _, _, err := g.IID(netip.MustParsePrefix(tt.prefix), 0); !errors.Is(err, tt.err) {
			t.Errorf("IID(%s) error = %v, want %v", tt.prefix, err, tt.err)
		}
	}
	if _, _, err := g.IID(netip.MustParsePrefix("2002:da8:1::/64"), 3); !errors.Is(err, ErrIDGenRetries) {
		t.Errorf("counter 3: error %v, want ErrIDGenRetries", err)
	}
}

func TestMachineAppSpecific(t *testing.T) {
	mid, err := ParseMachineID("0123456789abcdef0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	k := NetworkdKey(mid)
	if k[6]>>4 != 4 || k[8]>>6 != 2 {
		t.Errorf("NetworkdKey %x is not a v4 UUID", k)
	}
	if NetworkdKey(mid) == MachineAppSpecific(mid, NetworkdDHCPPDAppID) {
		t.Error("NDisc and DHCP-PD keys are equal")
	}
	s := NetworkdLinkLocalSecret(mid, "eth0")
	if s == NetworkdLinkLocalSecret(mid, "eth1") {
		t.Error("link-local secrets of eth0 and eth1 are equal")
	}
}

func TestRFC7217(t *testing.T) {
	secret := []byte("0123456789abcdef")
	p := netip.MustParsePrefix("2001:db8:1:2::/64")
	pa := p.Addr().As16()
	input := append(append(append(append(pa[:8:8], "eth0"...), "net"...), 1), secret...)
	sum := sha256.Sum256(input)
	g := RFC7217{Secret: secret, NetIface: []byte("eth0"), NetworkID: []byte("net")}
	got, used, err := g.IID(p, 1)
	if err != nil || used != 1 {
		t.Fatalf("IID = %v, %d, %v", got, used, err)
	}
	if diff := cmp.Diff(IID(sum[:8]), got); diff != "" {
		t.Errorf("IID (-want +got):\n%s", diff)
	}

	// A PRF whose first output is reserved: the counter moves on.
	calls := 0
	prf := func(b []byte) []byte {
		calls++
		if calls == 1 {
			return make([]byte, 32) // subnet-router anycast
		}
		return SHA256(b)
	}
	g2 := g
	g2.PRF = prf
	got2, used2, err := g2.IID(p, 0)
	if err != nil || used2 != 1 || got2 != got {
		t.Errorf("after reserved: %v, %d, %v; want %v, 1", got2, used2, err, got)
	}
	for _, tt := range []struct {
		name string
		g    RFC7217
		dad  int
		err  error
	}{
		{"short secret", RFC7217{Secret: []byte("short")}, 0, ErrSecret},
		{"counter past retries", g, 4, ErrIDGenRetries},
		{"always reserved", RFC7217{Secret: secret, PRF: func([]byte) []byte { return make([]byte, 8) }}, 0, ErrIDGenRetries},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := tt.g.IID(p, tt.dad); !errors.Is(err, tt.err) {
				t.Errorf("error = %v, want %v", err, tt.err)
			}
		})
	}
}

func TestForm(t *testing.T) {
	secret, _ := ParseLinuxSecret("2001:db8::1")
	g := &Linux{Secret: secret}
	p := netip.MustParsePrefix("2001:db8:1:2::/64")
	var want [4]netip.Addr
	for i := range want {
		iid, _, err := g.IID(p, i)
		if err != nil {
			t.Fatal(err)
		}
		want[i], _ = Addr(p, iid)
	}
	tests := []struct {
		name      string
		conflicts int
		want      netip.Addr
		used      int
		err       error
	}{
		{"no conflict", 0, want[0], 0, nil},
		{"one conflict", 1, want[1], 1, nil},
		{"two conflicts", 2, want[2], 2, nil},
		{"three conflicts", 3, want[3], 3, nil},
		{"four conflicts exhaust idgen_retries", 4, netip.Addr{}, 4, ErrIDGenRetries},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := 0
			got, used, err := Form(g, p, func(netip.Addr) bool { n++; return n <= tt.conflicts })
			if !errors.Is(err, tt.err) {
				t.Fatalf("error = %v, want %v", err, tt.err)
			}
			if got != tt.want || used != tt.used {
				t.Errorf("Form = %v, %d; want %v, %d", got, used, tt.want, tt.used)
			}
		})
	}
}

func TestNoAllocs(t *testing.T) {
	p := netip.MustParsePrefix("2001:db8:1:2::/64")
	secret, _ := ParseLinuxSecret("2001:db8::1")
	gens := map[string]Generator{
		"linux":    &Linux{Secret: secret},
		"nm":       &NetworkManager{NetworkID: "6b138152-9f3e-4b97-aaf7-e6e553f2a24e", IfName: "eth0", HostID: make([]byte, 32)},
		"networkd": &Networkd{IfName: "eth0", MAC: net.HardwareAddr{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc}},
		"rfc7217":  RFC7217{Secret: make([]byte, 16), NetIface: []byte("eth0"), NetworkID: []byte("home")},
	}
	for name, g := range gens {
		if n := testing.AllocsPerRun(100, func() { _, _, _ = g.IID(p, 0) }); n != 0 {
			t.Errorf("%s: %v allocations per IID, want 0", name, n)
		}
	}
}

// TestNetworkdLinkLocalSecret checks the stable_secret systemd-networkd 252
// wrote for eth0 with machine ID 3d1a0c6b5f2e4a7f9c8b7a6d5e4f3a2b (read back
// from the sysctl in a namespace).
func TestNetworkdLinkLocalSecret(t *testing.T) {
	mid, _ := ParseMachineID("3d1a0c6b5f2e4a7f9c8b7a6d5e4f3a2b")
	s := NetworkdLinkLocalSecret(mid, "eth0")
	if got, want := netip.AddrFrom16(s).String(), "d6f9:78e0:4f1b:1b5c:bd6a:9e84:b73a:ec66"; got != want {
		t.Errorf("NetworkdLinkLocalSecret = %s, want %s", got, want)
	}
}
