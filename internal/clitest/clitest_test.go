package clitest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/v6kit/v6kit/internal/cli"
)

// greet is a program of every outcome: a usage error, a failure, a
// result, and a failure of two lines (which the convention forbids).
var greet = cli.Command{
	Name: "greet",
	Help: "usage: greet -n N [-fail] [-json]\n\nGreets N times.\n\nexample:\n  greet -n 2\n\n-json prints one object per greeting:\n  n      number  which greeting\n  hello  object  the greeting:\n    to   string  whom\n",
	Setup: func(fs *flag.FlagSet) cli.RunFunc {
		n := fs.Int("n", 0, "how many times")
		fail := fs.String("fail", "", "fail with this text")
		return func(ctx context.Context, stdout io.Writer) error {
			switch {
			case *n < 1:
				return cli.Usagef("-n %d is out of range; give 1 or more", *n)
			case *fail != "":
				return errors.New(*fail)
			}
			for i := range *n {
				if _, err := fmt.Fprintf(stdout, "{\"n\":%d,\"hello\":{\"to\":\"world\"}}\n", i+1); err != nil {
					return err
				}
			}
			return nil
		}
	},
}

func TestBadInputsPass(t *testing.T) {
	BadInputs(t, greet, []BadInput{
		{Status: cli.ExitUsage, Line: "greet: -n 0 is out of range; give 1 or more"},
		{Args: []string{"-n", "x"}, Status: cli.ExitUsage, Line: `greet: -n "x": not a whole number; see -h`},
		{Name: "failure", Args: []string{"-n", "1", "-fail", "disk on fire"}, Status: cli.ExitFailure, Line: "greet: disk on fire"},
		{Name: "an outcome", Args: []string{"-n", "1"}, Status: cli.ExitOK, Stdout: "{\"n\":1,\"hello\":{\"to\":\"world\"}}\n"},
	})
}

// recorder is a testing.TB that keeps what a helper reports.
type recorder struct {
	testing.TB
	errs []string
}

type fatal struct{}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...); panic(fatal{}) }
func (r *recorder) Fatal(args ...any)                 { r.Errorf("%s", fmt.Sprint(args...)); panic(fatal{}) }

// reports runs f with a recorder and returns what it reported.
func reports(t *testing.T, f func(tb testing.TB)) string {
	t.Helper()
	r := &recorder{TB: t}
	func() {
		defer func() {
			if p := recover(); p != nil && p != (fatal{}) {
				panic(p)
			}
		}()
		f(r)
	}()
	return strings.Join(r.errs, "\n")
}

// TestCheckFails: each promise of the convention broken is reported.
func TestCheckFails(t *testing.T) {
	twoLines := greet
	twoLines.Name = "two"
	for _, tt := range []struct {
		name string
		c    cli.Command
		in   BadInput
		want string // in the report
	}{
		{"other status", greet, BadInput{Args: []string{"-n", "0"}, Status: cli.ExitFailure, Line: "greet: -n 0 is out of range; give 1 or more"}, "want exit 1"},
		{"other line", greet, BadInput{Args: []string{"-n", "0"}, Status: cli.ExitUsage, Line: "greet: -n 0 is wrong"}, `want exit 2, "greet: -n 0 is wrong"`},
		{"no synopsis", cli.Command{Name: greet.Name, Help: "\n", Setup: greet.Setup}, BadInput{Status: cli.ExitUsage, Line: "greet: -n 0 is out of range; give 1 or more"}, "want the synopsis"},
		{"second line", twoLines, BadInput{Args: []string{"-n", "1", "-fail", "one\ntwo"}, Status: cli.ExitFailure, Line: "two: one"}, "stderr has more than one line"},
		{"stdout", greet, BadInput{Args: []string{"-n", "1"}, Status: cli.ExitOK}, "stdout \"{\\\"n\\\":1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := reports(t, func(tb testing.TB) { tt.in.Check(tb, tt.c) })
			if !strings.Contains(got, tt.want) {
				t.Errorf("reported %q, want it to say %q", got, tt.want)
			}
		})
	}
}

func TestGolden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "testdata", "x.golden")
	if got := reports(t, func(tb testing.TB) { Golden(tb, path, []byte("a\n")) }); !strings.Contains(got, "run go test -update") {
		t.Errorf("a missing golden file: reported %q", got)
	}
	*update = true
	Golden(t, path, []byte("a\nb\n"))
	*update = false
	Golden(t, path, []byte("a\nb\n"))
	if got := reports(t, func(tb testing.TB) { Golden(tb, path, []byte("a\nc\n")) }); !strings.Contains(got, "output differs from "+path) || !strings.Contains(got, "c") {
		t.Errorf("a different output: reported %q, want a diff", got)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "a\nb\n" {
		t.Errorf("golden file %q, %v: rewritten without -update", b, err)
	}
}

func TestHelpAndKeys(t *testing.T) {
	help := Help(t, greet)
	r := Run(t, greet, "-n", "2")
	keys := Keys(t, []byte(r.Stdout))
	if want := []string{"  to", "hello", "n"}; !slices.Equal(keys, want) {
		t.Errorf("Keys = %q, want %q", keys, want)
	}
	Documented(t, help, keys...)
	Mentioned(t, help, keys...)
	if got := reports(t, func(tb testing.TB) { Documented(tb, help, "to", "hello  ", "greeting") }); strings.Count(got, "\n") != 2 {
		t.Errorf("Documented reported %q, want 3 keys", got)
	}
	if got := reports(t, func(tb testing.TB) { Mentioned(tb, help, "greet", "time", "whom") }); got != `-h does not mention the -json key "time"` {
		t.Errorf("Mentioned reported %q", got)
	}
	noExample := greet
	noExample.Help = "usage: greet -n N\n"
	if got := reports(t, func(tb testing.TB) { Help(tb, noExample) }); !strings.Contains(got, "gives no example") {
		t.Errorf("a help without example: reported %q", got)
	}
	if got := reports(t, func(tb testing.TB) { Keys(tb, []byte("{\"a\":1}\nnot json\n")) }); !strings.Contains(got, "not JSON lines") {
		t.Errorf("Keys of a broken output: reported %q", got)
	}
}

func TestRunBinary(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("needs sh:", err)
	}
	r := RunBinary(t, sh, nil, "-c", "echo out; echo err >&2; exit 3")
	if want := (Result{Status: 3, Stdout: "out\n", Stderr: "err\n"}); r != want {
		t.Errorf("RunBinary = %+v, want %+v", r, want)
	}
	if got := reports(t, func(tb testing.TB) { RunBinary(tb, sh, nil, "-c", "kill -9 $$") }); !strings.Contains(got, "killed") {
		t.Errorf("a program killed by a signal: reported %q", got)
	}
}
