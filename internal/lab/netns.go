//go:build linux

package lab

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Netns is one named network namespace of a Lab (a "host").
type Netns struct {
	// Name is the namespace's full name, as `ip netns list` shows it.
	Name string
	lab  *Lab
}

// Path is the namespace's bind-mount, which setns(2) opens.
func (n *Netns) Path() string { return filepath.Join("/run/netns", n.Name) }

// IP runs `ip -n NAME args...` and returns its error with ip's message.
func (n *Netns) IP(args ...string) error {
	_, err := run(context.Background(), "ip", append([]string{"-n", n.Name}, args...)...)
	return err
}

// Output runs a command inside the namespace (`ip netns exec`) and returns
// its combined output.
func (n *Netns) Output(ctx context.Context, name string, args ...string) ([]byte, error) {
	return run(ctx, "ip", append([]string{"netns", "exec", n.Name, name}, args...)...)
}

// Command returns an unstarted command that runs inside the namespace. The
// process keeps the PID of the program: ip netns exec execs it.
func (n *Netns) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", n.Name, name}, args...)...)
}

// Sysctl sets a sysctl inside the namespace by writing /proc/sys from a
// thread inside it (net.* sysctls are per namespace). key uses dots, as in
// "net.ipv6.conf.eth0.accept_dad"; an interface name with dots is not
// supported.
func (n *Netns) Sysctl(key, value string) error {
	path := filepath.Join("/proc/sys", strings.ReplaceAll(key, ".", "/"))
	return n.Run(func() error {
		if err := os.WriteFile(path, []byte(value), 0o644); err != nil {
			return fmt.Errorf("lab: sysctl %s=%s in %s: %w", key, value, n.Name, err)
		}
		return nil
	})
}

// ReadSysctl reads a sysctl inside the namespace.
func (n *Netns) ReadSysctl(key string) (string, error) {
	path := filepath.Join("/proc/sys", strings.ReplaceAll(key, ".", "/"))
	var v string
	err := n.Run(func() error {
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("lab: sysctl %s in %s: %w", key, n.Name, err)
		}
		v = strings.TrimSpace(string(b))
		return nil
	})
	return v, err
}

// pids lists the processes inside the namespace.
func (n *Netns) pids() []int {
	out, err := run(context.Background(), "ip", "netns", "pids", n.Name)
	if err != nil {
		return nil
	}
	var pids []int
	for _, f := range strings.Fields(string(out)) {
		if pid, err := strconv.Atoi(f); err == nil && pid != os.Getpid() {
			pids = append(pids, pid)
		}
	}
	return pids
}

// delete kills what still runs inside the namespace (a daemon that forked
// away from its PID file, say: anything inside was started by the lab),
// then deletes it, which destroys its veths and bridges.
func (n *Netns) delete() error {
	if _, err := os.Stat(n.Path()); os.IsNotExist(err) {
		return nil
	}
	pids := n.pids()
	for _, pid := range pids {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(n.pids()) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	_, err := run(context.Background(), "ip", "netns", "delete", n.Name)
	return err
}
