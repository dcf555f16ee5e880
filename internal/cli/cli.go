// Package cli is what every example program's main does once its flags
// are parsed: refuse stray arguments, run with a context that a signal
// cancels, and turn the outcome into an exit status.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// Exit statuses.
const (
	ExitFailure = 1 // the program ran and failed
	ExitUsage   = 2 // it was called wrongly
)

// NoArgs exits with ExitUsage when fs has positional arguments left: every
// program takes flags only.
func NoArgs(fs *flag.FlagSet) {
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "%s: unexpected argument %q (see -h)\n", fs.Name(), fs.Arg(0))
		os.Exit(ExitUsage)
	}
}

// Run calls run with a context that SIGINT, SIGTERM, SIGHUP or SIGPIPE
// cancels, so the program can clean up (remove the namespaces, links or
// kernel routes it made) whichever way it is ended — including `prog | head`,
// whose closed pipe would otherwise kill it outright — and exits: 0 on
// success; otherwise the error goes to stderr and the status is ExitUsage
// when it wraps one of usage, else ExitFailure.
func Run(run func(ctx context.Context) error, usage ...error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGPIPE)
	err := run(ctx)
	stop()
	if err == nil {
		os.Exit(0)
	}
	fmt.Fprintln(os.Stderr, err)
	for _, u := range usage {
		if errors.Is(err, u) {
			os.Exit(ExitUsage)
		}
	}
	os.Exit(ExitFailure)
}
