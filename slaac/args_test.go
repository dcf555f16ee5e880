package slaac

import (
	"errors"
	"net"
	"net/netip"
	"testing"
)

// TestBadArgumentsReturnErrors: nil and out-of-range arguments give an
// error wrapping the right sentinel where there is one, never a panic.
func TestBadArgumentsReturnErrors(t *testing.T) {
	good := netip.MustParsePrefix("2001:db8:1:2::/64")
	secret := [16]byte{1}
	key := []byte("0123456789abcdef")
	badPrefixes := map[string]netip.Prefix{
		"zero prefix": {},
		"/48":         netip.MustParsePrefix("2001:db8::/48"),
		"/128":        netip.MustParsePrefix("2001:db8::1/128"),
		"IPv4":        netip.MustParsePrefix("192.0.2.0/24"),
		"IPv4-mapped": netip.MustParsePrefix("::ffff:0:0/64"),
	}
	gens := map[string]Generator{
		"RFC7217":        RFC7217{Secret: key},
		"Linux":          &Linux{Secret: secret},
		"NetworkManager": &NetworkManager{IfName: "eth0", NetworkID: "n", HostID: key},
		"Networkd":       &Networkd{IfName: "eth0", MAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}},
	}
	type call struct {
		name string
		err  error // the sentinel, or nil for any error
		f    func() error
	}
	var calls []call
	for gname, g := range gens {
		for pname, p := range badPrefixes {
			calls = append(calls, call{gname + " " + pname, ErrPrefix, func() error { _, _, err := g.IID(p, 0); return err }})
			calls = append(calls, call{"Form " + gname + " " + pname, ErrPrefix, func() error { _, _, err := Form(g, p, nil); return err }})
		}
		calls = append(calls, call{gname + " negative DAD counter", ErrIDGenRetries, func() error { _, _, err := g.IID(good, -1); return err }})
	}
	for pname, p := range badPrefixes {
		calls = append(calls, call{"Addr " + pname, ErrPrefix, func() error { _, err := Addr(p, IID{1}); return err }})
		calls = append(calls, call{"CheckPrefix " + pname, ErrPrefix, func() error { return CheckPrefix(p) }})
	}
	calls = append(calls,
		call{"EUI64 nil MAC", ErrMAC, func() error { _, err := EUI64(nil); return err }},
		call{"EUI64 5 bytes", ErrMAC, func() error { _, err := EUI64(net.HardwareAddr{1, 2, 3, 4, 5}); return err }},
		call{"EUI64 7 bytes", ErrMAC, func() error { _, err := EUI64(make(net.HardwareAddr, 7)); return err }},
		call{"EUI64 20 bytes", ErrMAC, func() error { _, err := EUI64(make(net.HardwareAddr, 20)); return err }},
		call{"Form nil generator", nil, func() error { _, _, err := Form(nil, good, nil); return err }},
		call{"nil *Linux", nil, func() error { _, _, err := (*Linux)(nil).IID(good, 0); return err }},
		call{"nil *Linux link-local", nil, func() error { _, _, err := (*Linux)(nil).LinkLocal(0); return err }},
		call{"nil *NetworkManager", nil, func() error { _, _, err := (*NetworkManager)(nil).IID(good, 0); return err }},
		call{"nil *NetworkManager link-local", nil, func() error { _, _, err := (*NetworkManager)(nil).LinkLocal(0); return err }},
		call{"nil *Networkd", nil, func() error { _, _, err := (*Networkd)(nil).IID(good, 0); return err }},
		call{"Linux PermAddr 33 bytes", ErrMAC, func() error {
			_, _, err := (&Linux{PermAddr: make(net.HardwareAddr, 33)}).IID(good, 0)
			return err
		}},
		call{"Linux negative IDGenRetries", nil, func() error { _, _, err := (&Linux{IDGenRetries: -1}).IID(good, 0); return err }},
		call{"Linux DAD counter past retries", ErrIDGenRetries, func() error { _, _, err := (&Linux{}).IID(good, 4); return err }},
		call{"Networkd MAC 33 bytes", ErrMAC, func() error {
			_, _, err := (&Networkd{MAC: make(net.HardwareAddr, 33)}).IID(good, 0)
			return err
		}},
		call{"RFC7217 negative Retries", nil, func() error { _, _, err := (RFC7217{Secret: key, Retries: -1}).IID(good, 0); return err }},
		call{"RFC7217 nil secret", ErrSecret, func() error { _, _, err := (RFC7217{}).IID(good, 0); return err }},
		call{"NetworkManager nil host ID", ErrSecret, func() error { _, _, err := (&NetworkManager{}).IID(good, 0); return err }},
		call{"NetworkManager link-local DAD -1", ErrIDGenRetries, func() error { _, _, err := (&NetworkManager{HostID: key}).LinkLocal(-1); return err }},
		call{"NMHostID nil key", ErrSecret, func() error { _, err := NMHostID(nil, ""); return err }},
		call{"ParseNMStableType empty", nil, func() error { _, err := ParseNMStableType(""); return err }},
	)
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			var err error
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("panic: %v", p)
					}
				}()
				err = c.f()
			}()
			if err == nil {
				t.Fatal("no error")
			}
			if c.err != nil && !errors.Is(err, c.err) {
				t.Errorf("error %v, want %v", err, c.err)
			}
		})
	}
}
