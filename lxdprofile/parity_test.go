package lxdprofile

import (
	"errors"
	"testing"
)

// parityCase is a profile and what each daemon does with it: nil when it
// accepts it, else the sentinel ValidateFor returns for the rejection.
// TestDaemonInterop sends every case to a live LXD 5.0.2 and a live Incus
// 6.0.4 and checks that each accepts exactly what ValidateFor accepts.
type parityCase struct {
	name       string
	p          Profile
	lxd, incus error
}

func parityCases() []parityCase {
	var out []parityCase
	for _, tt := range invalidProfiles() {
		out = append(out, parityCase{name: tt.name, p: Profile{Devices: map[string]Device{"eth0": tt.dev}}, lxd: tt.want, incus: tt.want})
	}
	for _, tt := range invalidConfigs() {
		out = append(out, parityCase{name: tt.name, p: Profile{Config: map[string]string{tt.key: tt.value}}, lxd: tt.want, incus: tt.want})
	}
	cfg := func(k, v string) Profile { return Profile{Config: map[string]string{k: v}} }
	out = append(out,
		// The guest API socket's key was renamed by the fork.
		parityCase{name: "devlxd", p: cfg("security.devlxd", "false"), lxd: nil, incus: ErrUnknownKey},
		parityCase{name: "devlxd.images", p: cfg("security.devlxd.images", "true"), lxd: nil, incus: ErrUnknownKey},
		parityCase{name: "guestapi", p: cfg("security.guestapi", "false"), lxd: ErrUnknownKey, incus: nil},
		parityCase{name: "guestapi.images", p: cfg("security.guestapi.images", "true"), lxd: ErrUnknownKey, incus: nil},
		parityCase{name: "devlxd maybe", p: cfg("security.devlxd", "maybe"), lxd: ErrBadBool, incus: ErrUnknownKey},
		parityCase{name: "guestapi maybe", p: cfg("security.guestapi", "maybe"), lxd: ErrUnknownKey, incus: ErrBadBool},
		// Both accept.
		parityCase{name: "good config", p: Profile{Config: map[string]string{
			"boot.autostart": "TRUE", "security.nesting": "yes", "security.privileged": "off", "migration.stateful": "0",
			"user.anything": "x", "environment.FOO": "bar", "limits.cpu": "2", "snapshots.schedule": "@daily",
			"cloud-init.user-data": "#cloud-config", "agent.nic_config": "true",
		}}},
		parityCase{name: "good nic", p: Profile{Devices: map[string]Device{
			"eth0": {"type": "nic", "nictype": "macvlan", "parent": "eth0", "vlan": "0", "mtu": "1280", "hwaddr": "00:16:3E:65:2B:99"},
			"eth1": {"type": "nic", "nictype": "p2p"},
			"eth2": {"type": "nic", "nictype": "bridged", "parent": "br0", "mtu": "16384", "vlan": "4094"},
			"eth3": {"type": "nic", "nictype": "macvlan", "parent": "eth0", "vlan": "10", "gvrp": "on"},
			"eth4": {"type": "nic", "nictype": "physical", "parent": "eth5", "vlan": "10", "gvrp": "false"},
		}}},
		// GVRP only where the VLAN is on the parent.
		parityCase{name: "gvrp on bridged", p: Profile{Devices: map[string]Device{
			"eth0": {"type": "nic", "nictype": "bridged", "parent": "br0", "vlan": "10", "gvrp": "true"},
		}}, lxd: ErrBadOption, incus: ErrBadOption},
	)
	return out
}

func (c parityCase) want(d Daemon) error {
	if d == Incus {
		return c.incus
	}
	return c.lxd
}

func TestValidateFor(t *testing.T) {
	for _, d := range []Daemon{LXD, Incus} {
		for _, tt := range parityCases() {
			p := tt.p.Clone()
			p.Name = "bad"
			err := ValidateFor(d, p)
			if want := tt.want(d); (want == nil) != (err == nil) || (want != nil && !errors.Is(err, want)) {
				t.Errorf("%s %s: ValidateFor = %v, want %v", d, tt.name, err, want)
			}
		}
	}
	err := ValidateFor(Incus, Profile{Name: "p", Config: map[string]string{"security.devlxd": "true"}})
	want := `lxdprofile: profile "p": security.devlxd="true": unknown configuration key (that is LXD's name; Incus calls it security.guestapi)`
	if err == nil || err.Error() != want {
		t.Errorf("ValidateFor(Incus, devlxd) = %v\nwant %s", err, want)
	}
	// Validate is LXD's rules, as before.
	if err := Validate(Profile{Name: "p", Config: map[string]string{"security.guestapi": "true"}}); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("Validate(guestapi) = %v, want ErrUnknownKey", err)
	}
}
