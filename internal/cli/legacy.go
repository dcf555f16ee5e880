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

// NoArgs exits with ExitUsage when fs has positional arguments left.
//
// Legacy: programs move to [Command] and [Exit]; this goes once the
// last one has.
func NoArgs(fs *flag.FlagSet) {
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "%s: unexpected argument %q (see -h)\n", fs.Name(), fs.Arg(0))
		os.Exit(ExitUsage)
	}
}

// Run calls run under the signal context and exits: 0 on success or a
// closed stdout, ExitUsage when the error wraps one of usage or ErrUsage,
// else ExitFailure.
//
// Legacy: programs move to [Command] and [Exit]; this goes once the
// last one has.
func Run(run func(ctx context.Context) error, usage ...error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGPIPE)
	err := run(ctx)
	stop()
	if err == nil || ClosedOutput(err) {
		os.Exit(0)
	}
	fmt.Fprintln(os.Stderr, err)
	for _, u := range append(usage, ErrUsage) {
		if errors.Is(err, u) {
			os.Exit(ExitUsage)
		}
	}
	os.Exit(ExitFailure)
}
