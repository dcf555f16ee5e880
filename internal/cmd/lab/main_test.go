package labcmd

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/internal/clitest"
)

// TestBadInputs: every bad flag exits 2 with one line saying what is wrong
// and what to do, before anything is built — so it runs unprivileged.
func TestBadInputs(t *testing.T) {
	dir := t.TempDir()
	clitest.BadInputs(t, Command, []clitest.BadInput{
		{Name: "act-timeout zero", Args: []string{"-act-timeout", "0"}, Status: cli.ExitUsage, Line: "lab: -act-timeout 0s must be positive; give how long one act may take, such as 30s"},
		{Name: "act-timeout negative", Args: []string{"-act-timeout", "-1s"}, Status: cli.ExitUsage, Line: "lab: -act-timeout -1s is negative; give how long one act may take, such as 30s"},
		{Name: "act-timeout not a duration", Args: []string{"-act-timeout", "soon"}, Status: cli.ExitUsage, Line: `lab: -act-timeout "soon": not a duration; give one such as 30s, 5m or 1h`},
		{Name: "act-timeout without unit", Args: []string{"-act-timeout", "30"}, Status: cli.ExitUsage, Line: `lab: -act-timeout "30": not a duration; give one such as 30s, 5m or 1h`},
		{Name: "id upper case", Args: []string{"-id", "Lab1"}, Status: cli.ExitUsage, Line: `lab: -id "Lab1" is not a lab ID; give 1 to 16 lower-case letters and digits, such as t1`},
		{Name: "id with a dash", Args: []string{"-id", "a-b"}, Status: cli.ExitUsage, Line: `lab: -id "a-b" is not a lab ID; give 1 to 16 lower-case letters and digits, such as t1`},
		{Name: "id with a slash", Args: []string{"-id", "../x"}, Status: cli.ExitUsage, Line: `lab: -id "../x" is not a lab ID; give 1 to 16 lower-case letters and digits, such as t1`},
		{Name: "id too long", Args: []string{"-id", "abcdefghijklmnopq"}, Status: cli.ExitUsage, Line: `lab: -id "abcdefghijklmnopq" is not a lab ID; give 1 to 16 lower-case letters and digits, such as t1`},
		{Name: "id with -down", Args: []string{"-down", "-id", "x y"}, Status: cli.ExitUsage, Line: `lab: -id "x y" is not a lab ID; give 1 to 16 lower-case letters and digits, such as t1`},
		{Name: "svg in a missing directory", Args: []string{"-svg", "/missing/dir/x.svg"}, Status: cli.ExitUsage, Line: "lab: -svg /missing/dir/x.svg: directory /missing/dir does not exist; create it or give a path in an existing one"},
		{Name: "svg is a directory", Args: []string{"-svg", dir}, Status: cli.ExitUsage, Line: "lab: -svg " + dir + " is a directory; give a file name such as " + filepath.Join(dir, "lab.svg")},
		{Name: "svg under a file", Args: []string{"-svg", "/etc/hostname/x.svg"}, Status: cli.ExitUsage, Line: "lab: -svg /etc/hostname/x.svg: /etc/hostname is not a directory; give a path in a directory"},
		{Name: "down and keep", Args: []string{"-down", "-keep"}, Status: cli.ExitUsage, Line: "lab: -down only removes labs left behind; drop -keep, -svg, -peers and -json (or drop -down)"},
		{Name: "down and svg", Args: []string{"-down", "-svg", filepath.Join(dir, "x.svg")}, Status: cli.ExitUsage, Line: "lab: -down only removes labs left behind; drop -keep, -svg, -peers and -json (or drop -down)"},
		{Name: "down and json", Args: []string{"-down", "-json"}, Status: cli.ExitUsage, Line: "lab: -down only removes labs left behind; drop -keep, -svg, -peers and -json (or drop -down)"},
		{Name: "down and break", Args: []string{"-down", "-break", "no-rdnss"}, Status: cli.ExitUsage, Line: "lab: -down only removes labs left behind; drop -break (or drop -down)"},
		{Name: "unknown break", Args: []string{"-break", "everything"}, Status: cli.ExitUsage, Line: `lab: -break "everything" is not a way to break the lab; give dns64-prefix, nat64-down, no-rdnss or short-pref64`},
		{Name: "short-pref64 under radvd", Args: []string{"-break", "short-pref64", "-peers"}, Status: cli.ExitUsage, Line: "lab: -break short-pref64 needs v6kit's advertiser (radvd 2.19 sends no PREF64 to disagree with); drop -peers"},
		{Name: "dns64-prefix under radvd", Args: []string{"-break", "dns64-prefix", "-peers"}, Status: cli.ExitUsage, Line: "lab: -break dns64-prefix needs v6kit's advertiser (radvd 2.19 sends no PREF64 to disagree with); drop -peers"},
		{Name: "unknown flag", Args: []string{"-verbose"}, Status: cli.ExitUsage, Line: "lab: -verbose: no such flag; see -h for the flags"},
		{Name: "stray argument", Args: []string{"run"}, Status: cli.ExitUsage, Line: `lab: unexpected argument "run"; every option is a flag (see lab -h)`},
	})
	if runtime.GOOS == "linux" {
		// The reason in parentheses depends on the privileges: ENOENT for
		// root, EACCES for others, so the line is compared in two parts.
		t.Run("svg in a directory that takes no file", func(t *testing.T) {
			r := clitest.Run(t, Command, "-svg", "/proc/x.svg")
			line, rest, _ := strings.Cut(r.Stderr, "\n")
			if r.Status != cli.ExitUsage || !strings.HasPrefix(line, "lab: -svg /proc/x.svg: directory /proc is not writable (") ||
				!strings.HasSuffix(line, "); give a path in a directory you can write") {
				t.Errorf("lab -svg /proc/x.svg\nexit %d, stderr %q\nwant exit 2, %q", r.Status, line, "lab: -svg /proc/x.svg: directory /proc is not writable (…); give a path in a directory you can write")
			}
			if r.Stdout != "" {
				t.Errorf("stdout %q, want nothing", r.Stdout)
			}
			if rest != Command.Synopsis()+"\n" {
				t.Errorf("after the line stderr has %q, want the synopsis", rest)
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the -svg check left files behind: %v", entries)
	}
}

// TestSVGCheckLeavesNothing: a good -svg path passes and the probe file
// is gone.
func TestSVGCheckLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	if err := check(Options{SVG: filepath.Join(dir, "lab.svg")}); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the -svg check left files behind: %v", entries)
	}
	if err := check(Options{SVG: "/missing/x.svg"}); !errors.Is(err, cli.ErrUsage) {
		t.Errorf("missing directory: %v, want a usage error", err)
	}
}

// TestJSONKeys pins the keys of one -json line (see Help): the result of
// a failed act, which carries every common detail.
func TestJSONKeys(t *testing.T) {
	r := Result{Act: "predict", OK: false, Seconds: 1.5, Details: map[string]any{
		"lines": []string{"✔ laptop    linux stable-privacy  2001:db8:1:2::1"}, "predicted": 18, "matched": 17,
		"summary": "17 of 18 addresses", "next": "go run ./examples/slaacaddr -mode linux", "error": "laptop: predicted 2001:db8:1:2::1",
	}}
	var out bytes.Buffer
	if err := report(&out, true, r); err != nil {
		t.Fatal(err)
	}
	clitest.Golden(t, filepath.Join("testdata", "result.golden"), out.Bytes())
	help := clitest.Help(t, Command)
	clitest.Documented(t, help, "act", "ok", "seconds", "details")
	clitest.Mentioned(t, help, "summary", "lines", "next", "error", "predicted", "matched")
}
