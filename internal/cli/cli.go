// Package cli is the one command-line convention every example program
// holds (docs/cli.md): flags are parsed and validated before any socket
// opens; a usage error exits 2 with one line "prog: what is wrong; what to
// do" followed by the synopsis; a runtime error exits 1 with one line naming
// the object; a closed stdout ends the program quietly; SIGINT, SIGTERM and
// SIGHUP cancel the context so the program cleans up, and a program they
// end before it is done exits 128 + the signal's number.
//
// A program is a [Command] declared in its internal/cmd package, so tests
// drive [Main] in-process with arguments and read its exit status and its
// stderr line; examples/<prog>/main.go is only cli.Exit(prog.Command).
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Exit statuses.
const (
	ExitOK      = 0
	ExitFailure = 1 // the program ran and failed
	ExitUsage   = 2 // it was called wrongly
	// ExitInterrupted is the status of a program a signal ended before
	// it was done, as a shell reports one the signal killed: 128 + the
	// signal's number (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP);
	// this one when the signal is not known.
	ExitInterrupted = 128 + int(syscall.SIGINT)
)

// Signalled is the cause of a context a signal cancelled: [Exit] cancels
// the program's context with it, and [Main] reads it back. It is
// context.Canceled for errors.Is, so code that checks a context's cause
// for a normal stop (a daemon's Run) still sees one.
type Signalled struct{ Signal syscall.Signal }

func (s Signalled) Error() string { return signalName(s.Signal) + " received" }

// Is makes a signal's stop a cancellation for errors.Is.
func (s Signalled) Is(target error) bool { return target == context.Canceled }

// signalName is the signal's conventional name ("SIGINT").
func signalName(s syscall.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	case syscall.SIGPIPE:
		return "SIGPIPE"
	}
	return s.String()
}

// ErrUsage is wrapped by every usage error: the program was called wrongly
// and nothing was done. Test with errors.Is.
var ErrUsage = errors.New("usage")

type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }
func (e *usageError) Unwrap() error { return ErrUsage }

// Usagef returns a usage error. Its text says what is wrong and what to do,
// separated by "; ": Usagef("-cost %d is out of range; give 1 to 15", c).
func Usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// RunFunc runs a program whose flags are parsed. It validates them first
// (returning a [Usagef] error before opening anything) and writes its
// results to stdout.
type RunFunc func(ctx context.Context, stdout io.Writer) error

// Command is one program's command line.
type Command struct {
	// Name is the program's name, which starts every error line.
	Name string
	// Help is printed by -h before the flags: its first line is the
	// synopsis ("usage: ripngd -i IF ..."), repeated after a usage error;
	// then what the program does and at least one real example.
	Help string
	// Setup declares the flags on fs and returns the function that runs
	// the program once they are parsed.
	Setup func(fs *flag.FlagSet) RunFunc
}

// Given reports whether the flag name was on the command line: for a flag
// whose zero value means "the default" in Options but is a mistake when
// given (-mask 0), or whose default depends on another flag.
func Given(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// Synopsis is the first line of Help.
func (c Command) Synopsis() string {
	s, _, _ := strings.Cut(strings.TrimLeft(c.Help, "\n"), "\n")
	return s
}

// Main runs c with args (without the program name) and returns the exit
// status; errors go to stderr as one line. Tests call it in-process.
func Main(ctx context.Context, c Command, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(c.Name, flag.ContinueOnError)
	version := fs.Bool("version", false, "print the program's version (module version, VCS revision, Go) and exit")
	run := c.Setup(fs)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), strings.TrimLeft(c.Help, "\n"))
		if !strings.HasSuffix(c.Help, "\n\n") {
			fmt.Fprintln(fs.Output())
		}
		fmt.Fprintln(fs.Output(), "flags:")
		fs.PrintDefaults()
	}
	fs.SetOutput(io.Discard) // the flag package's own messages are replaced by ours
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return ExitOK
		}
		return c.usage(stderr, flagError(fs, err))
	}
	if *version {
		fmt.Fprintln(stdout, c.Name, Version())
		return ExitOK
	}
	if fs.NArg() > 0 {
		return c.usage(stderr, fmt.Sprintf("unexpected argument %q; every option is a flag (see %s -h)", fs.Arg(0), c.Name))
	}
	out := &watchedOutput{w: stdout}
	err := run(ctx, out)
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, ErrUsage):
		return c.usage(stderr, err.Error())
	case out.closed() && ClosedOutput(err):
		return ExitOK
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		return c.interrupted(ctx, stderr)
	}
	fmt.Fprintln(stderr, c.line(err.Error()))
	return ExitFailure
}

