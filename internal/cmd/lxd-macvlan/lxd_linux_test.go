package lxdmacvlan

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/sdktest"
)

// lxdDaemon is a private Debian LXD in a lab namespace, initialised by a
// preseed only (no networks, a dir pool, a root disk in default). The lab
// stops it by PID and removes its directory.
type lxdDaemon struct {
	dir, conf string
}

const preseed = `config: {}
networks: []
storage_pools:
- name: default
  driver: dir
profiles:
- name: default
  devices:
    root:
      path: /
      pool: default
      type: disk
`

func startLXD(t *testing.T, l *lab.Lab) *lxdDaemon {
	t.Helper()
	sdktest.RequireCommands(t, "lxd", "lxc")
	ns, err := l.Namespace("lxd")
	if err != nil {
		t.Fatal(err)
	}
	x := &lxdDaemon{dir: filepath.Join(l.Dir, "lxd"), conf: filepath.Join(l.Dir, "lxc-conf")}
	for _, d := range []string{x.dir, x.conf} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	_, err = ns.Start(lab.DaemonSpec{
		Name:         "lxd",
		Args:         []string{"lxd", "--group", "root", "--logfile=" + filepath.Join(x.dir, "lxd.log")},
		Env:          x.env(),
		StartTimeout: 120 * time.Second,
		Ready: func(*lab.Daemon) (bool, error) {
			_, err := os.Stat(x.socket())
			return err == nil, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	x.run(t, "", "lxd", "waitready", "--timeout=120")
	x.run(t, preseed, "lxd", "init", "--preseed")
	return x
}

func (x *lxdDaemon) socket() string { return filepath.Join(x.dir, "unix.socket") }

func (x *lxdDaemon) env() []string { return []string{"LXD_DIR=" + x.dir, "LXD_CONF=" + x.conf} }

// run runs lxd or lxc against the daemon and returns its standard output.
func (x *lxdDaemon) run(t *testing.T, stdin string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), x.env()...)
	cmd.Stdin = strings.NewReader(stdin)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}
