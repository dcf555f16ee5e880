package lxdprofile

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/canonical/lxd/shared/api"

	"github.com/v6kit/v6kit/internal/labtest"
	"github.com/v6kit/v6kit/internal/sdktest"
)

func TestConnectUnixSaysWhatItTried(t *testing.T) {
	dir := t.TempDir()
	// A socket file nobody listens on any more: connection refused.
	dead := sdktest.DeadSocket(t, dir)
	fakes := labtest.ServeNotDaemons(t)

	t.Setenv("LXD_SOCKET", "")
	t.Setenv("LXD_DIR", dir)
	tests := []struct {
		name string
		path string
		env  map[string]string
		want string
	}{
		{name: "LXD_DIR", want: "lxdprofile: no LXD daemon answers on " + dir + "/unix.socket: no such socket"},
		{name: "LXD_SOCKET wins", env: map[string]string{"LXD_SOCKET": dead},
			want: "lxdprofile: no LXD daemon answers on " + dead + ": connection refused (the daemon is not running)"},
		{name: "not a socket", path: dir,
			want: "lxdprofile: no LXD daemon answers on " + dir + ": not a socket"},
		{name: "explicit path", path: filepath.Join(dir, "nope"), env: map[string]string{"LXD_SOCKET": dead},
			want: "lxdprofile: no LXD daemon answers on " + dir + "/nope: no such socket"},
		{name: "HTML", path: fakes.HTML, want: "lxdprofile: no LXD daemon answers on " + fakes.HTML + ": answers, but not as LXD (not JSON)"},
		{name: "closes", path: fakes.Closes, want: "lxdprofile: no LXD daemon answers on " + fakes.Closes + ": connection closed"},
		{name: "not HTTP", path: fakes.SSH, want: "lxdprofile: no LXD daemon answers on " + fakes.SSH + ": answers, but not as LXD (not HTTP)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			_, err := ConnectUnix(context.Background(), tt.path)
			if !errors.Is(err, ErrNoDaemon) || err.Error() != tt.want {
				t.Errorf("ConnectUnix(%q) = %v\nwant %s", tt.path, err, tt.want)
			}
		})
	}
	t.Setenv("LXD_DIR", "")
	if got := DefaultSockets(); len(got) != 2 || got[0] != SnapSocket || got[1] != DebSocket {
		t.Errorf("DefaultSockets without LXD_DIR = %q", got)
	}
}

// TestConnectCause: each reason a socket gives is short and in words, for
// causes a test cannot make as root (permission) or by a real server.
func TestConnectCause(t *testing.T) {
	transport := func(err error) error {
		return &url.Error{Op: "Get", URL: "http://unix.socket/1.0", Err: &net.OpError{Op: "dial", Net: "unix", Err: os.NewSyscallError("connect", err)}}
	}
	tests := []struct {
		daemon Daemon
		path   string
		err    error
		want   string
	}{
		{LXD, "/s", transport(syscall.EACCES), "permission denied (run as root or join the lxd group)"},
		{Incus, "/s", transport(syscall.EPERM), "permission denied (run as root or join the incus-admin group)"},
		{DetectDaemon, "/var/lib/incus/unix.socket", transport(syscall.EACCES), "permission denied (run as root or join the incus-admin group)"},
		{DetectDaemon, "/var/snap/lxd/common/lxd/unix.socket", transport(syscall.EACCES), "permission denied (run as root or join the lxd group)"},
		{DetectDaemon, "/run/x.sock", transport(syscall.EACCES), "permission denied (run as root or join the lxd or incus-admin group)"},
		{DetectDaemon, "/s", transport(syscall.ENOENT), "no such socket"},
		{DetectDaemon, "/s", transport(syscall.ECONNREFUSED), "connection refused (the daemon is not running)"},
		{DetectDaemon, "/s", &url.Error{Op: "Get", URL: "http://unix.socket/1.0", Err: &net.OpError{Op: "write", Net: "unix", Err: os.NewSyscallError("write", syscall.EPIPE)}}, "connection closed"},
		{DetectDaemon, "/s", &url.Error{Op: "Get", URL: "http://unix.socket/1.0", Err: io.EOF}, "connection closed"},
		{DetectDaemon, "/s", &url.Error{Op: "Get", URL: "http://unix.socket/1.0", Err: os.ErrDeadlineExceeded}, "no answer in time"},
		{DetectDaemon, "/s", transport(syscall.ENOBUFS), "no buffer space available"},
		{LXD, "/s", io.EOF, "answers, but not as LXD (empty answer)"},
		{Incus, "/s", api.StatusErrorf(http.StatusForbidden, "not authorized"), "answers with an error (HTTP 403: not authorized)"},
	}
	for _, tt := range tests {
		if got := connectCause(tt.daemon, tt.path, tt.err); got != tt.want {
			t.Errorf("connectCause(%v, %s, %v) = %q, want %q", tt.daemon, tt.path, tt.err, got, tt.want)
		}
	}
}

