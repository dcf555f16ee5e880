package slaacaddr

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/v6kit/v6kit/slaac"
)

func run(t *testing.T, o Options) (string, error) {
	t.Helper()
	var b bytes.Buffer
	err := Run(context.Background(), o, &b)
	return b.String(), err
}

// TestRunContract checks the outputs the issue quotes: the seed article's
// LXD container, NetworkManager's unit test and systemd's integration test.
func TestRunContract(t *testing.T) {
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{
			name: "eui64 LXD container",
			o:    Options{Mode: "eui64", MAC: "00:16:3e:65:2b:99", Prefix: "2001:db8:8011:fd44::/64"},
			want: "2001:db8:8011:fd44:216:3eff:fe65:2b99\n",
		},
		{
			name: "nm unit test",
			o: Options{Mode: "nm", IfName: "eth666", HostID: "key", StableType: "uuid",
				NetworkID: "6b138152-9f3e-4b97-aaf7-e6e553f2a24e", Prefix: "1234::/64"},
			want: "1234::4ceb:14cd:3d54:793f\n",
		},
		{
			name: "nm unit test via -uuid",
			o:    Options{Mode: "nm", IfName: "eth666", HostID: "key", UUID: "6b138152-9f3e-4b97-aaf7-e6e553f2a24e", Prefix: "1234::/64"},
			want: "1234::4ceb:14cd:3d54:793f\n",
		},
		{
			name: "nm stable-id unit test",
			o:    Options{Mode: "nm", IfName: "eth666", HostIDHex: "6b6579", StableType: "stable-id", NetworkID: "stable-id-1", Prefix: "1234::/64"},
			want: "1234::4944:67b0:7a6c:1cf\n",
		},
		{
			name: "systemd integration test",
			o: Options{Mode: "systemd", Key: "86b123b969ba4b7eb8b3d8605123525a", IfName: "veth99",
				MAC: "12:34:56:78:9a:bc", Prefix: "2002:da8:1::/64"},
			want: "2002:da8:1:0:b47e:7975:fc7a:7d6e\n",
		},
		{
			name: "linux veth link-local (kernel 6.18)",
			o:    Options{Mode: "linux", Secret: "2001:db8::1", PermAddr: "00:00:00:00:00:00", LinkLocal: true, ByteOrder: "little"},
			want: "fe80::88cf:4891:a68c:e03f\n",
		},
		{
			// The stable_secret networkd 252 wrote for eth0 with this
			// machine ID was d6f9:78e0:4f1b:1b5c:bd6a:9e84:b73a:ec66.
			name: "systemd stable-privacy link-local",
			o:    Options{Mode: "systemd", LinkLocal: true, MachineID: "3d1a0c6b5f2e4a7f9c8b7a6d5e4f3a2b", IfName: "eth0"},
			want: mustLinuxLL(t, "d6f9:78e0:4f1b:1b5c:bd6a:9e84:b73a:ec66"),
		},
		{
			name: "eui64 link-local",
			o:    Options{Mode: "eui64", MAC: "00:16:3e:65:2b:99", LinkLocal: true},
			want: "fe80::216:3eff:fe65:2b99\n",
		},
		{
			name: "json",
			o:    Options{Mode: "eui64", MAC: "00:16:3e:65:2b:99", Prefix: "2001:db8:8011:fd44::/64", JSON: true},
			want: `{"mode":"eui64","address":"2001:db8:8011:fd44:216:3eff:fe65:2b99","iid":"216:3eff:fe65:2b99","dad_counter":0}` + "\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := run(t, tt.o)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}

func mustLinuxLL(t *testing.T, secret string) string {
	s, err := slaac.ParseLinuxSecret(secret)
	if err != nil {
		t.Fatal(err)
	}
	ll, _, err := (&slaac.Linux{Secret: s}).LinkLocal(0)
	if err != nil {
		t.Fatal(err)
	}
	return ll.String() + "\n"
}

// TestRunMatchesPackage checks every stable mode, with -dad, against the
// package directly.
func TestRunMatchesPackage(t *testing.T) {
	secret, _ := slaac.ParseLinuxSecret("2001:db8::1")
	prefix := netip.MustParsePrefix("2001:db8:1:2::/64")
	for dad := 0; dad <= 2; dad++ {
		lin := &slaac.Linux{Secret: secret}
		iid, used, err := lin.IID(prefix, dad)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := slaac.Addr(prefix, iid)
		got, err := run(t, Options{Mode: "linux", Secret: "2001:db8::1", PermAddr: "00:00:00:00:00:00", Prefix: prefix.String(), DAD: dad, JSON: true})
		if err != nil {
			t.Fatal(err)
		}
		var r Result
		if err := json.Unmarshal([]byte(got), &r); err != nil {
			t.Fatal(err)
		}
		want := Result{Mode: "linux", Address: a.String(), IID: iid.String(), DADCounter: used}
		if diff := cmp.Diff(want, r); diff != "" {
			t.Errorf("dad %d (-want +got):\n%s", dad, diff)
		}
	}
}

func TestRunNMSecretKey(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "secret_key")
	if err := os.WriteFile(key, []byte("nm-v2:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="), 0o600); err != nil {
		t.Fatal(err)
	}
	// Host ID from the shell pipeline in NetworkManager's _host_id_hash_v2.
	const hostID = "8179b3f627ec0791d9e22f07df85f7cf6f94f7ce7f386206618fd51652b92626"
	o := Options{Mode: "nm", IfName: "eth0", UUID: "6b138152-9f3e-4b97-aaf7-e6e553f2a24e", Prefix: "2001:db8:1:2::/64"}
	o1 := o
	o1.SecretKeyFile, o1.MachineID = key, "0123456789abcdef0123456789abcdef"
	o2 := o
	o2.HostIDHex = hostID
	got1, err1 := run(t, o1)
	got2, err2 := run(t, o2)
	if err1 != nil || err2 != nil || got1 != got2 {
		t.Errorf("-secret-key gave %q, %v; -host-id-hex gave %q, %v", got1, err1, got2, err2)
	}
}

func TestRunNMStableID(t *testing.T) {
	base := Options{Mode: "nm", IfName: "eth0", HostID: "key", UUID: "6b138152-9f3e-4b97-aaf7-e6e553f2a24e", Prefix: "2001:db8:1:2::/64"}
	expanded := "${CONNECTION}=36{6b138152-9f3e-4b97-aaf7-e6e553f2a24e}/${DEVICE}=4{eth0}/${MAC}=17{12:34:56:78:9A:BC}"
	o := base
	o.StableID, o.MAC = "${CONNECTION}/${DEVICE}/${MAC}", "12:34:56:78:9a:bc"
	explicit := base
	explicit.UUID, explicit.StableType, explicit.NetworkID = "", "generated", slaac.NMGeneratedID(expanded)
	got, err := run(t, o)
	want, err2 := run(t, explicit)
	if err != nil || err2 != nil || got != want {
		t.Errorf("template gave %q, %v; explicit generated ID gave %q, %v", got, err, want, err2)
	}
	// A plain stable-id is hashed as stable-id type.
	o = base
	o.StableID = "stable-id-1"
	plain := base
	plain.UUID, plain.StableType, plain.NetworkID = "", "stable-id", "stable-id-1"
	got, _ = run(t, o)
	want, _ = run(t, plain)
	if got != want {
		t.Errorf("plain stable-id %q, explicit %q", got, want)
	}
	// ${NETWORK_SSID}: 1.46+ expands, 1.42 does not.
	o = base
	o.StableID, o.SSID, o.HasSSID = "${NETWORK_SSID}", "home", true
	newer, _ := run(t, o)
	o.NMVersion = "1.42.4"
	older, _ := run(t, o)
	if newer == older {
		t.Error("${NETWORK_SSID} expanded the same for 1.42 and 1.46")
	}
	o.StableID = "${RANDOM}"
	if _, err := run(t, o); err == nil {
		t.Error("${RANDOM} accepted")
	}
}

func TestRunSystemdMachineID(t *testing.T) {
	mid, _ := slaac.ParseMachineID("0123456789abcdef0123456789abcdef")
	k := slaac.NetworkdKey(mid)
	hexKey := hex.EncodeToString(k[:])
	base := Options{Mode: "systemd", IfName: "eth0", MAC: "12:34:56:78:9a:bc", Prefix: "2001:db8:1:2::/64"}
	a, b := base, base
	a.MachineID = "0123456789abcdef0123456789abcdef"
	b.Key = hexKey
	ga, ea := run(t, a)
	gb, eb := run(t, b)
	if ea != nil || eb != nil || ga != gb {
		t.Errorf("-machine-id %q, %v; -key %q, %v", ga, ea, gb, eb)
	}
}

func TestRunTemporary(t *testing.T) {
	o := Options{Mode: "temporary", Prefix: "2001:db8:1:2::/64", Valid: 720 * time.Hour, Preferred: 168 * time.Hour,
		Profile: "rfc8981", For: 72 * time.Hour, Seed: 1, Start: "2026-01-01T00:00:00Z", RAInterval: 10 * time.Minute, JSON: true}
	got, err := run(t, o)
	if err != nil {
		t.Fatal(err)
	}
	var evs []Event
	dec := json.NewDecoder(strings.NewReader(got))
	for dec.More() {
		var e Event
		if err := dec.Decode(&e); err != nil {
			t.Fatal(err)
		}
		evs = append(evs, e)
	}
	var kinds []string
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, e := range evs {
		kinds = append(kinds, e.Event)
		if i > 0 && e.Time.Before(evs[i-1].Time) {
			t.Errorf("event %d out of order", i)
		}
		if e.Time.After(start.Add(72 * time.Hour)) {
			t.Errorf("event %d after the simulated span", i)
		}
		if e.Event == "created" && e.ValidUntil.Sub(e.Time) != 48*time.Hour {
			t.Errorf("created %v valid for %v, want TEMP_VALID_LIFETIME 48h", e.Address, e.ValidUntil.Sub(e.Time))
		}
	}
	// The regeneration REGEN_ADVANCE before the first deprecation, then the
	// deprecation; three days hold at least two more of each.
	want := []string{"created", "created", "deprecated"}
	if len(kinds) < 7 || cmp.Diff(want, kinds[:3]) != "" {
		diff := cmp.Diff(want, kinds[:min(3, len(kinds))])
		t.Errorf("event kinds (-want +got):\n%s\nall: %v", diff, kinds)
	}
	// The same seed gives the same schedule; the human form has one line
	// per event.
	again, _ := run(t, o)
	if again != got {
		t.Error("same seed, different schedule")
	}
	o.JSON = false
	human, _ := run(t, o)
	if n := strings.Count(human, "\n"); n != len(evs) {
		t.Errorf("human output has %d lines, want %d:\n%s", n, len(evs), human)
	}
	if !strings.HasPrefix(human, "+0s") || !strings.Contains(human, " created ") {
		t.Errorf("human output:\n%s", human)
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Run(ctx, Options{Mode: "eui64"}, &bytes.Buffer{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

// TestByteOrder: without -byte-order the Linux modes predict this host
// (its CPU's byte order); big and little give the two kernels' addresses,
// which differ.
func TestByteOrder(t *testing.T) {
	secret, _ := slaac.ParseLinuxSecret("2001:db8::1")
	want := map[string]string{}
	for name, order := range map[string]binary.ByteOrder{"": binary.NativeEndian, "big": binary.BigEndian, "little": binary.LittleEndian} {
		ll, _, err := (&slaac.Linux{Secret: secret, ByteOrder: order}).LinkLocal(0)
		if err != nil {
			t.Fatal(err)
		}
		want[name] = ll.String() + "\n"
	}
	if want["big"] == want["little"] {
		t.Fatal("big- and little-endian kernels form the same address")
	}
	for _, order := range []string{"", "big", "little"} {
		got, err := run(t, Options{Mode: "linux", Secret: "2001:db8::1", LinkLocal: true, ByteOrder: order})
		if err != nil || got != want[order] {
			t.Errorf("-byte-order %q: %q, %v; want %q", order, got, err, want[order])
		}
	}
	native := "little"
	if binary.NativeEndian.Uint16([]byte{0, 1}) == 1 {
		native = "big"
	}
	if want[""] != want[native] {
		t.Errorf("the default is not this host's %s-endian order", native)
	}
}
