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
			case *n == 8:
				return fmt.Errorf("write /dev/stdout: %w", syscall.EPIPE)
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
		{"version", []string{"-version"}, ExitOK, "demo ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			got := Main(context.Background(), demo, tt.args, &out, &errb)
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
	} {
		if got := Cause(errors.New(tt.in)); got != tt.want {
			t.Errorf("Cause(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
