// Command slaacaddr predicts the IPv6 address a host forms with SLAAC — the
// way the Linux kernel, NetworkManager, systemd-networkd, RFC 7217 or
// modified EUI-64 compute it — and simulates RFC 8981 temporary addresses.
package main

import (
	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/internal/cmd/slaacaddr"
)

func main() { cli.Exit(slaacaddr.Command) }
