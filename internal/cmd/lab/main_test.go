package labcmd

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/v6kit/v6kit/internal/cli"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// TestBadInputs: every bad flag exits 2 with one line saying what is wrong
// and what to do, before anything is built — so it runs unprivileged.
func TestBadInputs(t *testing.T) {
	dir := t.TempDir()
	type tc struct {
		name   string
		args   []string
		status int
		line   string // the first line of stderr, exactly
	}
	tests := []tc{
		{"act-timeout zero", []string{"-act-timeout", "0"}, cli.ExitUsage, "lab: -act-timeout 0s must be positive; give how long one act may take, such as 30s"},
		{"act-timeout negative", []string{"-act-timeout", "-1s"}, cli.ExitUsage, "lab: -act-timeout -1s is negative; give how long one act may take, such as 30s"},
		{"act-timeout not a duration", []string{"-act-timeout", "soon"}, cli.ExitUsage, `lab: -act-timeout "soon": not a duration; give one such as 30s, 5m or 1h`},
		{"act-timeout without unit", []string{"-act-timeout", "30"}, cli.ExitUsage, `lab: -act-timeout "30": not a duration; give one such as 30s, 5m or 1h`},
		{"id upper case", []string{"-id", "Lab1"}, cli.ExitUsage, `lab: -id "Lab1" is not a lab ID; give 1 to 16 lower-case letters and digits, such as t1`},
		{"id with a dash", []string{"-id", "a-b"}, cli.ExitUsage, `lab: -id "a-b" is not a lab ID; give 1 to 16 lower-case letters and digits, such as t1`},
		{"id with a slash", []string{"-id", "../x"}, cli.ExitUsage, `lab: -id "../x" is not a lab ID; give 1 to 16 lower-case letters and digits, such as t1`},
		{"id too long", []string{"-id", "abcdefghijklmnopq"}, cli.ExitUsage, `lab: -id "abcdefghijklmnopq" is not a lab ID; give 1 to 16 lower-case letters and digits, such as t1`},
		{"id with -down", []string{"-down", "-id", "x y"}, cli.ExitUsage, `lab: -id "x y" is not a lab ID; give 1 to 16 lower-case letters and digits, such as t1`},
		{"svg in a missing directory", []string{"-svg", "/missing/dir/x.svg"}, cli.ExitUsage, "lab: -svg /missing/dir/x.svg: directory /missing/dir does not exist; create it or give a path in an existing one"},
		{"svg is a directory", []string{"-svg", dir}, cli.ExitUsage, "lab: -svg " + dir + " is a directory; give a file name such as " + filepath.Join(dir, "lab.svg")},
		{"svg under a file", []string{"-svg", "/etc/hostname/x.svg"}, cli.ExitUsage, "lab: -svg /etc/hostname/x.svg: /etc/hostname is not a directory; give a path in a directory"},
		{"down and keep", []string{"-down", "-keep"}, cli.ExitUsage, "lab: -down only removes labs left behind; drop -keep, -svg, -peers and -json (or drop -down)"},
		{"down and svg", []string{"-down", "-svg", filepath.Join(dir, "x.svg")}, cli.ExitUsage, "lab: -down only removes labs left behind; drop -keep, -svg, -peers and -json (or drop -down)"},
		{"down and json", []string{"-down", "-json"}, cli.ExitUsage, "lab: -down only removes labs left behind; drop -keep, -svg, -peers and -json (or drop -down)"},
		{"unknown flag", []string{"-verbose"}, cli.ExitUsage, "lab: -verbose: no such flag; see -h for the flags"},
		{"stray argument", []string{"run"}, cli.ExitUsage, `lab: unexpected argument "run"; every option is a flag (see lab -h)`},
	}
	if runtime.GOOS == "linux" {
		// The reason in parentheses depends on the privileges: ENOENT
		// for root, EACCES for others; "…" ends a line compared as a prefix.
		tests = append(tests, tc{"svg in a directory that takes no file", []string{"-svg", "/proc/x.svg"}, cli.ExitUsage,
			"lab: -svg /proc/x.svg: directory /proc is not writable (…"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			got := cli.Main(context.Background(), Command, tt.args, &out, &errb)
			line, rest, _ := strings.Cut(errb.String(), "\n")
			same := line == tt.line
			if p, ok := strings.CutSuffix(tt.line, "…"); ok {
				same = strings.HasPrefix(line, p) && strings.HasSuffix(line, "); give a path in a directory you can write")
			}
			if got != tt.status || !same {
				t.Errorf("lab %s\nexit %d, stderr %q\nwant exit %d, %q", strings.Join(tt.args, " "), got, line, tt.status, tt.line)
			}
			if out.Len() > 0 {
				t.Errorf("stdout %q, want nothing", out.String())
			}
			if tt.status == cli.ExitUsage && rest != Command.Synopsis()+"\n" {
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
	path := filepath.Join("testdata", "result.golden")
	if *update {
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if out.String() != string(want) {
		t.Errorf("-json line\n%s\nwant (%s)\n%s", out.String(), path, want)
	}
	var help bytes.Buffer
	cli.Main(context.Background(), Command, []string{"-h"}, &help, &help)
	for _, k := range []string{"act", "ok", "seconds", "details", "summary", "lines", "next", "error", "predicted", "matched"} {
		if !strings.Contains(help.String(), k) {
			t.Errorf("-h does not document the -json key %q", k)
		}
	}
}
