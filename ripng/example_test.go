package ripng_test

import (
	"context"
	"fmt"
	"log"
	"net/netip"
	"time"

	"github.com/v6kit/v6kit/ripng"
)

func ExampleWholeTableRequest() {
	m := ripng.WholeTableRequest()
	b, err := m.MarshalBinary()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("% x\n", b)
	// Output:
	// 01 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 10
}

func ExampleMessage_AppendBinary() {
	m := ripng.Message{Command: ripng.Response, Entries: []ripng.RTE{
		{Prefix: netip.MustParsePrefix("2001:db8:100::/48"), Tag: 7, Metric: 1},
	}}
	b, err := m.AppendBinary(nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("% x\n", b[:4])
	fmt.Printf("% x\n", b[4:])
	// Output:
	// 02 01 00 00
	// 20 01 0d b8 01 00 00 00 00 00 00 00 00 00 00 00 00 07 30 01
}

func ExampleDecoder() {
	b := []byte{
		2, 1, 0, 0, // response, version 1
		0x20, 0x01, 0x0d, 0xb8, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 48, 1, // 2001:db8:100::/48 tag 7 metric 1
		0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 1, // ff02::/16: multicast, dropped
		0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0xff, // next hop fe80::1
		0x20, 0x01, 0x0d, 0xb8, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 48, 2, // 2001:db8:200::/48 metric 2
	}
	d := ripng.NewDecoder(b)
	fmt.Println(d.Command())
	for d.Next() {
		e, err := d.Entry()
		if err != nil {
			fmt.Println("drop:", err)
			continue
		}
		fmt.Println(e)
	}
	if err := d.Err(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// response
	// 2001:db8:100::/48 tag 7 metric 1
	// drop: ripng: multicast or link-local prefix
	// nexthop fe80::1
	// 2001:db8:200::/48 tag 0 metric 2
}

func ExamplePacketize() {
	var routes []ripng.Route
	for i := range 100 {
		p := netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 4: byte(i)}), 40)
		routes = append(routes, ripng.Route{Prefix: p, Metric: 1})
	}
	routes[99].NextHop = netip.MustParseAddr("fe80::2")
	msgs, err := ripng.Packetize(routes, 1500)
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range msgs {
		fmt.Println(len(m.Entries), "entries; last:", m.Entries[len(m.Entries)-1])
	}
	// Output:
	// 72 entries; last: 2001:db8:4700::/40 tag 0 metric 1
	// 29 entries; last: 2001:db8:6300::/40 tag 0 metric 1
}

// A speaker on eth0 announcing one prefix, until ctx ends.
func ExampleSpeaker() {
	conn, err := ripng.Listen("eth0")
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close() // whoever opens, closes: Run does not
	s, err := ripng.NewSpeaker(ripng.Config{
		Interfaces: []ripng.Interface{{Name: "eth0", Conn: conn, LinkLocal: conn.LinkLocal()}},
		Announce:   []ripng.Route{{Prefix: netip.MustParsePrefix("2001:db8:1:1::/64"), Tag: 7}},
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.Run(ctx); err != nil {
		log.Fatal(err)
	}
	for _, r := range s.Routes() {
		fmt.Println(r.Prefix, r.NextHop, r.Metric, r.Tag, r.Interface)
	}
}