// interrupted reports a program a signal ended before it was done: one
// line naming the signal, and 128 + its number, so a script tells it from
// a result and from a failure. (A program that runs until it is stopped
// returns nil when stopped and exits 0.)
func (c Command) interrupted(ctx context.Context, stderr io.Writer) int {
	var sig Signalled
	if !errors.As(context.Cause(ctx), &sig) {
		fmt.Fprintln(stderr, c.Name+": interrupted before it was done")
		return ExitInterrupted
	}
	fmt.Fprintf(stderr, "%s: interrupted by %s before it was done\n", c.Name, signalName(sig.Signal))
	return 128 + int(sig.Signal)
}

// Exit runs c with the process's arguments under a context that SIGINT,
// SIGTERM or SIGHUP cancels — so a program cleans up the namespaces, links
// or routes it made however it is ended; with SIGPIPE ignored, so that
// `prog | head` gets a write error instead of being killed outright, and
// cleans up too — and exits with Main's status.
func Exit(c Command) { exit(c, os.Args[1:]) }

func exit(c Command, args []string) {
	ctx, stop := signalContext()
	status := Main(ctx, c, args, os.Stdout, os.Stderr)
	stop()
	os.Exit(status)
}

// signalContext is cancelled by the first SIGINT, SIGTERM or SIGHUP, with
// [Signalled] as its cause; stop releases the signals. SIGPIPE is ignored:
// a write to a closed stdout then fails with EPIPE, which the program
// returns and [Main] ends on quietly — and an EPIPE on any other
// descriptor (a daemon's socket) stays an error of that write, where
// catching SIGPIPE would cancel the whole program for it.
func signalContext() (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	signal.Ignore(syscall.SIGPIPE)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			if n, ok := s.(syscall.Signal); ok {
				cancel(Signalled{Signal: n})
			} else {
				cancel(errors.New(s.String()))
			}
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(context.Canceled)
	}
}

// ExitMulti is a multi-call program (busybox-style) of cmds: called by one
// of their names (a symlink, or a copy renamed) it is that program;
// otherwise its first argument names the program ("v6kit v6disc -i eth0").
func ExitMulti(name string, cmds []Command) {
	c, args, ok := Pick(cmds, os.Args)
	if !ok {
		os.Exit(multiMain(name, cmds, args, os.Stdout, os.Stderr))
	}
	exit(c, args)
}

// multiMain answers a multi-call binary called without a program's name:
// -h to stdout (exit 0) and -version, as every program does; anything else
// is a usage error.
func multiMain(name string, cmds []Command, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch strings.TrimLeft(args[0], "-") {
		case "h", "help":
			fmt.Fprint(stdout, multiUsage(name, cmds, nil))
			return ExitOK
		case "version":
			fmt.Fprintln(stdout, name, Version())
			return ExitOK
		}
	}
	fmt.Fprint(stderr, multiUsage(name, cmds, args))
	return ExitUsage
}

// Pick finds the command a multi-call binary runs for argv: by the name it
// was called as, else by its first argument. It returns the arguments for
// that command, or, when none matches, the arguments after the binary's
// name.
func Pick(cmds []Command, argv []string) (Command, []string, bool) {
	if len(argv) == 0 {
		return Command{}, nil, false
	}
	base := argv[0]
	if i := strings.LastIndexByte(base, '/'); i >= 0 {
		base = base[i+1:]
	}
	for _, c := range cmds {
		if c.Name == base {
			return c, argv[1:], true
		}
	}
	if len(argv) > 1 {
		for _, c := range cmds {
			if c.Name == argv[1] {
				return c, argv[2:], true
			}
		}
	}
	return Command{}, argv[1:], false
}

func multiUsage(name string, cmds []Command, args []string) string {
	var b strings.Builder
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		fmt.Fprintf(&b, "%s: no program %q; pick one of those below\n", name, args[0])
	}
	fmt.Fprintf(&b, "usage: %s PROGRAM [flags]   (or call it by a program's name, e.g. through a symlink)\n\nprograms:\n", name)
	for _, c := range cmds {
		fmt.Fprintf(&b, "  %s\n", strings.TrimPrefix(c.Synopsis(), "usage: "))
	}
	fmt.Fprintf(&b, "\n'%s PROGRAM -h' explains one.\n", name)
	return b.String()
}

