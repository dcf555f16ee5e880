package lxdprofile

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/v6kit/v6kit/internal/sdktest"
)

func TestConnectUnixSaysWhatItTried(t *testing.T) {
	dir := t.TempDir()
	// A socket file nobody listens on any more: connection refused.
	dead := sdktest.DeadSocket(t, dir)

	t.Setenv("LXD_SOCKET", "")
	t.Setenv("LXD_DIR", dir)
	tests := []struct {
		name string
		path string
		env  map[string]string
		want string
	}{
		{name: "LXD_DIR", want: "lxdprofile: no LXD daemon answers on " + dir + "/unix.socket (no such file)"},
		{name: "LXD_SOCKET wins", env: map[string]string{"LXD_SOCKET": dead},
			want: "lxdprofile: no LXD daemon answers on " + dead + " (connection refused: the daemon is not running)"},
		{name: "not a socket", path: dir,
			want: "lxdprofile: no LXD daemon answers on " + dir + " (not a socket)"},
		{name: "explicit path", path: filepath.Join(dir, "nope"), env: map[string]string{"LXD_SOCKET": dead},
			want: "lxdprofile: no LXD daemon answers on " + dir + "/nope (no such file)"},
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
