// Package clitest is the test harness of the command-line convention
// (docs/cli.md) every program's tests share: a table of bad inputs run
// through [cli.Main] that pins the exit status and the exact line each
// prints, golden files for the -json keys (refreshed with go test -update),
// and the checks of -h. It imports testing, so only _test.go files import
// it; no program links it.
package clitest

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/internal/sdktest"
)

var update = flag.Bool("update", false, "rewrite the golden files (testdata/*.golden) with what the tests print")

// Result is what one run of a program did.
type Result struct {
	Status         int
	Stdout, Stderr string
}

// Line is the first line of Stderr, without its newline.
func (r Result) Line() string {
	line, _, _ := strings.Cut(r.Stderr, "\n")
	return line
}

// Run runs c with args through [cli.Main], as a user would from a shell,
// under the test's context.
func Run(t testing.TB, c cli.Command, args ...string) Result {
	t.Helper()
	var out, errb bytes.Buffer
	status := cli.Main(t.Context(), c, args, &out, &errb)
	return Result{Status: status, Stdout: out.String(), Stderr: errb.String()}
}

// BadInput is one row of a program's table of bad inputs.
type BadInput struct {
	// Name names the subtest; empty, the arguments do.
	Name string
	Args []string
	// Status is the exit status: [cli.ExitUsage], [cli.ExitFailure], or
	// [cli.ExitOK] for an outcome that is not a failure.
	Status int
	// Line is the first line of stderr, exactly ("" for nothing).
	Line string
	// Stdout is what the program prints, exactly: nothing unless the
	// case is an outcome that is not a failure.
	Stdout string
}

// name is the subtest's name.
func (in BadInput) name() string {
	switch {
	case in.Name != "":
		return in.Name
	case len(in.Args) == 0:
		return "no arguments"
	}
	return strings.Join(in.Args, " ")
}

// BadInputs runs every case as a subtest through [BadInput.Check].
func BadInputs(t *testing.T, c cli.Command, cases []BadInput) {
	t.Helper()
	BadInputsIn(t, nil, c, cases)
}

// BadInputsIn is [BadInputs] with each case run by run, such as the Run
// method of a lab namespace (internal/lab), so that the program sees that
// namespace's links; nil runs it here.
func BadInputsIn(t *testing.T, run func(func() error) error, c cli.Command, cases []BadInput) {
	t.Helper()
	for _, in := range cases {
		t.Run(in.name(), func(t *testing.T) {
			if run == nil {
				in.Check(t, c)
				return
			}
			if err := run(func() error { in.Check(t, c); return nil }); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// Check runs c with the case's arguments and holds the program to the
// convention: the exit status and the exact first line of stderr; after a
// usage error the synopsis and nothing else, after a failure nothing more
// than the one line, after success nothing on stderr unless the case says
// otherwise; and stdout exactly as the case says (nothing, for an error).
func (in BadInput) Check(t testing.TB, c cli.Command) {
	t.Helper()
	in.check(t, c, Run(t, c, in.Args...))
}

func (in BadInput) check(t testing.TB, c cli.Command, r Result) {
	t.Helper()
	sdktest.SkipBrokenNetlink(t, r.Stderr)
	line, rest, _ := strings.Cut(r.Stderr, "\n")
	if r.Status != in.Status || line != in.Line {
		t.Errorf("%s %s\nexit %d, stderr %q\nwant exit %d, %q", c.Name, quote(in.Args), r.Status, line, in.Status, in.Line)
	}
	switch {
	case in.Status == cli.ExitUsage && rest != c.Synopsis()+"\n":
		t.Errorf("after the line stderr has %q, want the synopsis %q", rest, c.Synopsis())
	case in.Status != cli.ExitUsage && rest != "":
		t.Errorf("stderr has more than one line: %q", r.Stderr)
	}
	if r.Stdout != in.Stdout {
		t.Errorf("stdout %q, want %q", r.Stdout, in.Stdout)
	}
}

// Build builds the program pkg ("github.com/v6kit/v6kit/examples/v6disc")
// for a test that runs it as a process, in a directory any user may enter
// (so nobody can run it too), and returns its path.
func Build(t testing.TB, pkg string) string {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command builds the program under test: %v", err)
	}
	bin := filepath.Join(t.TempDir(), path.Base(pkg))
	if out, err := exec.Command(goCmd, "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	for d := filepath.Dir(bin); d != filepath.Clean(os.TempDir()) && d != "/"; d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return bin
}

// RunBinary runs the program bin as a process with args and attr (nil, or
// such as the credentials of another user), under the test's context.
func RunBinary(t testing.TB, bin string, attr *syscall.SysProcAttr, args ...string) Result {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), bin, args...)
	cmd.SysProcAttr = attr
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee) && ee.ExitCode() >= 0:
	case errors.As(err, &ee):
		t.Errorf("%s %s: %v", filepath.Base(bin), quote(args), err) // killed by a signal
	case err != nil:
		t.Fatalf("%s %s: %v", filepath.Base(bin), quote(args), err)
	}
	return Result{Status: cmd.ProcessState.ExitCode(), Stdout: out.String(), Stderr: errb.String()}
}

