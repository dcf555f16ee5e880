package labcmd

import (
	"context"
	"flag"
	"io"

	"github.com/v6kit/v6kit/internal/cli"
)

// Command is the lab program.
var Command = cli.Command{Name: "lab", Help: help, Setup: setup}

const help = `usage: lab [-json] [-keep] [-svg FILE] [-peers] [-id ID] [-act-timeout D] [-break CASE] | lab -down [-id ID]

Builds a virtual home network (router, upstream router, Raspberry Pi,
laptop, IoT device, lost device, LXD host with a macvlan container, and
an IPv4-only internet behind the router's DNS64 and NAT64) in network
namespaces, runs the v6kit stories on it (predict, rescue,
mostly-v6, routing, container), checks each against what the kernel and
real peers did, prints a report and removes everything. Needs root
(CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_NET_RAW). Exit status 1 when an act fails.

examples:
  sudo go run ./examples/lab -svg lab.svg
  sudo go run ./examples/lab -peers -json
  sudo go run ./examples/lab -down
  sudo go run ./examples/lab -break dns64-prefix

-break breaks the IPv6-only client's network on purpose, to show what
v6only-probe says about it; the mostly-v6 act holds when the probe flags
the break on its line: dns64-prefix (DNS64 synthesises with 64:ff9b::/96,
not the announced prefix: the RFC 7050 line), nat64-down (tayga stopped
while DNS64 synthesises: the NAT64 line), no-rdnss (RAs without RDNSS: the
RDNSS line), short-pref64 (PREF64 lifetime below the router lifetime: the
PREF64 line).

-json prints one object per act, as it finishes:
  act      string  predict, rescue, mostly-v6, routing or container
  ok       bool    the act's checks held
  seconds  number  how long it took
  details  object  the act's figures; always "summary" (string), and "lines" ([]string),
                   "next" (string: the command to try next), "error" (string) when it failed;
    predict    hosts (object by role: predicted, kernel, temporary []string, method string),
               predicted, matched (number of addresses)
    rescue     hosts ([]object: role, mac, vendor, addrs []string, methods []string),
               all_found_seconds (number), stable_found, stable_total (number)
    mostly-v6  probe (object: v6only-probe's -json report), server (string), legacy_lease (string),
               nat64 (object: prefix, source, name, aaaa, fetched, seen_as, literal, via strings;
               echo_ms, tcp_ms numbers), absent without unbound and tayga;
               break (string: the -break case), only with -break
    routing    upstream (string), converged_seconds, withdrawn_seconds (number)
    container  container ([]string: link-local, global), rtt (object: address to round-trip time string)
`

func setup(fs *flag.FlagSet) cli.RunFunc {
	var o Options
	fs.BoolVar(&o.JSON, "json", false, "print one JSON object per act (keys above)")
	fs.BoolVar(&o.Keep, "keep", false, "leave the lab up and print how to enter each namespace")
	fs.BoolVar(&o.Down, "down", false, "remove every lab left behind (v6k-* namespaces, -keep'd labs) and exit; a running lab is left alone")
	fs.StringVar(&o.SVG, "svg", "", "write a picture of the lab to `FILE` (its directory must exist)")
	fs.BoolVar(&o.Peers, "peers", false, "use the real daemons where installed (radvd, BIRD, dnsmasq, dhclient)")
	fs.StringVar(&o.ID, "id", "", "name the lab `ID`: 1 to 16 lower-case letters and digits (default random); with -down, remove only that lab")
	fs.DurationVar(&o.ActTimeout, "act-timeout", DefaultActTimeout, "cut an act that takes longer than this")
	fs.StringVar(&o.Break, "break", "", "break the mostly-v6 act's network on purpose: `CASE` dns64-prefix, nat64-down, no-rdnss or short-pref64")
	return func(ctx context.Context, stdout io.Writer) error {
		if o.ActTimeout == 0 {
			return cli.Usagef("-act-timeout 0s must be positive; give how long one act may take, such as 30s")
		}
		// Interrupted, it has removed everything it made and returns
		// the cancellation: cli.Main says so and exits 128 + the signal.
		return Run(ctx, o, stdout)
	}
}
