//go:build linux

package lab

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// LXDPreseed initialises a private LXD: no networks (lxd init --minimal and
// --auto would probe random 10.x addresses: never use them), a dir storage
// pool, and a root disk in the default profile.
const LXDPreseed = `config: {}
networks: []
storage_pools:
- name: default
  driver: dir
profiles:
- name: default
  description: Default LXD profile
  devices:
    root:
      path: /
      pool: default
      type: disk
`

// LXD is a private Debian LXD daemon in a namespace of a Lab: its own
// LXD_DIR and LXD_CONF under the lab's directory (so lxc never writes the
// host's ~/.config/lxc), initialised with LXDPreseed only. The lab stops it
// by PID and removes its directories.
type LXD struct {
	NS     *Netns
	Daemon *Daemon
	// Dir is LXD_DIR; Conf is LXD_CONF (lxc's client configuration).
	Dir, Conf string
}

// StartLXD starts `lxd --group root` in a new namespace named "lxd",
// waits until it is ready (generously: a loaded machine is slow) and
// initialises it with LXDPreseed.
func (l *Lab) StartLXD() (*LXD, error) {
	ns, err := l.Namespace("lxd")
	if err != nil {
		return nil, err
	}
	x := &LXD{NS: ns, Dir: filepath.Join(l.Dir, "lxd"), Conf: filepath.Join(l.Dir, "lxc-conf")}
	for _, d := range []string{x.Dir, x.Conf} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("lab: lxd: %w", err)
		}
	}
	x.Daemon, err = ns.Start(DaemonSpec{
		Name:         "lxd",
		Args:         []string{"lxd", "--group", "root", "--logfile=" + filepath.Join(x.Dir, "lxd.log")},
		Env:          x.Env(),
		StartTimeout: 120 * time.Second,
		Ready: func(*Daemon) (bool, error) {
			_, err := os.Stat(x.Socket())
			return err == nil, nil
		},
	})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	if _, err := x.Run(ctx, "", "lxd", "waitready", "--timeout=120"); err != nil {
		return nil, err
	}
	if _, err := x.Run(ctx, LXDPreseed, "lxd", "init", "--preseed"); err != nil {
		return nil, err
	}
	return x, nil
}

// Socket is the daemon's unix socket.
func (x *LXD) Socket() string { return filepath.Join(x.Dir, "unix.socket") }

// Env points lxd and lxc at this daemon.
func (x *LXD) Env() []string { return []string{"LXD_DIR=" + x.Dir, "LXD_CONF=" + x.Conf} }

// Run runs lxd or lxc against this daemon with stdin and returns its
// standard output; an error carries stderr. (lxc's first-run banner goes to
// stderr, so stdout stays exactly what the command prints.)
func (x *LXD) Run(ctx context.Context, stdin string, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), x.Env()...)
	cmd.Stdin = strings.NewReader(stdin)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("lab: %s %s: %w\n%s%s", name, strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out), nil
}
