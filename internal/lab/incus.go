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

// IncusDaemon is where Debian installs the Incus daemon (package
// incus-base); it is not on PATH.
const IncusDaemon = "/usr/libexec/incus/incusd"

// IncusPreseed initialises a private Incus as LXDPreseed does LXD: no
// networks (`incus admin init --minimal` and --auto would probe random 10.x
// addresses: never use them), a dir storage pool, and a root disk in the
// default profile.
const IncusPreseed = `config: {}
networks: []
storage_pools:
- name: default
  driver: dir
profiles:
- name: default
  description: Default Incus profile
  devices:
    root:
      path: /
      pool: default
      type: disk
`

// Incus is a private Debian Incus daemon in a namespace of a Lab, the
// counterpart of [LXD]: its own INCUS_DIR and INCUS_CONF under the lab's
// directory (so incus never writes the host's ~/.config/incus), initialised
// with IncusPreseed only. The lab stops it by PID and removes its
// directories.
type Incus struct {
	NS     *Netns
	Daemon *Daemon
	// Dir is INCUS_DIR; Conf is INCUS_CONF (the incus client's
	// configuration).
	Dir, Conf string
}

// StartIncus starts `incusd --group root` in a new namespace named "incus",
// waits until it is ready (generously: a loaded machine is slow) and
// initialises it with IncusPreseed.
func (l *Lab) StartIncus() (*Incus, error) {
	ns, err := l.Namespace("incus")
	if err != nil {
		return nil, err
	}
	x := &Incus{NS: ns, Dir: filepath.Join(l.Dir, "incus"), Conf: filepath.Join(l.Dir, "incus-conf")}
	for _, d := range []string{x.Dir, x.Conf} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("lab: incus: %w", err)
		}
	}
	x.Daemon, err = ns.Start(DaemonSpec{
		Name:         "incusd",
		Args:         []string{IncusDaemon, "--group", "root", "--logfile=" + filepath.Join(x.Dir, "incusd.log")},
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
	if _, err := x.Run(ctx, "", "incus", "admin", "waitready", "--timeout=120"); err != nil {
		return nil, err
	}
	if _, err := x.Run(ctx, IncusPreseed, "incus", "admin", "init", "--preseed"); err != nil {
		return nil, err
	}
	return x, nil
}

// Socket is the daemon's unix socket.
func (x *Incus) Socket() string { return filepath.Join(x.Dir, "unix.socket") }

// Env points incusd and incus at this daemon.
func (x *Incus) Env() []string { return []string{"INCUS_DIR=" + x.Dir, "INCUS_CONF=" + x.Conf} }

// Run runs incus against this daemon with stdin and returns its standard
// output; an error carries stderr.
func (x *Incus) Run(ctx context.Context, stdin string, name string, args ...string) (string, error) {
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
