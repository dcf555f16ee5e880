package dhcpv4opt108_test

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/server4"
	"github.com/v6kit/v6kit/dhcpv4opt108"
)

// A server encodes V6ONLY_WAIT from seconds; values that do not fit are
// refused rather than wrapped.
func ExampleNew() {
	o, err := dhcpv4opt108.New(dhcpv4opt108.DefaultV6OnlyWait)
	if err != nil {
		panic(err)
	}
	b, _ := o.MarshalBinary()
	fmt.Printf("%v: % x\n", o, b)

	_, err = dhcpv4opt108.New(1 << 32 * time.Second)
	fmt.Println(err)
	// Output:
	// 1800 s: 00 00 07 08
	// dhcpv4opt108: V6ONLY_WAIT out of range 0..4294967295 s: 1193046h28m16s
}

// A client tells absent, valid and malformed options apart, and clamps the
// wait to MIN_V6ONLY_WAIT.
func ExampleLookup() {
	for _, v := range [][]byte{nil, {0, 0, 0, 60}, {0, 0, 7, 8}, []byte("0000i")} {
		m, _ := dhcpv4.New(dhcpv4.WithMessageType(dhcpv4.MessageTypeOffer))
		if v != nil {
			m.UpdateOption(dhcpv4.OptGeneric(dhcpv4.OptionIPv6OnlyPreferred, v))
		}
		o, p := dhcpv4opt108.Lookup(m)
		if p != dhcpv4opt108.Valid {
			fmt.Println(p)
			continue
		}
		fmt.Printf("%v: sent %v, wait %v\n", p, o.Wait(), o.Effective())
	}
	// Output:
	// absent
	// valid: sent 1m0s, wait 5m0s
	// valid: sent 30m0s, wait 30m0s
	// malformed
}

// A capable client decides on an OFFER: with a requested, valid 108 it
// sends no REQUEST and stays IPv6-only.
func ExampleDecide() {
	offer, _ := dhcpv4.New(dhcpv4.WithMessageType(dhcpv4.MessageTypeOffer),
		dhcpv4.WithOption(dhcpv4opt108.Option{Seconds: 60}.DHCPv4()))
	d := dhcpv4opt108.Decide(dhcpv4opt108.Selecting, true, offer)
	fmt.Println(d.Action, d.Reason, d.Wait)

	d = dhcpv4opt108.Decide(dhcpv4opt108.Selecting, false, offer)
	fmt.Println(d.Action, d.Reason)
	// Output:
	// v6only option 108 valid 5m0s
	// continue option 108 not requested: ignored
}

// A server applies the policy to the reply it built: 108 goes only to a
// client whose Parameter Request List asks for it.
func ExamplePolicy_Apply() {
	p := dhcpv4opt108.Policy{Wait: dhcpv4opt108.Option{Seconds: 1800}}
	for _, ask := range []bool{false, true} {
		req, _ := dhcpv4.New(dhcpv4.WithMessageType(dhcpv4.MessageTypeDiscover))
		if ask {
			dhcpv4opt108.WithRequest()(req)
		}
		resp, _ := dhcpv4.NewReplyFromRequest(req, dhcpv4.WithMessageType(dhcpv4.MessageTypeOffer),
			dhcpv4.WithYourIP(net.IPv4(192, 0, 2, 100)))
		v := p.Apply(req, resp)
		o, presence := dhcpv4opt108.Lookup(resp)
		fmt.Println(v.V6Only, presence, o, resp.YourIPAddr)
	}
	// Output:
	// false absent 0 s 192.0.2.100
	// true valid 1800 s 192.0.2.100
}

// Render writes the line that makes a real server send option 108.
func ExampleRender() {
	for _, t := range []dhcpv4opt108.Target{dhcpv4opt108.DnsmasqNumeric, dhcpv4opt108.ISCDhcpd} {
		b, err := dhcpv4opt108.Render(t, dhcpv4opt108.Option{Seconds: 1800})
		if err != nil {
			panic(err)
		}
		fmt.Print(string(b))
	}
	// Output:
	// # dnsmasq.conf: RFC 8925 IPv6-Only Preferred (option 108, four octets)
	// dhcp-option=108,00:00:07:08
	// # dhcpd.conf, in a subnet or global scope: RFC 8925 IPv6-Only Preferred
	// option v6-only-preferred 1800;
}

// A Server serves a handler on a connection the caller opened, and closes:
// Run never closes it. (It needs a socket, so the example has no output.)
func ExampleServer_Run() {
	conn, err := server4.NewIPv4UDPConn("eth0", &net.UDPAddr{Port: dhcpv4.ServerPort})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close() // whoever opens, closes
	policy := dhcpv4opt108.Policy{Wait: dhcpv4opt108.Option{Seconds: 1800}, ZeroYIAddr: true, ServerID: netip.MustParseAddr("192.0.2.1")}
	h, err := dhcpv4opt108.Handler(policy, nil) // nil: allocate nothing for anyone
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := dhcpv4opt108.NewServer(conn, h, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := s.Run(ctx); err != nil {
		fmt.Println(err)
	}
}
