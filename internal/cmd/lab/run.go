//go:build linux

package labcmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/v6kit/v6kit/internal/lab"
)

// act is one story of the lab.
type act struct {
	name string
	run  func(ctx context.Context, n *network, r *Result) error
}

// Run builds the lab, runs the acts and tears it down (unless Keep). A
// cancelled ctx (Ctrl-C) stops at once and still tears everything down.
func Run(ctx context.Context, opts Options, stdout io.Writer) error {
	if err := check(opts); err != nil {
		return err
	}
	if opts.Down {
		names, running, err := lab.RemoveLeftovers(opts.ID)
		var b strings.Builder
		for _, name := range names {
			fmt.Fprintln(&b, "removed", name)
		}
		for _, r := range running {
			fmt.Fprintf(&b, "lab %s is running (pid %d): left alone; stop it with Ctrl-C, or kill %d\n", r.ID, r.PID, r.PID)
		}
		if len(names) == 0 && len(running) == 0 && err == nil {
			b.WriteString("no lab namespaces left behind\n")
		}
		if _, werr := io.WriteString(stdout, b.String()); werr != nil && err == nil {
			err = werr
		}
		return err
	}
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		return ErrNotRoot
	}
	if opts.ActTimeout == 0 {
		opts.ActTimeout = DefaultActTimeout
	}

	open := lab.Open
	if opts.ID != "" {
		open = func() (*lab.Lab, error) { return lab.OpenID(opts.ID) }
	}
	l, err := open()
	if err != nil {
		return err
	}
	keep := false
	var n *network
	defer func() {
		if n != nil {
			n.stop()
		}
		if !keep {
			_ = l.Close()
		}
	}()

	start := time.Now()
	n, err = build(l)
	if err != nil {
		return fmt.Errorf("lab: build: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	n.brk = opts.Break
	// Predict before the router says a word, then let it advertise.
	predictions, err := predictAll(n)
	if err != nil {
		return fmt.Errorf("lab: predict: %w", err)
	}
	raSource, err := n.startRA(opts.Peers)
	if err != nil {
		return fmt.Errorf("lab: router advertisements: %w", err)
	}
	if !opts.JSON {
		head := fmt.Sprintf("v6kit lab %s: %d namespaces, LAN %s + %s, built in %.2fs\n",
			l.ID, len(l.Namespaces()), lanPrefix, lanULA, time.Since(start).Seconds())
		if opts.Peers {
			used, missing := peerPrograms()
			head += "real peers: " + strings.Join(used, ", ")
			if len(missing) > 0 {
				head += "; not installed, ours instead: " + strings.Join(missing, ", ") + " (scripts/install-peers.sh)"
			}
			head += "\n"
		}
		if _, err := io.WriteString(stdout, head); err != nil {
			return err
		}
	}

	// The first act waits for SLAAC to settle; the others then run at
	// once, each on its own part of the network, reported as they finish.
	all := acts(predictions, raSource, opts.Peers)
	failed := false
	first := runAct(ctx, all[0], n, opts.ActTimeout)
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := report(stdout, opts.JSON, first); err != nil {
		return err
	}
	failed = !first.OK
	results := make(chan Result, len(all)-1)
	for _, a := range all[1:] {
		go func() { results <- runAct(ctx, a, n, opts.ActTimeout) }()
	}
	for range all[1:] {
		r := <-results
		if err := ctx.Err(); err != nil {
			return err
		}
		if !r.OK {
			failed = true
		}
		if err := report(stdout, opts.JSON, r); err != nil {
			return err
		}
	}
	if opts.SVG != "" {
		if err := writeSVG(opts.SVG, n); err != nil {
			return err
		}
	}
	if opts.Keep {
		keep = true
		if err := printKeep(stdout, l); err != nil {
			return err
		}
	}
	if failed {
		return ErrActsFailed
	}
	return nil
}

// actOutcome is what an act's goroutine hands back when it ends.
type actOutcome struct {
	r   Result
	err error
}

// runAct runs one act under its own deadline; a panic or hang becomes ✘.
//
// The act's goroutine owns the Result it writes until it sends it on done.
// When the act hangs past its deadline, runAct reports with a Result of its
// own and never touches the act's: the goroutine may still be writing it
// (it ends when the lab's sockets close at teardown).
func runAct(ctx context.Context, a act, n *network, timeout time.Duration) Result {
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	done := make(chan actOutcome, 1)
	go func() {
		own := Result{Act: a.name, Details: map[string]any{}}
		var err error
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("panic: %v", p)
			}
			done <- actOutcome{own, err}
		}()
		err = a.run(actx, n, &own)
	}()
	var r Result
	var err error
	select {
	case o := <-done:
		r, err = o.r, o.err
	case <-actx.Done():
		r = Result{Act: a.name, Details: map[string]any{}}
		err = fmt.Errorf("cut after %v: %w", timeout, actx.Err())
	}
	r.Seconds = time.Since(start).Seconds()
	r.Err = err
	r.OK = err == nil
	if err != nil {
		r.Details["error"] = err.Error()
	}
	if r.Summary != "" {
		r.Details["summary"] = r.Summary
	}
	if r.Next != "" {
		r.Details["next"] = r.Next
	}
	return r
}

func printKeep(w io.Writer, l *lab.Lab) error {
	var b strings.Builder
	fmt.Fprintf(&b, "lab %s left up (-keep). Enter a namespace with:\n", l.ID)
	for _, ns := range l.Namespaces() {
		fmt.Fprintf(&b, "    ip netns exec %s bash\n", ns.Name)
	}
	b.WriteString("remove it with: go run ./examples/lab -down\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// peerPrograms splits the real peers -peers swaps in into installed and
// missing ones; a missing one leaves our own implementation in its act.
func peerPrograms() (used, missing []string) {
	for _, p := range []string{"radvd", "bird", "dnsmasq", "dhclient"} {
		if haveCommand(p) {
			used = append(used, p)
		} else {
			missing = append(missing, p)
		}
	}
	return used, missing
}