// BadInputsBinary is [BadInputs] with the program c built as bin (see
// [Build]) run as a process with attr, for what only a process can show:
// another user's view, say.
func BadInputsBinary(t *testing.T, bin string, attr *syscall.SysProcAttr, c cli.Command, cases []BadInput) {
	t.Helper()
	for _, in := range cases {
		t.Run(in.name(), func(t *testing.T) { in.check(t, c, RunBinary(t, bin, attr, in.Args...)) })
	}
}

// quote shows arguments as a shell would take them back.
func quote(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = a
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`") {
			q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(q, " ")
}

// Golden compares got with the golden file at path (testdata/NAME.golden),
// and with go test -update first rewrites the file with got. A golden file
// pins a program's -json keys, their order and their types: a change is a
// change of the program's interface, announced in the CHANGELOG.
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("output differs from %s (-golden +got; run go test -update if the change is intended, and announce it):\n%s", path, diff)
	}
}

// Help runs c -h and returns what it prints: it must exit 0, print nothing
// on stderr, start with the synopsis and give at least one example.
func Help(t testing.TB, c cli.Command) string {
	t.Helper()
	r := Run(t, c, "-h")
	if r.Status != cli.ExitOK || r.Stderr != "" {
		t.Fatalf("%s -h: exit %d, stderr %q; want 0 and nothing", c.Name, r.Status, r.Stderr)
	}
	if s := c.Synopsis(); !strings.HasPrefix(s, "usage: "+c.Name+" ") || !strings.HasPrefix(r.Stdout, s+"\n") {
		t.Errorf("%s -h does not start with the synopsis %q:\n%s", c.Name, s, r.Stdout)
	}
	if !strings.Contains(r.Stdout, "example") {
		t.Errorf("%s -h gives no example:\n%s", c.Name, r.Stdout)
	}
	return r.Stdout
}

// Documented fails the test for each -json key that help does not list
// on a line of its own, "  KEY  type  meaning": indented two spaces, two
// more for each level of nesting (a key given as "  prefix" is a key of an
// object one level down).
func Documented(t testing.TB, help string, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if !strings.Contains(help, "\n  "+k+" ") {
			t.Errorf("-h does not document the -json key %q", strings.TrimSpace(k))
		}
	}
}

// Mentioned fails the test for each -json key that help does not name as
// a word anywhere: for programs that describe their keys in prose rather
// than in a table (prefer the table and [Documented]).
func Mentioned(t testing.TB, help string, keys ...string) {
	t.Helper()
	for _, k := range keys {
		k = strings.TrimSpace(k)
		if !regexp.MustCompile(`(^|[^a-z0-9_])` + regexp.QuoteMeta(k) + `($|[^a-z0-9_])`).MatchString(help) {
			t.Errorf("-h does not mention the -json key %q", k)
		}
	}
}

// Keys returns the keys of the JSON objects in lines (JSON Lines, as
// -json prints), each once, sorted, in the form [Documented] takes: a key
// of an object nested in another (directly or in an array) indented two
// spaces a level.
func Keys(t testing.TB, lines []byte) []string {
	t.Helper()
	seen := map[string]bool{}
	var walk func(v any, indent string)
	walk = func(v any, indent string) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				seen[indent+k] = true
				walk(e, indent+"  ")
			}
		case []any:
			for _, e := range v {
				walk(e, indent)
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(lines))
	for dec.More() {
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("-json output is not JSON lines: %v", err)
		}
		walk(v, "")
	}
	return slices.Sorted(maps.Keys(seen))
}
