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

// ContainerDaemon is a private LXD or Incus daemon (the two are one code
// base, forked in 2023) in a namespace of a Lab; see [LXD] and [Incus].
type ContainerDaemon struct {
	NS     *Netns
	Daemon *Daemon
	// Dir is LXD_DIR or INCUS_DIR; Conf is LXD_CONF or INCUS_CONF (the
	// client's configuration).
	Dir, Conf string
	// Client is the command-line client: "lxc" or "incus".
	Client string
	env    string // "LXD" or "INCUS": the variables' prefix
}

// containerDaemonSpec is what differs between LXD and Incus here.
type containerDaemonSpec struct {
	name    string   // the namespace, the daemon's directory and its name
	conf    string   // the client configuration's directory
	env     string   // the variables' prefix
	argv    []string // the daemon's command, before --group root
	client  []string // the command that runs waitready and init
	cli     string   // the command-line client
	preseed string
}

// startContainerDaemon starts the daemon in a new namespace, waits until it
// is ready (generously: a loaded machine is slow) and initialises it with
// its preseed only.
func (l *Lab) startContainerDaemon(s containerDaemonSpec) (*ContainerDaemon, error) {
	ns, err := l.Namespace(s.name)
	if err != nil {
		return nil, err
	}
	x := &ContainerDaemon{NS: ns, Dir: filepath.Join(l.Dir, s.name), Conf: filepath.Join(l.Dir, s.conf), Client: s.cli, env: s.env}
	for _, d := range []string{x.Dir, x.Conf} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("lab: %s: %w", s.name, err)
		}
	}
	daemon := filepath.Base(s.argv[0])
	x.Daemon, err = ns.Start(DaemonSpec{
		Name:         daemon,
		Args:         append(append([]string(nil), s.argv...), "--group", "root", "--logfile="+filepath.Join(x.Dir, daemon+".log")),
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
	if _, err := x.Run(ctx, "", s.client[0], append(s.client[1:], "waitready", "--timeout=120")...); err != nil {
		return nil, err
	}
	if _, err := x.Run(ctx, s.preseed, s.client[0], append(s.client[1:], "init", "--preseed")...); err != nil {
		return nil, err
	}
	return x, nil
}

// DirEnv is the variable that names Dir to the client: LXD_DIR or
// INCUS_DIR.
func (x *ContainerDaemon) DirEnv() string { return x.env + "_DIR" }

// Socket is the daemon's unix socket.
func (x *ContainerDaemon) Socket() string { return filepath.Join(x.Dir, "unix.socket") }

// Env points the daemon and its client at this daemon.
func (x *ContainerDaemon) Env() []string {
	return []string{x.env + "_DIR=" + x.Dir, x.env + "_CONF=" + x.Conf}
}

// Run runs the daemon's command or its client (lxd, lxc, incus) against
// this daemon with stdin and returns its standard output; an error carries
// stderr. (lxc's first-run banner goes to stderr, so stdout stays exactly
// what the command prints.)
func (x *ContainerDaemon) Run(ctx context.Context, stdin string, name string, args ...string) (string, error) {
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
