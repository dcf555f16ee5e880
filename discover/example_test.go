package discover_test

import (
	"context"
	"fmt"
	"log"
	"net"

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
