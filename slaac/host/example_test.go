package host_test

import (
	"fmt"
	"log"

	"github.com/v6kit/v6kit/slaac"
	"github.com/v6kit/v6kit/slaac/host"
)

// The stable address this host forms on each prefix eth0 learns from
// router advertisements (what a dynamic-DNS updater publishes), and how
// each of eth0's current addresses was formed.
func ExampleRead() {
	h, err := host.Read("eth0")
	if err != nil {
		log.Fatal(err)
	}
	link, err := host.ReadLink("eth0")
	if err != nil {
		log.Fatal(err)
	}
	rules, err := h.Rules()
	if err != nil {
		log.Fatal(err) // errors.Is(err, slaac.ErrNoAddress): the host forms none
	}
	for _, p := range link.RAPrefixes {
		for _, r := range rules {
			if a, _, err := slaac.Form(r.Generator, p, nil); err == nil && r.Applies(p) {
				fmt.Println(a, r.Name, r.Source)
			}
		}
	}
	for _, a := range link.Addrs {
		ev := link.Evidence(a.Prefix.Addr())
		ev.Stable = h.Stable()
		fmt.Println(a.Prefix.Addr(), slaac.Classify(a.Prefix.Addr(), ev))
	}
}
