//go:build linux

package lab

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// Prefix starts the name of every namespace a Lab makes.
const Prefix = "v6k-"

// Lab is one throw-away network: its namespaces and daemons.
type Lab struct {
	// ID is the random part of every name this Lab makes.
	ID string
	// Dir is a private directory for configs, logs, pid files and sockets;
	// it is removed by Close.
	Dir string

	mu      sync.Mutex
	nss     []*Netns
	daemons []*Daemon
	closed  bool
	// making counts namespaces and daemons being made: Close waits for
	// them, so one an act's goroutine starts as the lab closes (a SIGINT
	// mid-act) is deleted with the rest instead of left behind.
	making sync.WaitGroup
}

// testHookMaking, when set by a test, runs as Namespace begins: the moment
// a racing Close must not miss.
var testHookMaking func()

// errClosed is what making something in a closed Lab returns.
var errClosed = errors.New("lab is closed")

// begin registers something about to be made; the caller calls the
// returned func once it is recorded in l (or failed). It fails once Close
// has begun.
func (l *Lab) begin() (done func(), err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, errClosed
	}
	l.making.Add(1)
	return l.making.Done, nil
}

// Open makes a Lab with a random ID for a program. The caller must call
// Close.
func Open() (*Lab, error) {
	var b [3]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("lab: random id: %w", err)
	}
	return OpenID(hex.EncodeToString(b[:]))
}

// OpenID is Open with a given ID (letters and digits), so a test that runs
// a lab in another process knows its namespaces' names beforehand.
func OpenID(id string) (*Lab, error) {
	if err := supported(); err != nil {
		return nil, err
	}
	if id == "" || strings.IndexFunc(id, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) >= 0 {
		return nil, fmt.Errorf("lab: id %q: want lower-case letters and digits", id)
	}
	dir, err := os.MkdirTemp("", "v6kit-lab-"+id+"-")
	if err != nil {
		return nil, fmt.Errorf("lab: %w", err)
	}
	if err := writeOwner(dir); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("lab: %w", err)
	}
	return &Lab{ID: id, Dir: dir}, nil
}

// Name returns the full namespace name for a short name in this Lab.
func (l *Lab) Name(short string) string { return Prefix + l.ID + "-" + short }

// Namespace creates a network namespace named l.Name(short), brings its
// loopback up and returns it.
func (l *Lab) Namespace(short string) (*Netns, error) {
	done, err := l.begin()
	if err != nil {
		return nil, fmt.Errorf("lab: namespace %s: %w", short, err)
	}
	defer done()
	if testHookMaking != nil {
		testHookMaking()
	}
	ns := &Netns{Name: l.Name(short), lab: l}
	if _, err := run(context.Background(), "ip", "netns", "add", ns.Name); err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.nss = append(l.nss, ns)
	l.mu.Unlock()
	if err := ns.IP("link", "set", "lo", "up"); err != nil {
		return nil, err
	}
	return ns, nil
}

// Namespaces returns the namespaces made so far, in order.
func (l *Lab) Namespaces() []*Netns {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*Netns(nil), l.nss...)
}

// Close stops every daemon (by PID) and deletes every namespace (and so
// every link) this Lab made, then removes its directory. It is safe to call
// more than once and keeps going past errors, returning them joined.
func (l *Lab) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	l.mu.Unlock()
	l.making.Wait()
	l.mu.Lock()
	daemons, nss := l.daemons, l.nss
	l.mu.Unlock()

	var errs []error
	for i := len(daemons) - 1; i >= 0; i-- {
		if err := daemons[i].Stop(); err != nil {
			errs = append(errs, err)
		}
	}
	for i := len(nss) - 1; i >= 0; i-- {
		if err := nss[i].delete(); err != nil {
			errs = append(errs, err)
		}
	}
	if err := os.RemoveAll(l.Dir); err != nil {
		errs = append(errs, fmt.Errorf("lab: %w", err))
	}
	return errors.Join(errs...)
}

// Logs returns the tail of every daemon's log, each under a header naming
// the daemon, its namespace and its log file: what a failed test prints.
func (l *Lab) Logs() string {
	l.mu.Lock()
	daemons := append([]*Daemon(nil), l.daemons...)
	l.mu.Unlock()
	var b strings.Builder
	for _, d := range daemons {
		fmt.Fprintf(&b, "--- log of %s in %s (%s) ---\n%s\n", d.Name, d.ns.Name, d.LogPath, tail(d.Log(), 8000))
	}
	return b.String()
}

// Leftovers lists namespaces whose names start with [Prefix]: what labs (and
// only labs) left behind.
func Leftovers() ([]string, error) {
	out, err := run(context.Background(), "ip", "netns", "list")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && strings.HasPrefix(f[0], Prefix) {
			names = append(names, f[0])
		}
	}
	return names, nil
}

// Running is a lab whose process is still alive: RemoveLeftovers leaves it
// alone.
type Running struct {
	ID  string
	PID int
}

// RemoveLeftovers deletes the namespaces [Leftovers] names, after killing
// every process still inside them (only processes in those namespaces),
// and the labs' directories. A non-empty id limits it to that lab's. A lab
// whose process is alive (not this one) is running, not left behind: it is
// skipped and returned in running.
func RemoveLeftovers(id string) (removed []string, running []Running, err error) {
	all, err := Leftovers()
	if err != nil {
		return nil, nil, err
	}
	pattern := "v6kit-lab-*"
	if id != "" {
		pattern = "v6kit-lab-" + id + "-*"
	}
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), pattern))
	live := map[string]bool{}
	var gone []string
	for _, d := range dirs {
		labID, _, _ := strings.Cut(strings.TrimPrefix(filepath.Base(d), "v6kit-lab-"), "-")
		if pid, ok := ownerAlive(d); ok {
			if !live[labID] {
				running = append(running, Running{ID: labID, PID: pid})
			}
			live[labID] = true
			continue
		}
		gone = append(gone, d)
	}
	for _, name := range all {
		labID, _, _ := strings.Cut(strings.TrimPrefix(name, Prefix), "-")
		if (id == "" || labID == id) && !live[labID] {
			removed = append(removed, name)
		}
	}
	var errs []error
	for _, name := range removed {
		ns := &Netns{Name: name}
		if err := ns.delete(); err != nil {
			errs = append(errs, err)
		}
	}
	for _, d := range gone {
		if err := os.RemoveAll(d); err != nil {
			errs = append(errs, fmt.Errorf("lab: %w", err))
		}
	}
	return removed, running, errors.Join(errs...)
}

// run runs a command and returns its combined output, with the output in the
// error when it fails.
func run(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		return out.Bytes(), fmt.Errorf("lab: %s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	return out.Bytes(), nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
