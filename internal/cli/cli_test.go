package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"syscall"
	"testing"
)

// demo is a program with one validated flag, as every v6kit program is.
var demo = Command{
	Name: "demo",
	Help: "usage: demo -n N\n\nPrints N.\n\nexample:\n  demo -n 3\n",
	Setup: func(fs *flag.FlagSet) RunFunc {
		n := fs.Int("n", 0, "a `number` from 1 to 9")
		fs.Duration("d", 0, "a `duration`")
		fs.Bool("v", false, "verbose")
		return func(ctx context.Context, stdout io.Writer) error {
			switch {
			case *n < 1 || *n > 9:
				return Usagef("-n %d is out of range; give 1 to 9", *n)
			case *n == 7:
				return fmt.Errorf("demo: interface %q: no such interface", "eth7")
			case *n == 6:
				return fmt.Errorf("interface \"eth6\": %w", fmt.Errorf("ndp: %w", errors.New("ripng: no usable link-local address")))
			case *n == 8: // the reader of stdout went away
				_, err := stdout.Write([]byte("8\n"))
				return fmt.Errorf("write /dev/stdout: %w", err)
			case *n == 2: // a peer hung up: not stdout
				return fmt.Errorf("no daemon answers on /run/x.socket: %w", syscall.ECONNRESET)
			case *n == 5: // a one-shot program a signal ends mid-way
				<-ctx.Done()
				return fmt.Errorf("interface %q: %w", "eth5", ctx.Err())
			case *n == 4: // a program that runs until it is stopped
				<-ctx.Done()
				return nil
			case *n == 1: // one that returns its context's cause unless it is a stop (v6only-server)
				<-ctx.Done()
				if err := context.Cause(ctx); !errors.Is(err, context.Canceled) {
					return err
				}
				return nil
			}
			_, err := fmt.Fprintln(stdout, *n)
			return err
		}
	},
}

func TestMain_exitStatusAndOneLine(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		status     int
		stdout     string
		stderrLine string // the first line of stderr
	}{
		{"ok", []string{"-n", "3"}, ExitOK, "3\n", ""},
		{"help to stdout", []string{"-h"}, ExitOK, "usage: demo -n N", ""},
		{"out of range", []string{"-n", "99"}, ExitUsage, "", "demo: -n 99 is out of range; give 1 to 9"},
		{"missing flag value means zero", nil, ExitUsage, "", "demo: -n 0 is out of range; give 1 to 9"},
		{"unknown flag", []string{"-x"}, ExitUsage, "", "demo: -x: no such flag; see -h for the flags"},
		{"bad number", []string{"-n", "three"}, ExitUsage, "", `demo: -n "three": not a whole number; see -h`},
		{"bad boolean", []string{"-v=maybe"}, ExitUsage, "", `demo: -v "maybe": not a boolean; give true or false`},
		{"bad duration", []string{"-d", "soon"}, ExitUsage, "", `demo: -d "soon": not a duration; give one such as 30s, 5m or 1h`},
		{"no value", []string{"-n"}, ExitUsage, "", "demo: -n: needs a value"},
		{"stray argument", []string{"-n", "3", "eth0"}, ExitUsage, "", `demo: unexpected argument "eth0"; every option is a flag (see demo -h)`},
		{"runtime error named once", []string{"-n", "7"}, ExitFailure, "", `demo: interface "eth7": no such interface`},
		{"SDK package names dropped", []string{"-n", "6"}, ExitFailure, "", `demo: interface "eth6": no usable link-local address`},
		{"closed stdout is quiet", []string{"-n", "8"}, ExitOK, "", ""},
		{"a peer's reset is a failure", []string{"-n", "2"}, ExitFailure, "", "demo: no daemon answers on /run/x.socket: connection reset by peer"},
		{"version", []string{"-version"}, ExitOK, "demo ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			var stdout io.Writer = &out
			if tt.name == "closed stdout is quiet" {
				stdout = closedPipe{}
			}
			got := Main(context.Background(), demo, tt.args, stdout, &errb)
			if got != tt.status {
				t.Errorf("status %d, want %d (stderr %q)", got, tt.status, errb.String())
			}
			if !strings.HasPrefix(out.String(), tt.stdout) || (tt.stdout == "" && out.Len() > 0) {
				t.Errorf("stdout %q, want it to start with %q", out.String(), tt.stdout)
			}
			line, rest, _ := strings.Cut(errb.String(), "\n")
			if line != tt.stderrLine {
				t.Errorf("stderr line %q, want %q", line, tt.stderrLine)
			}
			if tt.status == ExitUsage && rest != "usage: demo -n N\n" {
				t.Errorf("after a usage error stderr has %q, want the synopsis alone", rest)
			}
			if tt.status != ExitUsage && rest != "" {
				t.Errorf("stderr has more than one line: %q", errb.String())
			}
		})
	}
}

func TestUsagef_wrapsErrUsage(t *testing.T) {
	err := fmt.Errorf("ripngd: %w", Usagef("-cost 99 is out of range; give 1 to 15"))
	if !errors.Is(err, ErrUsage) {
		t.Fatalf("%v does not wrap ErrUsage", err)
	}
}

