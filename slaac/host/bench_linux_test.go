package host_test

import (
	"testing"

	"github.com/v6kit/v6kit/internal/labtest"
	"github.com/v6kit/v6kit/slaac/host"
)

// BenchmarkRead is a full read of a real interface (a veth in a lab
// namespace, addr_gen_mode 2): netlink for the link, addresses and RA
// routes, every sysctl, the NetworkManager and networkd state files
// (absent here), and the rules. As root.
func BenchmarkRead(b *testing.B) {
	l := labtest.New(b)
	h, err := l.Namespace("host")
	if err != nil {
		b.Fatal(err)
	}
	r, err := l.Namespace("rtr")
	if err != nil {
		b.Fatal(err)
	}
	if err := l.Veth(h, "eth0", r, "eth0"); err != nil {
		b.Fatal(err)
	}
	if err := h.Sysctl("net.ipv6.conf.eth0.stable_secret", "2001:db8::1"); err != nil {
		b.Fatal(err)
	}
	if err := h.Up("eth0"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	err = h.Run(func() error {
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			hst, err := host.Read("eth0")
			if err != nil {
				return err
			}
			if _, err := host.ReadLink("eth0"); err != nil {
				return err
			}
			if _, err := hst.Rules(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
