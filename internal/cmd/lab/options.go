// Package lab is the program behind examples/lab: it builds a small home
// network out of network namespaces, runs one act per v6kit package on it,
// checks each result against what the kernel (or a real peer) did, reports,
// and removes everything.
package labcmd

import (
	"errors"
	"time"
)

// Options are the program's flags.
type Options struct {
	JSON  bool   // one JSON object per act
	Keep  bool   // leave the lab up and say how to enter it
	Down  bool   // remove every lab left behind, and nothing else
	SVG   string // write a picture of the lab here
	Peers bool   // swap in the real daemons where installed
	// ActTimeout cuts an act that hangs (default 30 s).
	ActTimeout time.Duration
	// ID names the lab (default random); with Down it limits the removal
	// to that lab. Tests use it to know the namespaces' names.
	ID string
}

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
