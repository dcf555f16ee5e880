package lxdprofile

import (
	"errors"
	"flag"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gopkg.in/yaml.v2"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from Render")

// full exercises quoting: YAML 1.1 booleans, numbers, a multi-line
// description.
func full() Profile {
	return Profile{
		Name:        "full",
		Description: "LAN via macvlan: \"eth0\"\nsecond line",
		Config: map[string]string{
			"boot.autostart": "true",
			"limits.cpu":     "2",
			"limits.memory":  "512MiB",
			"user.note":      "yes",
		},
		Devices: map[string]Device{
			"eth0": {"hwaddr": "00:16:3e:65:2b:99", "mtu": "1500", "name": "eth0", "nictype": "macvlan", "parent": "eth0", "type": "nic", "vlan": "10"},
			"eth1": {"nictype": "bridged", "parent": "lxdbr0", "type": "nic"},
			"root": RootDisk("default"),
		},
	}
}

// goldenProfiles are rendered to testdata/NAME.LAYOUT.golden. The lxd-5.0
// and incus files are `lxc profile show` output of Debian's LXD 5.0.2 and
// `incus profile show` output of Debian's Incus 6.0.4 after a profile edit
// with these profiles (TestDaemonInterop checks them again against live
// daemons).
func goldenProfiles() []Profile {
	return []Profile{
		Macvlan("eth0", "default"),
		ExtBridge("br0"),
		TwoIntfRev("br0", "lxdbr0"),
		full(),
		{Name: "empty"},
	}
}

