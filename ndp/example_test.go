package ndp_test

import (
	"context"
	"fmt"
	"log"
	"net"
	"net/netip"
	"time"

	"github.com/v6kit/v6kit/ndp"
)

func ExamplePREF64_MarshalBinary() {
	p := ndp.PREF64{Prefix: netip.MustParsePrefix("64:ff9b::/96"), Lifetime: 30 * time.Minute}
	b, err := p.MarshalBinary()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("% x\n", b)
	// Output:
	// 26 02 07 08 00 64 ff 9b 00 00 00 00 00 00 00 00
}

func ExampleParseRouterAdvertisement() {
	ra := []byte{
		134, 0, 0, 0, // type RA, code, checksum
		64, 0x48, 0x07, 0x08, // hop limit 64, O flag, preference high, lifetime 1800 s
		0, 0, 0, 0, 0, 0, 0, 0, // reachable time, retrans timer
		5, 1, 0, 0, 0, 0, 0x05, 0x78, // MTU 1400
		38, 2, 0x07, 0x08, 0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, // PREF64 64:ff9b::/96
	}
	r, err := ndp.ParseRouterAdvertisement(ra)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Other, r.Preference, r.Lifetime, r.MTU, r.PREF64[0])
	// Output:
	// true High 30m0s 1400 64:ff9b::/96 lifetime 30m0s
}

func ExampleSolicitRouters() {
	ifi, err := net.InterfaceByName("eth0")
	if err != nil {
		log.Fatal(err)
	}
	routers, err := ndp.SolicitRouters(context.Background(), ifi, 2*time.Second)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range routers {
		fmt.Println(r.Addr, r.MAC, r.Lifetime, r.Prefixes)
	}
}

func ExampleResolve() {
	ifi, err := net.InterfaceByName("eth0")
	if err != nil {
		log.Fatal(err)
	}
	n, err := ndp.Resolve(context.Background(), ifi, netip.MustParseAddr("2001:db8::1"), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n.MAC, n.Router)
}

func ExampleNeighbors() {
	ifi, err := net.InterfaceByName("eth0")
	if err != nil {
		log.Fatal(err)
	}
	ns, err := ndp.Neighbors(ifi, ndp.StatesUsable)
	if err != nil {
		log.Fatal(err)
	}
	for _, n := range ns {
		fmt.Println(n.Addr, n.MAC, n.State)
	}
}

func ExampleWatcher_Sightings() {
	ifi, err := net.InterfaceByName("eth0")
	if err != nil {
		log.Fatal(err)
	}
	w, err := ndp.NewWatcher(ifi)
	if err != nil {
		log.Fatal(err)
	}
	defer w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for s, err := range w.Sightings(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(s.Kind, s.Addr, s.MAC, s.Router)
	}
}

func ExampleNeighborState_String() {
	fmt.Println(ndp.StatesUsable)
	// Output:
	// REACHABLE|STALE|DELAY|PROBE|NOARP|PERMANENT
}

// A tiny radvd: advertise a global and a ULA /64 with DNS and NAT64
// information on eth0 until interrupted, then tell hosts to stop using us.
func ExampleAdvertiser() {
	ifi, err := net.InterfaceByName("eth0")
	if err != nil {
		log.Fatal(err)
	}
	adv, err := ndp.NewAdvertiser(ifi, ndp.AdvertiserConfig{
		MaxInterval: 60 * time.Second,
		Preference:  ndp.PreferenceHigh,
		Prefixes: []ndp.AdvertisedPrefix{
			{Prefix: netip.MustParsePrefix("2001:db8:1:1::/64"), OnLink: true, Autonomous: true},
			{Prefix: netip.MustParsePrefix("fd00:db8:1:1::/64"), OnLink: true, Autonomous: true},
		},
		RDNSS:  []netip.Addr{netip.MustParseAddr("2001:db8:1:1::1")},
		DNSSL:  []string{"home.arpa"},
		PREF64: netip.MustParsePrefix("64:ff9b::/96"),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer adv.Close()
	ctx, stop := context.WithTimeout(context.Background(), time.Hour) // or signal.NotifyContext
	defer stop()
	if err := adv.Run(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println(adv.Stats().Sent, "RAs sent")
}