// TestDialSaysWhatAnswers: a socket on which something else answers, or
// that closes at once, is named with a short reason in words (it was the
// client's Go error: "lxdprofile: GET /1.0: answer is not the daemon's
// JSON (HTTP 200): invalid character '<' …", "Get "http://unix.socket/1.0":
// read unix @->…"), and the cause stays wrapped.
func TestDialSaysWhatAnswers(t *testing.T) {
	f := labtest.ServeNotDaemons(t)
	var syntax *json.SyntaxError
	var status api.StatusError
	tests := []struct {
		socket string
		want   string
		is     func(error) bool
	}{
		{f.HTML, "answers, but not as LXD or Incus (HTTP 200, not JSON)", func(err error) bool { return errors.As(err, &syntax) }},
		{f.HTML404, "answers, but not as LXD or Incus (HTTP 404, not the daemon's JSON)", nil},
		{f.Empty, "answers, but not as LXD or Incus (HTTP 200, empty answer)", func(err error) bool { return errors.Is(err, io.EOF) }},
		{f.Object, "answers, but not as LXD or Incus (HTTP 200, not the daemon's JSON)", nil},
		{f.ErrorAnswer, "answers with an error (HTTP 403: not authorized)", func(err error) bool { return errors.As(err, &status) && status.Status() == http.StatusForbidden }},
		{f.Closes, "connection closed", nil},
		{f.SSH, "answers, but not as LXD or Incus (not HTTP)", nil},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.socket), func(t *testing.T) {
			_, err := Dial(context.Background(), DialOptions{Socket: tt.socket})
			want := "lxdprofile: no LXD or Incus daemon answers on " + tt.socket + ": " + tt.want
			if err == nil || err.Error() != want {
				t.Fatalf("Dial = %v\nwant   %s", err, want)
			}
			if !errors.Is(err, ErrNoDaemon) {
				t.Errorf("Dial = %v, not ErrNoDaemon", err)
			}
			if tt.is != nil && !tt.is(err) {
				t.Errorf("Dial = %v: the cause is not wrapped", err)
			}
			if strings.Contains(err.Error(), "unix.socket/1.0") || strings.Count(err.Error(), "lxdprofile:") != 1 {
				t.Errorf("Dial = %v: Go's HTTP text or a second package prefix", err)
			}
		})
	}
	// Causes stay wrapped for a caller to test, one per socket tried.
	dir := t.TempDir()
	dead := sdktest.DeadSocket(t, dir)
	if err := os.Mkdir(filepath.Join(dir, "unix.socket"), 0o755); err != nil { // not a socket
		t.Fatal(err)
	}
	t.Setenv("INCUS_SOCKET", filepath.Join(dir, "nope"))
	t.Setenv("LXD_SOCKET", dead)
	t.Setenv("INCUS_DIR", "")
	t.Setenv("LXD_DIR", dir)
	_, err := Dial(context.Background(), DialOptions{})
	for _, target := range []error{ErrNoDaemon, fs.ErrNotExist, syscall.ECONNREFUSED, syscall.ENOTSOCK} {
		if !errors.Is(err, target) {
			t.Errorf("Dial = %v, not errors.Is %v", err, target)
		}
	}
}

type pools []string

func (p pools) GetStoragePoolNames() ([]string, error) { return p, nil }

func TestCheckPools(t *testing.T) {
	tests := []struct {
		name string
		have pools
		p    Profile
		want string
	}{
		{name: "exists", have: pools{"default", "fast"}, p: Macvlan("eth0", "fast")},
		{name: "no disk", have: nil, p: ExtBridge("br0")},
		{name: "missing", have: pools{"fast", "default"}, p: Macvlan("eth0", "nosuchpool"),
			want: `lxdprofile: storage pool not found: "nosuchpool" (pools: default, fast)`},
		{name: "none at all", have: nil, p: Macvlan("eth0", "default"),
			want: `lxdprofile: storage pool not found: "default" (pools: none; create one with 'lxc storage create')`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPools(tt.have, tt.p)
			if tt.want == "" {
				if err != nil {
					t.Errorf("CheckPools = %v", err)
				}
				return
			}
			if !errors.Is(err, ErrNoPool) || err.Error() != tt.want {
				t.Errorf("CheckPools = %v\nwant %s", err, tt.want)
			}
		})
	}
}