// Version describes the build: the module's version (a tag, or a
// pseudo-version from the VCS), the revision with "+dirty" when the tree
// had changes, and the Go version — what a bug report needs.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(no build information)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" && !strings.Contains(v, rev) {
		v += " " + rev + dirty
	}
	return v + " " + bi.GoVersion
}

// watchedOutput is the program's stdout, watched for the reader going
// away: only then is an EPIPE or ECONNRESET error a closed stdout to end on
// quietly, not a peer (an LXD socket) that hung up, which is a failure.
type watchedOutput struct {
	w   io.Writer
	mu  sync.Mutex
	err error // the first write error
}

func (o *watchedOutput) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	if err != nil {
		o.mu.Lock()
		if o.err == nil {
			o.err = err
		}
		o.mu.Unlock()
	}
	return n, err
}

func (o *watchedOutput) closed() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return ClosedOutput(o.err)
}

// ClosedOutput reports whether err is a write to a closed pipe or socket:
// the reader went away (`prog | head -1`), which ends a program quietly.
func ClosedOutput(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET)
}

func (c Command) usage(stderr io.Writer, msg string) int {
	fmt.Fprintln(stderr, c.line(msg))
	if s := c.Synopsis(); s != "" {
		fmt.Fprintln(stderr, s)
	}
	return ExitUsage
}

// line prefixes msg with the program's name once, and without the SDK
// package names its errors carry: the program's name starts the line.
func (c Command) line(msg string) string {
	return c.Name + ": " + trimPackages(strings.TrimPrefix(msg, c.Name+": "))
}

// sdkPackages start the messages of v6kit's importable packages.
var sdkPackages = []string{"dhcpv4opt108", "discover", "lxdprofile", "macvlan", "nat64", "ndp", "ripng", "slaac/host", "slaac"}

// Cause is err's text without the "pkg: " prefixes of v6kit's packages, at
// its start or after ": " or "(", for a program that puts an SDK error into a
// line of its own ("-pool: storage pool not found …").
func Cause(err error) string { return trimPackages(err.Error()) }

func trimPackages(msg string) string {
	for _, p := range sdkPackages {
		msg = strings.ReplaceAll(strings.TrimPrefix(msg, p+": "), ": "+p+": ", ": ")
		msg = strings.ReplaceAll(msg, "("+p+": ", "(")
	}
	return msg
}

// flagError turns the flag package's messages into "what; what to do".
func flagError(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	switch {
	case strings.HasPrefix(msg, "flag provided but not defined: "):
		return strings.TrimPrefix(msg, "flag provided but not defined: ") + ": no such flag; see -h for the flags"
	case strings.HasPrefix(msg, "flag needs an argument: "):
		return strings.TrimPrefix(msg, "flag needs an argument: ") + ": needs a value"
	case strings.HasPrefix(msg, "invalid value "), strings.HasPrefix(msg, "invalid boolean value "):
		// invalid value "x" for flag -cost: parse error
		v, rest, ok := strings.Cut(msg, " for flag ")
		if !ok {
			v, rest, ok = strings.Cut(msg, " for -") // booleans: invalid boolean value "x" for -ipv4: …
			rest = "-" + rest
		}
		if ok {
			name, why, _ := strings.Cut(rest, ": ")
			val := strings.TrimPrefix(strings.TrimPrefix(v, "invalid value "), "invalid boolean value ")
			if want := wantOf(fs.Lookup(strings.TrimLeft(name, "-")), why); want != "" {
				why = want
			}
			return name + " " + val + ": " + why
		}
	}
	return msg
}

// wantOf says what a flag of a standard type takes, for the flag package's
// bare "parse error".
func wantOf(f *flag.Flag, why string) string {
	if f == nil || (why != "parse error" && why != "value out of range") {
		return ""
	}
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return ""
	}
	switch g.Get().(type) {
	case time.Duration:
		return "not a duration; give one such as 30s, 5m or 1h"
	case bool:
		return "not a boolean; give true or false"
	case int, int64, uint, uint64:
		if why == "value out of range" {
			return "out of range; see -h"
		}
		return "not a whole number; see -h"
	case float64:
		return "not a number; see -h"
	}
	return ""
}
