// Package cli is the one command-line convention every example program
// holds (docs/cli.md): flags are parsed and validated before any socket
// opens; a usage error exits 2 with one line "prog: what is wrong; what to
// do" followed by the synopsis; a runtime error exits 1 with one line naming
// the object; a closed stdout ends the program quietly; SIGINT, SIGTERM,
// SIGHUP and SIGPIPE cancel the context so the program cleans up.
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
	"syscall"
	"time"
)

// Exit statuses.
const (
	ExitOK      = 0
	ExitFailure = 1 // the program ran and failed
	ExitUsage   = 2 // it was called wrongly
)

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
	err := run(ctx, stdout)
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, ErrUsage):
		return c.usage(stderr, err.Error())
	case ClosedOutput(err):
		return ExitOK
	}
	fmt.Fprintln(stderr, c.line(err.Error()))
	return ExitFailure
}

// Exit runs c with the process's arguments under a context that SIGINT,
// SIGTERM, SIGHUP or SIGPIPE cancels — so a program cleans up the
// namespaces, links or routes it made however it is ended, including
// `prog | head`, whose closed pipe would otherwise kill it outright — and
// exits with Main's status.
func Exit(c Command) { exit(c, os.Args[1:]) }

func exit(c Command, args []string) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGPIPE)
	status := Main(ctx, c, args, os.Stdout, os.Stderr)
	stop()
	os.Exit(status)
}

// ExitMulti is a multi-call program (busybox-style) of cmds: called by one
// of their names (a symlink, or a copy renamed) it is that program;
// otherwise its first argument names the program ("v6kit v6disc -i eth0").
func ExitMulti(name string, cmds []Command) {
	c, args, ok := Pick(cmds, os.Args)
	if !ok {
		fmt.Fprint(os.Stderr, multiUsage(name, cmds, args))
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			os.Exit(ExitOK)
		}
		os.Exit(ExitUsage)
	}
	exit(c, args)
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
// its start or after a ": ", for a program that puts an SDK error into a
// line of its own ("-pool: storage pool not found …").
func Cause(err error) string { return trimPackages(err.Error()) }

func trimPackages(msg string) string {
	for _, p := range sdkPackages {
		msg = strings.ReplaceAll(strings.TrimPrefix(msg, p+": "), ": "+p+": ", ": ")
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
