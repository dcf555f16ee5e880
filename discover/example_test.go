package discover_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/netip"
	"time"

	"github.com/v6kit/v6kit/discover"
)

func ExampleVendors_Lookup() {
	v, err := discover.LoadVendors()
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range []string{"00:16:3e:12:34:56", "b8:27:eb:01:02:03", "da:a1:19:00:00:01"} {
		mac, _ := net.ParseMAC(s)
		fmt.Printf("%s %s\n", mac, v.Name(mac))
	}
	// Output:
	// 00:16:3e:12:34:56 Xensource, Inc.
	// b8:27:eb:01:02:03 Raspberry Pi Foundation
	// da:a1:19:00:00:01 locally administered
}

func ExampleMethod_String() {
	fmt.Println(discover.MethodInvalidDst | discover.MethodMLD)
	// Output:
	// invalid-dst,mld
}

func ExampleScanner_Scan() {
	ifi, err := net.InterfaceByName("eth0")
	if err != nil {
		log.Fatal(err)
	}
	s, err := discover.NewScanner(ifi, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	for h, err := range s.Scan(context.Background()) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(h.MAC, h.Vendor, h.Addrs, h.Methods)
	}
}

// Act on each host and address as the scan finds it, instead of waiting
// for the scan to end: a DNS updater, say. A link-local address comes
// zoned with the interface's index ("fe80::2%3"), ready to dial.
func ExampleScanner_Events() {
	ifi, err := net.InterfaceByName("eth0")
	if err != nil {
		log.Fatal(err)
	}
	s, err := discover.NewScanner(ifi, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	for e, err := range s.Events(context.Background()) {
		if err != nil {
			log.Fatal(err)
		}
		switch e.Kind {
		case discover.FoundHost:
			fmt.Println("host", e.Host.MAC, e.Host.Vendor)
		case discover.FoundAddr:
			fmt.Println("  address", e.Addr.Addr, "of", e.Host.MAC)
		}
	}
	// The loop ends once the link has gone quiet; no goroutine is left.
}

func ExampleReverseName() {
	fmt.Println(discover.ReverseName(netip.MustParseAddr("2001:db8::567:89ab")))
	// Output:
	// b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.
}

// Scan a link, then ask mDNS for the names of what was found.
func ExampleNames() {
	ifi, err := net.InterfaceByName("eth0")
	if err != nil {
		log.Fatal(err)
	}
	s, err := discover.NewScanner(ifi, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	hosts, err := s.ScanAll(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	var addrs []netip.Addr
	for _, h := range hosts {
		for _, a := range h.Addrs {
			addrs = append(addrs, a.Addr)
		}
	}
	names, err := discover.Names(context.Background(), ifi, addrs, time.Second)
	if err != nil {
		log.Fatal(err)
	}
	for _, h := range hosts {
		for _, a := range h.Addrs {
			fmt.Println(a.Addr, h.MAC, names[a.Addr])
		}
	}
}

// A message that is not an answer is a *ParseError saying where and why.
func ExampleParseReverseAnswers_notAnAnswer() {
	q, err := discover.AppendReverseQuery(nil, 1, []netip.Addr{netip.MustParseAddr("2001:db8::1")})
	if err != nil {
		log.Fatal(err)
	}
	_, err = discover.ParseReverseAnswers(q)
	var pe *discover.ParseError
	fmt.Println(err)
	fmt.Println(errors.As(err, &pe), errors.Is(err, discover.ErrNotResponse))
	// Output:
	// discover: parse mdns response at offset 2: not an mDNS response
	// true true
}
