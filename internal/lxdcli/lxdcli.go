// Package lxdcli is what the LXD and Incus programs (lxd-macvlan, lxd-dns)
// share: the -socket and -daemon flags, and connecting to the daemon with an
// error line that names the sockets tried and says how to pick another.
package lxdcli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/lxdprofile"
)

// HelpSockets is the help text's paragraph on how the programs find their
// daemon.
const HelpSockets = `The daemon is LXD or Incus, whichever answers (-daemon lxd or -daemon incus
to insist on one). It is found as lxc and incus find theirs: -socket, else
$INCUS_SOCKET, $INCUS_DIR/unix.socket, $LXD_SOCKET, $LXD_DIR/unix.socket
(those set), else /var/lib/incus/unix.socket,
/var/snap/lxd/common/lxd/unix.socket, then /var/lib/lxd/unix.socket.`

// Flags are the parsed -socket and -daemon flags.
type Flags struct {
	Socket string
	daemon string
}

// Register adds -socket and -daemon to fs.
func (f *Flags) Register(fs *flag.FlagSet) {
	fs.StringVar(&f.Socket, "socket", "", "the daemon's unix socket `path` (default: see above)")
	fs.StringVar(&f.daemon, "daemon", "", "the `daemon`, lxd or incus (default: whichever answers)")
}

// Daemon returns the daemon -daemon asks for, or a usage error.
func (f *Flags) Daemon() (lxdprofile.Daemon, error) {
	d, err := lxdprofile.ParseDaemon(f.daemon)
	if err != nil {
		return d, cli.Usagef("-daemon %q is not a daemon; give lxd or incus, or leave it out to take whichever answers", f.daemon)
	}
	return d, nil
}

// Connect connects to the daemon the flags name ([lxdprofile.Dial]). When
// none answers, the error (still wrapping [lxdprofile.ErrNoDaemon]) lists
// the sockets tried and says how to pick one: -socket, the environment
// variables that apply (or fix the ones set), -daemon.
func (f *Flags) Connect(ctx context.Context) (*lxdprofile.Client, error) {
	d, err := f.Daemon()
	if err != nil {
		return nil, err
	}
	c, err := lxdprofile.Dial(ctx, lxdprofile.DialOptions{Daemon: d, Socket: f.Socket})
	switch {
	case err == nil:
		return c, nil
	case errors.Is(err, lxdprofile.ErrWrongDaemon):
		return nil, fmt.Errorf("%w; give %s's socket with -socket PATH, or drop -daemon", err, d.Name())
	case errors.Is(err, lxdprofile.ErrNoDaemon) && f.Socket != "":
		return nil, fmt.Errorf("%w; check -socket (Incus's is %s, a snap LXD's %s)", err, lxdprofile.IncusSocket, lxdprofile.SnapSocket)
	case errors.Is(err, lxdprofile.ErrNoDaemon):
		vars := envVars(d)
		var set []string
		for _, k := range vars {
			if v := os.Getenv(k); v != "" {
				set = append(set, k+"="+v)
			}
		}
		if len(set) > 0 {
			// The environment chose the socket: that is what to fix.
			return nil, fmt.Errorf("%w; fix or unset %s, or give the socket with -socket PATH", err, strings.Join(set, ", "))
		}
		return nil, fmt.Errorf("%w; give the socket with -socket PATH or set %s", err, orList(vars))
	}
	return nil, err
}

// envVars are the environment variables that choose d's socket, as
// [lxdprofile.SocketsFor] reads them.
func envVars(d lxdprofile.Daemon) []string {
	switch d {
	case lxdprofile.LXD:
		return []string{"LXD_SOCKET", "LXD_DIR"}
	case lxdprofile.Incus:
		return []string{"INCUS_SOCKET", "INCUS_DIR"}
	}
	return []string{"INCUS_SOCKET", "INCUS_DIR", "LXD_SOCKET", "LXD_DIR"}
}

// orList joins names as "A, B or C".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
