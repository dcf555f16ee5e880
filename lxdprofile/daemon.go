package lxdprofile

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Daemon is the kind of daemon a profile is for: LXD or Incus, its 2023
// fork. They take the same profiles through the same REST API, but differ
// where Incus changed things after the fork: see the package documentation.
type Daemon int

// Daemons. The zero value asks for detection.
const (
	// DetectDaemon lets [Dial] find out from the server's /1.0 answer
	// (environment.server is "lxd" or "incus").
	DetectDaemon Daemon = iota
	// LXD is Canonical's daemon (lxc, /dev/lxd, /var/lib/lxd).
	LXD
	// Incus is the Linux Containers fork (incus, /dev/incus,
	// /var/lib/incus).
	Incus
)

// ErrUnknownDaemon means a server's /1.0 answer names neither LXD nor Incus.
var ErrUnknownDaemon = errors.New("lxdprofile: the server is neither LXD nor Incus")

// String returns "lxd", "incus" or "detect".
func (d Daemon) String() string {
	switch d {
	case LXD:
		return "lxd"
	case Incus:
		return "incus"
	case DetectDaemon:
		return "detect"
	}
	return fmt.Sprintf("Daemon(%d)", int(d))
}

// Name returns the daemon's name as its documentation writes it: "LXD" or
// "Incus" ("LXD or Incus" for DetectDaemon).
func (d Daemon) Name() string {
	switch d {
	case LXD:
		return "LXD"
	case Incus:
		return "Incus"
	}
	return "LXD or Incus"
}

// Command returns the daemon's command-line client: "lxc" or "incus"
// ("lxc" for DetectDaemon).
func (d Daemon) Command() string {
	if d == Incus {
		return "incus"
	}
	return "lxc"
}

// ParseDaemon reads "lxd" or "incus" (any case), or "" or "detect" for
// DetectDaemon.
func ParseDaemon(s string) (Daemon, error) {
	switch strings.ToLower(s) {
	case "", "detect":
		return DetectDaemon, nil
	case "lxd":
		return LXD, nil
	case "incus":
		return Incus, nil
	}
	return DetectDaemon, fmt.Errorf("lxdprofile: unknown daemon %q (lxd, incus or detect)", s)
}

// DaemonOf returns the daemon that answered /1.0 with the environment
// "server" field server ("lxd" or "incus", api.Server's
// Environment.Server). LXD 5.0 and Incus 6.0 both send it; an empty one is
// taken for LXD (Incus has always sent it), any other is an error wrapping
// [ErrUnknownDaemon].
func DaemonOf(server string) (Daemon, error) {
	switch strings.ToLower(server) {
	case "lxd", "":
		return LXD, nil
	case "incus":
		return Incus, nil
	}
	return DetectDaemon, fmt.Errorf("%w: environment.server is %q", ErrUnknownDaemon, server)
}

// IncusSocket is the unix socket of a packaged Incus (Debian, Ubuntu,
// Fedora, Zabbly's packages).
const IncusSocket = "/var/lib/incus/unix.socket"

// SocketsFor returns the unix sockets [Dial] tries for d when it is given
// no path, as each daemon's client finds it. For LXD they are
// [DefaultSockets]; for Incus $INCUS_SOCKET if set, else
// $INCUS_DIR/unix.socket if INCUS_DIR is set, else [IncusSocket]. For
// DetectDaemon the sockets named by those environment variables come first
// (Incus's, then LXD's), then [IncusSocket], [SnapSocket] and
// [DebSocket].
func SocketsFor(d Daemon) []string {
	switch d {
	case LXD:
		return DefaultSockets()
	case Incus:
		if s := os.Getenv("INCUS_SOCKET"); s != "" {
			return []string{s}
		}
		if dir := os.Getenv("INCUS_DIR"); dir != "" {
			return []string{filepath.Join(dir, "unix.socket")}
		}
		return []string{IncusSocket}
	}
	var env []string
	for _, k := range []string{"INCUS_SOCKET", "INCUS_DIR", "LXD_SOCKET", "LXD_DIR"} {
		v := os.Getenv(k)
		switch {
		case v == "":
		case strings.HasSuffix(k, "_DIR"):
			env = append(env, filepath.Join(v, "unix.socket"))
		default:
			env = append(env, v)
		}
	}
	if len(env) > 0 {
		return slices.Compact(env)
	}
	return []string{IncusSocket, SnapSocket, DebSocket}
}

// MACPrefix returns the first three bytes of the MACs d assigns to NICs
// without an hwaddr (volatile.<nic>.hwaddr): 00:16:3e (Xensource's OUI) for
// LXD, 10:66:6a (Zabbly's) for Incus; nil for DetectDaemon.
func (d Daemon) MACPrefix() net.HardwareAddr {
	switch d {
	case LXD:
		return net.HardwareAddr{0x00, 0x16, 0x3e}
	case Incus:
		return net.HardwareAddr{0x10, 0x66, 0x6a}
	}
	return nil
}

// GuestAPIKey returns the config key that gives an instance the guest API
// socket: security.devlxd (/dev/lxd) on LXD, security.guestapi (/dev/incus)
// on Incus.
func (d Daemon) GuestAPIKey() string {
	if d == Incus {
		return "security.guestapi"
	}
	return "security.devlxd"
}
