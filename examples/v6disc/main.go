// Command v6disc finds every IPv6 host on the local links — including hosts
// that drop or ignore echo requests — and prints one line per address:
// address, MAC and vendor.
package main

import (
	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/internal/cmd/v6disc"
)

func main() { cli.Exit(v6disc.Command) }