func TestRenderGolden(t *testing.T) {
	for _, p := range goldenProfiles() {
		for _, layout := range []Layout{Layout50, Layout521, LayoutIncus} {
			t.Run(p.Name+"/"+layout.String(), func(t *testing.T) {
				got, err := Render(p, layout)
				if err != nil {
					t.Fatal(err)
				}
				path := filepath.Join("testdata", p.Name+"."+layout.String()+".golden")
				if *update {
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(string(want), string(got)); diff != "" {
					t.Errorf("Render (-want +got):\n%s", diff)
				}
				back, err := Parse(want)
				if err != nil {
					t.Fatal(err)
				}
				if layout == Layout521 || layout == LayoutIncus {
					p.Project = "default"
				}
				if diff := cmp.Diff(p, back, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("Parse(golden) (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func TestLayoutFor(t *testing.T) {
	tests := []struct {
		version string
		want    Layout
		ok      bool
	}{
		{"5.0.2", Layout50, true},
		{"5.0", Layout50, true},
		{"5.20", Layout50, true},
		{"5.21.1", Layout521, true},
		{"6.5", Layout521, true},
		{"4.0.9", Layout50, true},
		{"", 0, false},
		{"five", 0, false},
		{"5.x", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			got, err := LayoutFor(tt.version)
			if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
				t.Errorf("LayoutFor(%q) = %v, %v; want %v ok=%v", tt.version, got, err, tt.want, tt.ok)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		offset int
		want   string
	}{
		{name: "not yaml", in: "config: [", offset: 0,
			want: "lxdprofile: parse profile at offset 0: not a profile in YAML: line 1: did not find expected node content"},
		{name: "unknown key", in: "name: x\ncolour: red\n", offset: 8,
			want: "lxdprofile: parse profile at offset 8: not a profile in YAML: line 2: field colour not found"},
		{name: "devices list", in: "devices:\n- a\n", offset: 9,
			want: "lxdprofile: parse profile at offset 9: not a profile in YAML: line 2: cannot unmarshal !!seq into devices (a map of device maps)"},
		{name: "two errors", in: "name: x\nconfig:\n  a: [1]\nused_by: 3\n", offset: 16,
			want: "lxdprofile: parse profile at offset 16: not a profile in YAML: line 3: cannot unmarshal !!seq into a string; line 4: cannot unmarshal !!int `3` into a list"},
		{name: "tab", in: "name: x\n\tfoo", offset: 8,
			want: "lxdprofile: parse profile at offset 8: not a profile in YAML: line 2: found a tab character that violates indentation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, ErrSyntax) {
				t.Fatalf("Parse = %v, want *ParseError wrapping ErrSyntax", err)
			}
			if pe.Type != "profile" || pe.Offset != tt.offset {
				t.Errorf("Type %q Offset %d, want profile, %d (%v)", pe.Type, pe.Offset, tt.offset, err)
			}
			if err.Error() != tt.want {
				t.Errorf("Parse = %q\nwant    %q", err, tt.want)
			}
		})
	}
}

func TestBuilders(t *testing.T) {
	p := New("lan").SetConfig("user.note", "seed").AddDevice("root", RootDisk("default"))
	mac, _ := net.ParseMAC("00:16:3e:65:2b:99")
	if err := p.AddNIC("eth0", NIC{NICType: NICTypeMacvlan, Parent: "eth0", Name: "eth0", HWAddr: mac, MTU: 1500, VLAN: 10}); err != nil {
		t.Fatal(err)
	}
	want := Profile{
		Name:   "lan",
		Config: map[string]string{"user.note": "seed"},
		Devices: map[string]Device{
			"root": {"path": "/", "pool": "default", "type": "disk"},
			"eth0": {"type": "nic", "nictype": "macvlan", "parent": "eth0", "name": "eth0", "hwaddr": "00:16:3e:65:2b:99", "mtu": "1500", "vlan": "10"},
		},
	}
	if diff := cmp.Diff(want, *p); diff != "" {
		t.Errorf("builders (-want +got):\n%s", diff)
	}
	if err := p.AddNIC("eth1", NIC{NICType: NICTypeBridged}); !errors.Is(err, ErrMissingParent) {
		t.Errorf("bridged NIC without parent: %v, want ErrMissingParent", err)
	}
	if err := p.AddNIC("eth1", NIC{NICType: "macvtap", Parent: "eth0"}); !errors.Is(err, ErrUnknownNICType) {
		t.Errorf("macvtap NIC: %v, want ErrUnknownNICType", err)
	}
	if !p.Equal(p.Clone()) {
		t.Error("a clone differs")
	}
	q := p.Clone()
	q.Devices["eth0"]["mtu"] = "9000"
	if p.Equal(q) || p.Devices["eth0"]["mtu"] != "1500" {
		t.Error("Clone shares device maps")
	}
	for _, preset := range goldenProfiles() {
		if err := Validate(preset); err != nil {
			t.Errorf("preset %s: %v", preset.Name, err)
		}
	}
}

// invalidProfiles are what LXD 5.0.2 rejects at `lxc profile edit` (the
// daemon's messages are in the comments); TestDaemonInterop sends them to a
// live daemon too.
func invalidProfiles() []struct {
	name string
	dev  Device
	want error
} {
	return []struct {
		name string
		dev  Device
		want error
	}{
		// Failed loading device "eth0": Unsupported device type
		{"unknown nictype", Device{"type": "nic", "nictype": "foo", "parent": "eth0"}, ErrUnknownNICType},
		// Invalid value for device option "parent": Required value
		{"macvlan without parent", Device{"type": "nic", "nictype": "macvlan"}, ErrMissingParent},
		{"bridged without parent", Device{"type": "nic", "nictype": "bridged"}, ErrMissingParent},
		// Invalid MAC address, must be 6 bytes of hex separated by colons
		{"hwaddr not hex", Device{"type": "nic", "nictype": "macvlan", "parent": "eth0", "hwaddr": "zz:16:3e:00:00:01"}, ErrBadHWAddr},
		{"hwaddr dashes", Device{"type": "nic", "nictype": "macvlan", "parent": "eth0", "hwaddr": "00-16-3e-00-00-01"}, ErrBadHWAddr},
		{"hwaddr 8 bytes", Device{"type": "nic", "nictype": "macvlan", "parent": "eth0", "hwaddr": "00:16:3e:00:00:01:02:03"}, ErrBadHWAddr},
		{"hwaddr template", Device{"type": "nic", "nictype": "macvlan", "parent": "eth0", "hwaddr": "00:16:3e:xx:xx:xx"}, ErrBadHWAddr},
		// Invalid MTU "abc"; Out of MTU range (1280-16384)
		{"mtu text", Device{"type": "nic", "nictype": "macvlan", "parent": "eth0", "mtu": "abc"}, ErrBadMTU},
		{"mtu 70000", Device{"type": "nic", "nictype": "bridged", "parent": "br0", "mtu": "70000"}, ErrBadMTU},
		{"mtu 0", Device{"type": "nic", "nictype": "macvlan", "parent": "eth0", "mtu": "0"}, ErrBadMTU},
		// Out of VLAN ID range (0-4094)
		{"vlan 5000", Device{"type": "nic", "nictype": "macvlan", "parent": "eth0", "vlan": "5000"}, ErrBadVLAN},
		{"vlan -1", Device{"type": "nic", "nictype": "bridged", "parent": "br0", "vlan": "-1"}, ErrBadVLAN},
		// Missing device type in config
		{"no type", Device{"nictype": "macvlan", "parent": "eth0"}, ErrMissingType},
		{"unknown type", Device{"type": "wat"}, ErrUnknownDeviceType},
		{"nic without nictype", Device{"type": "nic", "parent": "br0"}, ErrUnknownDeviceType},
		// Root disk entry must have a "pool" property set
		{"root without pool", Device{"type": "disk", "path": "/"}, ErrRootPool},
		// Invalid value for device option "gvrp": Invalid value for a boolean "maybe"
		{"gvrp maybe", Device{"type": "nic", "nictype": "macvlan", "parent": "eth0", "gvrp": "maybe"}, ErrBadBool},
	}
}

// invalidConfigs are config keys LXD 5.0.2 rejects at `lxc profile edit`.
func invalidConfigs() []struct {
	name, key, value string
	want             error
} {
	return []struct {
		name, key, value string
		want             error
	}{
		// Unknown configuration key: foo.bar
		{"unknown namespace", "foo.bar", "x", ErrUnknownKey},
		{"capitalised", "Boot.autostart", "true", ErrUnknownKey},
		// Volatile keys can only be set on instances
		{"volatile", "volatile.eth0.hwaddr", "00:16:3e:00:00:01", ErrInstanceOnlyKey},
		// Image keys can only be set on instances
		{"image", "image.os", "debian", ErrInstanceOnlyKey},
		// Invalid value for a boolean "maybe"
		{"autostart maybe", "boot.autostart", "maybe", ErrBadBool},
		{"nesting maybe", "security.nesting", "maybe", ErrBadBool},
		{"privileged maybe", "security.privileged", "maybe", ErrBadBool},
		{"stateful maybe", "migration.stateful", "maybe", ErrBadBool},
	}
}

func TestValidate(t *testing.T) {
	for _, tt := range invalidProfiles() {
		t.Run(tt.name, func(t *testing.T) {
			p := New("bad").AddDevice("eth0", tt.dev)
			err := Validate(*p)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Validate = %v, want %v", err, tt.want)
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Device != "eth0" || ve.Profile != "bad" {
				t.Errorf("Validate = %#v, want a *ValidationError for bad/eth0", err)
			}
		})
	}
	for _, tt := range invalidConfigs() {
		err := Validate(Profile{Name: "bad", Config: map[string]string{tt.key: tt.value}})
		var ve *ValidationError
		if !errors.Is(err, tt.want) || !errors.As(err, &ve) || ve.Key != tt.key {
			t.Errorf("%s: Validate = %v, want %v for %s", tt.name, err, tt.want, tt.key)
		}
	}
	goodConfig := map[string]string{
		"boot.autostart": "TRUE", "security.nesting": "yes", "security.privileged": "off", "migration.stateful": "0",
		"user.anything": "x", "environment.FOO": "bar", "limits.cpu": "2", "cloud-init.user-data": "#cloud-config",
		"raw.lxc": "lxc.apparmor.profile=unconfined", "snapshots.schedule": "@daily", "agent.nic_config": "true",
	}
	if err := Validate(Profile{Name: "good", Config: goodConfig}); err != nil {
		t.Errorf("Validate(good config) = %v", err)
	}
	valid := []Device{
		{"type": "nic", "nictype": "macvlan", "parent": "eth0", "vlan": "0", "mtu": "1280", "hwaddr": "00:16:3E:65:2B:99"},
		{"type": "nic", "network": "lxdbr0"},
		{"type": "nic", "nictype": "p2p"},
		{"type": "nic", "nictype": "bridged", "parent": "br0", "security.mac_filtering": "true"},
		{"type": "disk", "path": "/mnt", "source": "/srv"},
		{"type": "none"},
	}
	for _, d := range valid {
		if err := ValidateDevice("d", d); err != nil {
			t.Errorf("ValidateDevice(%v) = %v", d, err)
		}
	}
	for _, name := range []string{"", "-x", "a/b", ".."} {
		if err := Validate(Profile{Name: name}); !errors.Is(err, ErrBadName) {
			t.Errorf("Validate(name %q) = %v, want ErrBadName", name, err)
		}
	}
}

func TestExpand(t *testing.T) {
	def := Profile{Name: "default", Config: map[string]string{"limits.cpu": "1", "user.a": "default"}, Devices: map[string]Device{
		"root": RootDisk("default"),
		"eth0": {"type": "nic", "nictype": "bridged", "parent": "lxdbr0", "name": "eth0", "mtu": "1400"},
	}}
	tests := []struct {
		name        string
		profiles    []Profile
		config      map[string]string
		devices     map[string]Device
		wantConfig  map[string]string
		wantDevices map[string]Device
	}{
		{
			name:        "default alone",
			profiles:    []Profile{def},
			wantConfig:  def.Config,
			wantDevices: def.Devices,
		},
		{
			name:       "extbridge replaces eth0 whole",
			profiles:   []Profile{def, ExtBridge("br0")},
			wantConfig: def.Config,
			wantDevices: map[string]Device{
				"root": RootDisk("default"),
				"eth0": {"type": "nic", "nictype": "bridged", "parent": "br0", "name": "eth0"},
			},
		},
		{
			name:     "order matters",
			profiles: []Profile{ExtBridge("br0"), def},
			wantConfig: map[string]string{
				"limits.cpu": "1", "user.a": "default",
			},
			wantDevices: def.Devices,
		},
		{
			name:       "router adds eth1",
			profiles:   []Profile{def, TwoIntfRev("br0", "lxdbr0")},
			wantConfig: def.Config,
			wantDevices: map[string]Device{
				"root": RootDisk("default"),
				"eth0": {"type": "nic", "nictype": "bridged", "parent": "br0", "name": "eth0"},
				"eth1": {"type": "nic", "nictype": "bridged", "parent": "lxdbr0", "name": "eth1"},
			},
		},
		{
			name:       "instance-local last",
			profiles:   []Profile{def, Macvlan("eth0", "default")},
			config:     map[string]string{"limits.cpu": "4"},
			devices:    map[string]Device{"eth0": {"type": "nic", "nictype": "macvlan", "parent": "eth1"}},
			wantConfig: map[string]string{"limits.cpu": "4", "user.a": "default"},
			wantDevices: map[string]Device{
				"root": RootDisk("default"),
				"eth0": {"type": "nic", "nictype": "macvlan", "parent": "eth1"},
			},
		},
		{name: "nothing", wantConfig: map[string]string{}, wantDevices: map[string]Device{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := def.Clone()
			cfg, devs := Expand(tt.profiles, tt.config, tt.devices)
			if diff := cmp.Diff(tt.wantConfig, cfg); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantDevices, devs); diff != "" {
				t.Errorf("devices (-want +got):\n%s", diff)
			}
			if root, ok := devs["root"]; ok {
				root["pool"] = "changed"
			}
			if diff := cmp.Diff(before, def); diff != "" {
				t.Errorf("Expand changed its input (-before +after):\n%s", diff)
			}
		})
	}
}

func TestPredict(t *testing.T) {
	p1 := netip.MustParsePrefix("2001:db8:1:2::/64")
	p2 := netip.MustParsePrefix("fd00:db8:1::/64")
	config := map[string]string{"volatile.eth0.hwaddr": "00:16:3e:65:2b:99", "volatile.eth1.hwaddr": "00:16:3e:00:00:01"}
	devices := map[string]Device{
		"root": RootDisk("default"),
		"eth0": {"type": "nic", "nictype": "macvlan", "parent": "eth0"},
		"eth1": {"type": "nic", "nictype": "bridged", "parent": "br0", "hwaddr": "b8:27:eb:12:34:56"},
		"eth2": {"type": "nic", "nictype": "bridged", "parent": "br1"},
	}
	got, err := Predict("web", config, devices, []netip.Prefix{p1, p2})
	if err != nil {
		t.Fatal(err)
	}
	lxdMAC, _ := net.ParseMAC("00:16:3e:65:2b:99")
	piMAC, _ := net.ParseMAC("b8:27:eb:12:34:56")
	want := []Prediction{
		{Instance: "web", NIC: "eth0", MAC: lxdMAC, Addr: netip.MustParseAddr("2001:db8:1:2:216:3eff:fe65:2b99")},
		{Instance: "web", NIC: "eth0", MAC: lxdMAC, Addr: netip.MustParseAddr("fd00:db8:1:0:216:3eff:fe65:2b99")},
		{Instance: "web", NIC: "eth1", MAC: piMAC, Addr: netip.MustParseAddr("2001:db8:1:2:ba27:ebff:fe12:3456")},
		{Instance: "web", NIC: "eth1", MAC: piMAC, Addr: netip.MustParseAddr("fd00:db8:1:0:ba27:ebff:fe12:3456")},
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("Predict (-want +got):\n%s", diff)
	}
	wantZone := "web IN AAAA 2001:db8:1:2:216:3eff:fe65:2b99\nweb IN AAAA fd00:db8:1:0:216:3eff:fe65:2b99\n" +
		"web IN AAAA 2001:db8:1:2:ba27:ebff:fe12:3456\nweb IN AAAA fd00:db8:1:0:ba27:ebff:fe12:3456\n"
	if diff := cmp.Diff(wantZone, ZoneLines(got)); diff != "" {
		t.Errorf("ZoneLines (-want +got):\n%s", diff)
	}
	if _, err := Predict("x", config, devices, []netip.Prefix{netip.MustParsePrefix("2001:db8::/48")}); err == nil {
		t.Error("Predict with a /48 prefix: no error")
	}
	bad := map[string]Device{"eth0": {"type": "nic", "hwaddr": "nope"}}
	if _, err := Predict("x", nil, bad, []netip.Prefix{p1}); !errors.Is(err, ErrBadHWAddr) {
		t.Errorf("Predict with a bad hwaddr = %v, want ErrBadHWAddr", err)
	}
	if got := ZoneLine("gw", netip.MustParseAddr("192.0.2.1")); got != "gw IN A 192.0.2.1" {
		t.Errorf("ZoneLine IPv4 = %q", got)
	}
}

var goldenPrefixes = []netip.Prefix{netip.MustParsePrefix("2001:db8:1:2::/64"), netip.MustParsePrefix("fd00:db8:1::/64")}

// TestKeyOrderMatchesYAML checks the fixed key order against yaml.v2's own
// map sorting (what lxc prints) for keys with a consistent order.
func TestKeyOrderMatchesYAML(t *testing.T) {
	m := map[string]string{}
	for _, k := range []string{"eth10", "eth2", "eth1", "eth0", "root", "volatile.eth0.hwaddr", "volatile.eth10.hwaddr",
		"limits.cpu", "limits.memory", "user.a_b", "user.a.b", "user.A", "boot.autostart", "security.nesting", "x-1", "x_1", "x1"} {
		m[k] = "v"
	}
	want, err := yaml.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := yaml.Marshal(ordered(m))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("key order (-yaml.v2 +ours):\n%s", diff)
	}
}
