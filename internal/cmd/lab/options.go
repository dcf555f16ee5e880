// Package labcmd is the program behind examples/lab: it builds a small home
// network out of network namespaces, runs one act per v6kit package on it,
// checks each result against what the kernel (or a real peer) did, reports,
// and removes everything.
package labcmd

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/v6kit/v6kit/internal/cli"
)

// Options are the program's flags.
type Options struct {
	JSON  bool   // one JSON object per act
	Keep  bool   // leave the lab up and say how to enter it
	Down  bool   // remove every lab left behind, and nothing else
	SVG   string // write a picture of the lab here
	Peers bool   // swap in the real daemons where installed
	// ActTimeout cuts an act that hangs (0 means 30 s).
	ActTimeout time.Duration
	// ID names the lab (default random); with Down it limits the removal
	// to that lab. Tests use it to know the namespaces' names.
	ID string
	// Break breaks the mostly-v6 act's network on purpose, one of Breaks;
	// the act then holds when the probe flags the break on its line.
	Break string
}

// Breaks are the ways -break can break the IPv6-only client's network,
// each with the probe's check that must flag it.
var Breaks = map[string]string{
	"dns64-prefix": "rfc7050", // unbound synthesises with 64:ff9b::/96, the RAs announce the lab's prefix
	"nat64-down":   "nat64",   // tayga stopped while unbound still synthesises
	"no-rdnss":     "rdnss",   // the RAs name no DNS server
	"short-pref64": "pref64",  // PREF64 lifetime 96 s under a router lifetime of 1800 s
}

// DefaultActTimeout is how long an act may take unless -act-timeout says.
const DefaultActTimeout = 30 * time.Second

// maxIDLen keeps namespace names ("v6k-ID-upstream") short.
const maxIDLen = 16

// ErrNotRoot is returned when the lab cannot build namespaces.
var ErrNotRoot = errors.New("lab: needs root (CAP_SYS_ADMIN for network namespaces, CAP_NET_ADMIN, CAP_NET_RAW); " +
	"run `sudo go run ./examples/lab`, or without privileges try `go run ./examples/slaacaddr -mode eui64 -mac 00:16:3e:65:2b:99 -prefix 2001:db8:8011:fd44::/64`")

// ErrActsFailed is returned when at least one act did not succeed.
var ErrActsFailed = errors.New("lab: some acts failed")

// Result is one act's outcome: what -json prints.
type Result struct {
	Act     string         `json:"act"`
	OK      bool           `json:"ok"`
	Seconds float64        `json:"seconds"`
	Details map[string]any `json:"details"`
	// Summary is the one-line human figure; Next is the command a user
	// would type next. Both are in Details for -json.
	Summary string `json:"-"`
	Next    string `json:"-"`
	Err     error  `json:"-"`
}

// check validates o before anything is built: usage errors say what is
// wrong and what to do.
func check(o Options) error {
	switch {
	case o.ActTimeout < 0:
		return cli.Usagef("-act-timeout %v is negative; give how long one act may take, such as 30s", o.ActTimeout)
	case o.ID != "" && !validID(o.ID):
		return cli.Usagef("-id %q is not a lab ID; give 1 to %d lower-case letters and digits, such as t1", o.ID, maxIDLen)
	case o.Down && (o.Keep || o.SVG != "" || o.Peers || o.JSON):
		return cli.Usagef("-down only removes labs left behind; drop -keep, -svg, -peers and -json (or drop -down)")
	case o.Down && o.Break != "":
		return cli.Usagef("-down only removes labs left behind; drop -break (or drop -down)")
	case o.Break != "" && Breaks[o.Break] == "":
		return cli.Usagef("-break %q is not a way to break the lab; give dns64-prefix, nat64-down, no-rdnss or short-pref64", o.Break)
	case (o.Break == "short-pref64" || o.Break == "dns64-prefix") && o.Peers:
		return cli.Usagef("-break %s needs v6kit's advertiser (radvd 2.19 sends no PREF64 to disagree with); drop -peers", o.Break)
	}
	if o.SVG != "" {
		return checkSVGPath(o.SVG)
	}
	return nil
}

func validID(id string) bool {
	if len(id) > maxIDLen {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// checkSVGPath makes sure the picture can be written at the end of the
// run: its directory exists and takes a new file, and the path is not a
// directory.
func checkSVGPath(path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return cli.Usagef("-svg %s is a directory; give a file name such as %s", path, filepath.Join(path, "lab.svg"))
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return cli.Usagef("-svg %s: directory %s does not exist; create it or give a path in an existing one", path, dir)
	case err != nil:
		return cli.Usagef("-svg %s: directory %s: %v; give a path in a directory you can write", path, dir, unwrapPath(err))
	case !st.IsDir():
		return cli.Usagef("-svg %s: %s is not a directory; give a path in a directory", path, dir)
	}
	f, err := os.CreateTemp(dir, ".lab-svg-check-*")
	if err != nil {
		return cli.Usagef("-svg %s: directory %s is not writable (%v); give a path in a directory you can write", path, dir, unwrapPath(err))
	}
	name := f.Name()
	f.Close()
	if err := os.Remove(name); err != nil {
		return fmt.Errorf("lab: -svg check: %w", err)
	}
	return nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