func TestPick(t *testing.T) {
	other := Command{Name: "other", Help: "usage: other\n"}
	cmds := []Command{demo, other}
	tests := []struct {
		name string
		argv []string
		want string // "" for none
		args []string
	}{
		{"by symlink name", []string{"/usr/bin/demo", "-n", "3"}, "demo", []string{"-n", "3"}},
		{"by first argument", []string{"v6kit", "other", "-x"}, "other", []string{"-x"}},
		{"unknown program", []string{"v6kit", "nosuch"}, "", []string{"nosuch"}},
		{"nothing", []string{"v6kit"}, "", []string{}},
	}
	for _, tt := range tests {
		c, args, ok := Pick(cmds, tt.argv)
		if ok != (tt.want != "") || c.Name != tt.want || strings.Join(args, " ") != strings.Join(tt.args, " ") {
			t.Errorf("%s: Pick(%q) = %q %q %v, want %q %q", tt.name, tt.argv, c.Name, args, ok, tt.want, tt.args)
		}
	}
	if u := multiUsage("v6kit", cmds, []string{"nosuch"}); !strings.HasPrefix(u, "v6kit: no program \"nosuch\"; pick one of those below\n") || !strings.Contains(u, "  demo -n N\n") {
		t.Errorf("usage:\n%s", u)
	}
}

func TestCause(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"lxdprofile: storage pool not found", "storage pool not found"},
		{"ripng: read on eth0: ripng: closed", "read on eth0: closed"},
		{"open /x: no such file", "open /x: no such file"},
		{"ndpx: not ours", "ndpx: not ours"},
		{"no daemon on /s (lxdprofile: GET /1.0: not JSON)", "no daemon on /s (GET /1.0: not JSON)"},
	} {
		if got := Cause(errors.New(tt.in)); got != tt.want {
			t.Errorf("Cause(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestMain_interrupted: a one-shot program a signal ends before it is done
// exits 128 + the signal's number with one line naming it, so a script
// tells it from a result (0) and a failure (1); a program that runs until
// stopped exits 0, also when it returns its context's cause.
func TestMain_interrupted(t *testing.T) {
	tests := []struct {
		name   string
		n      string
		cause  error
		status int
		line   string
	}{
		{"SIGINT", "5", Signalled{syscall.SIGINT}, 130, "demo: interrupted by SIGINT before it was done"},
		{"SIGTERM", "5", Signalled{syscall.SIGTERM}, 143, "demo: interrupted by SIGTERM before it was done"},
		{"SIGHUP", "5", Signalled{syscall.SIGHUP}, 129, "demo: interrupted by SIGHUP before it was done"},
		{"cancelled without a signal", "5", nil, ExitInterrupted, "demo: interrupted before it was done"},
		{"stopped daemon", "4", Signalled{syscall.SIGTERM}, ExitOK, ""},
		{"stopped daemon checking the cause", "1", Signalled{syscall.SIGTERM}, ExitOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(context.Background())
			cancel(tt.cause)
			var out, errb bytes.Buffer
			if got := Main(ctx, demo, []string{"-n", tt.n}, &out, &errb); got != tt.status {
				t.Errorf("status %d, want %d", got, tt.status)
			}
			if want := tt.line; want != "" {
				want += "\n"
				if errb.String() != want {
					t.Errorf("stderr %q, want %q", errb.String(), want)
				}
			} else if errb.Len() > 0 {
				t.Errorf("stderr %q, want nothing", errb.String())
			}
		})
	}
}

// TestSignalContext: a real SIGHUP to this process cancels the context
// with its name as the cause (SIGHUP: the test runner does not use it);
// a SIGPIPE, ignored, neither kills the process nor cancels it.
func TestSignalContext(t *testing.T) {
	ctx, stop := signalContext()
	defer stop()
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGPIPE); err != nil {
		t.Fatal(err)
	}
	if ctx.Err() != nil {
		t.Fatalf("SIGPIPE cancelled the context: %v", context.Cause(ctx))
	}
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	<-ctx.Done()
	var sig Signalled
	if !errors.As(context.Cause(ctx), &sig) || sig.Signal != syscall.SIGHUP {
		t.Errorf("cause %v, want Signalled{SIGHUP}", context.Cause(ctx))
	}
}

// TestMultiMain: the multi-call binary without a program name answers -h
// on stdout and -version like every program; anything else is a usage
// error on stderr.
func TestMultiMain(t *testing.T) {
	cmds := []Command{demo}
	tests := []struct {
		args           []string
		status         int
		stdout, stderr string // prefixes; "" for empty
	}{
		{[]string{"-h"}, ExitOK, "usage: v6kit PROGRAM", ""},
		{[]string{"--help"}, ExitOK, "usage: v6kit PROGRAM", ""},
		{[]string{"-version"}, ExitOK, "v6kit ", ""},
		{nil, ExitUsage, "", "usage: v6kit PROGRAM"},
		{[]string{"nosuch"}, ExitUsage, "", `v6kit: no program "nosuch"`},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		got := multiMain("v6kit", cmds, tt.args, &out, &errb)
		if got != tt.status || !strings.HasPrefix(out.String(), tt.stdout) || (tt.stdout == "") != (out.Len() == 0) ||
			!strings.HasPrefix(errb.String(), tt.stderr) || (tt.stderr == "") != (errb.Len() == 0) {
			t.Errorf("%q: status %d, stdout %q, stderr %q; want %d, %q…, %q…", tt.args, got, out.String(), errb.String(), tt.status, tt.stdout, tt.stderr)
		}
	}
}

// closedPipe is a stdout whose reader went away.
type closedPipe struct{}

func (closedPipe) Write([]byte) (int, error) { return 0, syscall.EPIPE }

// TestGiven: a flag given with its zero value counts as given; one left
// out does not.
func TestGiven(t *testing.T) {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.Int("mask", 0, "")
	fs.Int("other", 0, "")
	if err := fs.Parse([]string{"-mask", "0"}); err != nil {
		t.Fatal(err)
	}
	if !Given(fs, "mask") || Given(fs, "other") || Given(fs, "nosuch") {
		t.Errorf("Given: mask %v, other %v, nosuch %v; want true, false, false", Given(fs, "mask"), Given(fs, "other"), Given(fs, "nosuch"))
	}
}
