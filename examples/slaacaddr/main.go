// Command slaacaddr predicts the IPv6 address a host forms with SLAAC — the
// way the Linux kernel, NetworkManager, systemd-networkd, RFC 7217 or
// modified EUI-64 compute it — and simulates RFC 8981 temporary addresses.
// With -i it reads this host's own configuration of an interface and prints
// the stable address it forms on each prefix it learns from router
// advertisements, with the rule and its source:
//
//	$ slaacaddr -i eth0
//	2001:db8:1:2:d4b6:983e:5801:c6d5 linux-stable-privacy present (net.ipv6.conf.eth0.addr_gen_mode=2, net.ipv6.conf.eth0.stable_secret, no permanent MAC)
package main

import (
	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/internal/cmd/slaacaddr"
)

func main() { cli.Exit(slaacaddr.Command) }
