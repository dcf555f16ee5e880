// Command lab builds a small home network out of network namespaces, runs
// one act per v6kit package on it, checks each against what the kernel and
// real peers did, prints a report and removes everything. Run it as root.
package main

import (
	"github.com/v6kit/v6kit/internal/cli"
	labcmd "github.com/v6kit/v6kit/internal/cmd/lab"
)

func main() { cli.Exit(labcmd.Command) }
