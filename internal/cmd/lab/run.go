//go:build linux

package labcmd

import (
	"context"
	"encoding/json"
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
	if opts.Down {
		names, err := lab.RemoveLeftovers(opts.ID)
		for _, name := range names {
			fmt.Fprintln(stdout, "removed", name)
		}
		if len(names) == 0 && err == nil {
			fmt.Fprintln(stdout, "no lab namespaces left behind")
		}
		return err
	}
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		return ErrNotRoot
	}
	if opts.ActTimeout == 0 {
		opts.ActTimeout = 30 * time.Second
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
		fmt.Fprintf(stdout, "v6kit lab %s: %d namespaces, LAN %s + %s, built in %.2fs\n",
			l.ID, len(l.Namespaces()), lanPrefix, lanULA, time.Since(start).Seconds())
		if opts.Peers {
			used, missing := peerPrograms()
			fmt.Fprintf(stdout, "real peers: %s", strings.Join(used, ", "))
			if len(missing) > 0 {
				fmt.Fprintf(stdout, "; not installed, ours instead: %s (scripts/install-peers.sh)", strings.Join(missing, ", "))
			}
			fmt.Fprintln(stdout)
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
	report(stdout, opts.JSON, first)
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
		report(stdout, opts.JSON, r)
	}
	if opts.SVG != "" {
		if err := writeSVG(opts.SVG, n); err != nil {
			return err
		}
	}
	if opts.Keep {
		keep = true
		printKeep(stdout, l)
	}
	if failed {
		return ErrActsFailed
	}
	return nil
}

// runAct runs one act under its own deadline; a panic or hang becomes ✘.
func runAct(ctx context.Context, a act, n *network, timeout time.Duration) Result {
	r := Result{Act: a.name, Details: map[string]any{}}
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Errorf("panic: %v", p)
			}
		}()
		done <- a.run(actx, n, &r)
	}()
	var err error
	select {
	case err = <-done:
	case <-actx.Done():
		// The act ignored its context; report it and move on (the
		// goroutine ends when the lab's sockets close at teardown).
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

func report(w io.Writer, asJSON bool, r Result) {
	if asJSON {
		b, _ := json.Marshal(r)
		fmt.Fprintf(w, "%s\n", b)
		return
	}
	mark := "✔"
	if !r.OK {
		mark = "✘"
	}
	fmt.Fprintf(w, "%s %-10s %5.2fs  %s\n", mark, r.Act, r.Seconds, r.Summary)
	if r.Err != nil {
		fmt.Fprintf(w, "    error: %v\n", r.Err)
	}
	if lines, ok := r.Details["lines"].([]string); ok {
		for _, line := range lines {
			fmt.Fprintf(w, "    %s\n", line)
		}
	}
	if r.Next != "" {
		fmt.Fprintf(w, "    next: %s\n", r.Next)
	}
}

func printKeep(w io.Writer, l *lab.Lab) {
	fmt.Fprintf(w, "lab %s left up (-keep). Enter a namespace with:\n", l.ID)
	for _, ns := range l.Namespaces() {
		fmt.Fprintf(w, "    ip netns exec %s bash\n", ns.Name)
	}
	fmt.Fprintln(w, "remove it with: go run ./examples/lab -down")
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
