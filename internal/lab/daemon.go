//go:build linux

package lab

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// DaemonSpec says how to start a peer daemon and how to tell it is ready.
type DaemonSpec struct {
	// Name is a short label, used for the log file name and messages.
	Name string
	// Args is the program and its arguments, run inside the namespace. It
	// should stay in the foreground; for one that forks, set PIDFile.
	Args []string
	// Env is added to the environment.
	Env []string
	// Dir is the working directory (default: the lab's directory).
	Dir string
	// PIDFile, when set, names the file in which a forking daemon writes
	// its PID; Stop ends that PID too.
	PIDFile string
	// Ready is polled until it returns true (or an error, or StartTimeout
	// passes). Nil means ready as soon as the process runs.
	Ready func(d *Daemon) (bool, error)
	// StartTimeout bounds the wait for Ready; default 30 s, generous so a
	// loaded CI machine never flakes.
	StartTimeout time.Duration
}

// Daemon is a started peer daemon. Its output goes to LogPath.
type Daemon struct {
	Name    string
	LogPath string
	Cmd     *exec.Cmd

	spec DaemonSpec
	ns   *Netns
	done chan struct{}
	err  error // the process's exit error, valid once done is closed
	once sync.Once
}

// Start starts a daemon inside n, its stdout and stderr in a log file in
// the lab's directory, and waits until spec.Ready says it is ready. The lab
// stops it on Close; on a failed start it is stopped at once and the error
// includes the tail of its log.
func (n *Netns) Start(spec DaemonSpec) (*Daemon, error) {
	if len(spec.Args) == 0 {
		return nil, errors.New("lab: start: no program")
	}
	if spec.Name == "" {
		spec.Name = filepath.Base(spec.Args[0])
	}
	if spec.StartTimeout == 0 {
		spec.StartTimeout = 30 * time.Second
	}
	made, err := n.lab.begin()
	if err != nil {
		return nil, fmt.Errorf("lab: start %s: %w", spec.Name, err)
	}
	made = sync.OnceFunc(made)
	defer made()
	logf, err := os.CreateTemp(n.lab.Dir, spec.Name+"-*.log")
	if err != nil {
		return nil, fmt.Errorf("lab: start %s: %w", spec.Name, err)
	}
	defer logf.Close()
	cmd := n.Command(context.Background(), spec.Args[0], spec.Args[1:]...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(os.Environ(), spec.Env...)
	cmd.Dir = n.lab.Dir
	if spec.Dir != "" {
		cmd.Dir = spec.Dir
	}
	// Its own process group, so a terminal's Ctrl-C reaches only us and we
	// stop it in order.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("lab: start %s: %w", spec.Name, err)
	}
	d := &Daemon{Name: spec.Name, LogPath: logf.Name(), Cmd: cmd, spec: spec, ns: n, done: make(chan struct{})}
	go func() {
		d.err = cmd.Wait()
		close(d.done)
	}()
	n.lab.mu.Lock()
	n.lab.daemons = append(n.lab.daemons, d)
	n.lab.mu.Unlock()
	made() // recorded: Close stops it from here on, not waiting for Ready

	if err := d.waitReady(); err != nil {
		_ = d.Stop()
		return nil, fmt.Errorf("lab: %s did not become ready: %w\n--- %s log ---\n%s", spec.Name, err, spec.Name, tail(d.Log(), 4000))
	}
	return d, nil
}

func (d *Daemon) waitReady() error {
	if d.spec.Ready == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), d.spec.StartTimeout)
	defer cancel()
	return WaitFor(ctx, 10*time.Millisecond, func() (bool, error) {
		if d.Exited() && d.spec.PIDFile == "" {
			return false, fmt.Errorf("exited: %v", d.err)
		}
		return d.spec.Ready(d)
	})
}

// Exited reports whether the started process has exited (a forking daemon
// exits at once; its child lives on under PIDFile).
func (d *Daemon) Exited() bool {
	select {
	case <-d.done:
		return true
	default:
		return false
	}
}

// Log returns what the daemon has written so far.
func (d *Daemon) Log() string {
	b, _ := os.ReadFile(d.LogPath)
	return string(b)
}

// WaitLog waits until the log contains substr.
func (d *Daemon) WaitLog(ctx context.Context, substr string) error {
	err := WaitFor(ctx, 10*time.Millisecond, func() (bool, error) {
		return strings.Contains(d.Log(), substr), nil
	})
	if err != nil {
		return fmt.Errorf("lab: %s log never showed %q: %w\n--- log ---\n%s", d.Name, substr, err, tail(d.Log(), 4000))
	}
	return nil
}

// PID returns the daemon's PID: from PIDFile when set and readable, else
// the started process's.
func (d *Daemon) PID() int {
	if d.spec.PIDFile != "" {
		if b, err := os.ReadFile(d.spec.PIDFile); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
				return pid
			}
		}
	}
	return d.Cmd.Process.Pid
}

// Stop ends the daemon by PID: SIGTERM, then SIGKILL after 5 s. For a
// forking daemon it ends the PID in PIDFile too. Stopping twice is fine.
func (d *Daemon) Stop() error {
	var err error
	d.once.Do(func() {
		if d.spec.PIDFile != "" {
			if pid := d.PID(); pid != d.Cmd.Process.Pid {
				err = stopPID(pid)
			}
		}
		if !d.Exited() {
			_ = d.Cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-d.done:
			case <-time.After(5 * time.Second):
				_ = d.Cmd.Process.Kill()
				<-d.done
			}
		}
	})
	return err
}

// stopPID ends a process we started (a forked daemon) by PID, waiting for it
// to go away.
func stopPID(pid int) error {
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		if errors.Is(err, syscall.ESRCH) {
			return nil
		}
		return fmt.Errorf("lab: stop pid %d: %w", pid, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if !alive(pid) {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
	return nil
}

// WaitFor polls cond every interval until it returns true, returns an error,
// or ctx ends. Tests wait for conditions with it, never with fixed sleeps.
func WaitFor(ctx context.Context, interval time.Duration, cond func() (bool, error)) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		ok, err := cond()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// alive reports whether pid runs and is not a zombie: an orphaned daemon's
// zombie lingers until PID 1 reaps it, which may be never in a container.
func alive(pid int) bool {
	st, err := readStat(pid)
	return err == nil && st.state != 'Z'
}
