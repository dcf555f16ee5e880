package v6disc

import (
	"context"
	"flag"
	"io"
	"time"

	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/internal/netx"
)

// Command is the v6disc program; examples/v6disc runs it.
var Command = command(realDeps())

const help = `usage: v6disc [-i IF] [-L] [-q | -json [-stream]] [-timeout 1s] [-quiet D] [-watch [-interval 10s] | -names]

Finds the IPv6 hosts on a link — including hosts that drop or ignore echo
requests — with echo from every source, an unknown destination option that
draws Parameter Problem, an MLDv2 query, NS to EUI-64 guesses and the
neighbour cache, and prints address, kind, MAC and vendor, one line per
address, as the hosts answer. Without -i it scans every up, non-loopback Ethernet
interface with carrier. Needs CAP_NET_RAW (root, or setcap cap_net_raw+ep
on the binary). No host found is not an error: the output is then empty.

A scan ends when the link has answered: once the probes have gone out
three times and no answer has brought a new host, address or router for
a quiet period — 25 ms on a wired link, 350 ms on a wireless one, or twice the
slowest host's round trip if that is longer (-quiet sets the floor) — and
a host the neighbour cache knows has answered or had 350 ms to (a
sleeping Wi-Fi station answers at the next DTIM beacon). -timeout caps
it. On a wired LAN a scan usually takes 50 to 100 ms; on a 1000-host
link, asking every host whether it routes takes half a second more.

examples:
  sudo v6disc -i eth0
  sudo v6disc -L -q                  # link-local addresses of every link
  sudo v6disc -i br0 -json -timeout 2s
  sudo v6disc -i eth0 -json -stream  # one object per host and per new address, as they answer
  sudo v6disc -i eth0 -quiet 400ms   # wait longer for Wi-Fi hosts behind a wired access point
  sudo v6disc -i eth0 -watch         # "+ " for addresses that appear, "- " for those that go
  sudo v6disc -i eth0 -names         # and the names mDNS responders give

The text output streams: a line is printed as soon as its address is found.
The kind says how the address was formed, as far as a neighbour can tell
(slaac.Classify with the host's MAC and its other addresses): eui64 (the
MAC's EUI-64), eui64-other (another MAC's), manual (a low-byte identifier
such as ::1 or ::53), reserved (RFC 5453), likely-temporary (opaque, beside
the host's EUI-64 address on the same /64), opaque (stable-privacy or
temporary: without the host's secret nobody can tell). A kind printed early
can change once more addresses are known (opaque to likely-temporary); the
-json output after the scan has the final kinds.
-json prints one object per line: per host once the scan is over, or, with
-stream or -watch, per event as it happens.
  event    string    with -stream or -watch: "joined" (a host answered;
                     addrs are those known so far), "added" (addrs are only
                     the new ones); with -watch also "removed" (addrs went
                     silent) and "left" (addrs are all it had)
  mac      string    the host's MAC, "b8:27:eb:00:00:02"
  vendor   string    IEEE registry name, "locally administered" or "unknown"
  addrs    []string  its IPv6 addresses, link-local first and zoned with the
                     interface ("fe80::2%eth0"), then by address
  kinds    []string  how each of addrs was formed, in the same order: eui64,
                     eui64-other, manual, reserved, likely-temporary, opaque
  methods  []string  techniques that found it (so far, with -stream): echo,
                     invalid-dst, mld, ns, neighbor, ra, passive
  router   bool      it sent a Router Advertisement or an NA with the R flag
  name     string    with -names, when a responder gave one ("pi.local")
`

// maxTimeout bounds -timeout and -interval: a scan or a pause longer than
// an hour is a typo (1h for 1m, say).
const maxTimeout = time.Hour

func command(d deps) cli.Command {
	return cli.Command{Name: "v6disc", Help: help, Setup: func(fs *flag.FlagSet) cli.RunFunc {
		var o Options
		fs.StringVar(&o.Interface, "i", "", "`interface` to scan (default: every up, non-loopback Ethernet interface with carrier)")
		fs.BoolVar(&o.LinkLocal, "L", false, "link-local addresses only")
		fs.BoolVar(&o.Quiet, "q", false, "print addresses only")
		fs.BoolVar(&o.JSON, "json", false, "one JSON object per host (keys above)")
		fs.DurationVar(&o.Timeout, "timeout", time.Second, "the longest a scan lasts, up to 1h (it ends sooner once the link is quiet)")
		fs.DurationVar(&o.QuietFloor, "quiet", 0, "the least `time` the link must stay quiet for a scan to end, up to 1h (default 25ms wired, 350ms wireless)")
		fs.BoolVar(&o.Stream, "stream", false, "with -json: one object per host and per new address, as they answer")
		fs.BoolVar(&o.Watch, "watch", false, "keep scanning; report addresses that appear (+) and go (-)")
		fs.DurationVar(&o.Interval, "interval", 10*time.Second, "pause between scans with -watch, up to 1h")
		fs.BoolVar(&o.Names, "names", false, `after the scan, ask mDNS for the hosts' names (a last column; JSON key "name")`)
		return func(ctx context.Context, stdout io.Writer) error {
			set := map[string]bool{}
			fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
			if err := o.check(set); err != nil {
				return err
			}
			return run(ctx, o, stdout, d)
		}
	}}
}

// check validates the flags before anything opens.
func (o *Options) check(set map[string]bool) error {
	switch {
	case set["i"] && netx.CheckName(o.Interface) != nil:
		return cli.Usagef("-i: %v", netx.CheckName(o.Interface))
	case o.Timeout < time.Millisecond || o.Timeout > maxTimeout:
		return cli.Usagef("-timeout %v is out of range; give a duration from 1ms to 1h, such as 2s", o.Timeout)
	case set["quiet"] && (o.QuietFloor < time.Millisecond || o.QuietFloor > maxTimeout):
		return cli.Usagef("-quiet %v is out of range; give a duration from 1ms to 1h, such as 400ms", o.QuietFloor)
	case o.Stream && !o.JSON:
		return cli.Usagef("-stream works with -json (the text output always streams); add -json or drop -stream")
	case o.Stream && (o.Watch || o.Names):
		return cli.Usagef("-stream works with a scan without -names (-watch streams already); drop one of them")
	case o.Interval < time.Millisecond || o.Interval > maxTimeout:
		return cli.Usagef("-interval %v is out of range; give a duration from 1ms to 1h, such as 30s", o.Interval)
	case set["interval"] && !o.Watch:
		return cli.Usagef("-interval works with -watch; add -watch or drop -interval")
	case o.Names && o.Watch:
		return cli.Usagef("-names works with a scan, not with -watch; drop one of them")
	case o.Quiet && o.JSON:
		return cli.Usagef("-q and -json exclude each other; pick one")
	}
	return nil
}
