package lxdmacvlan

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/v6kit/v6kit/macvlan"
)

func TestRunUsage(t *testing.T) {
	var out bytes.Buffer
	if err := Run(context.Background(), Options{}, &out); !errors.Is(err, ErrUsage) {
		t.Errorf("Run without -parent = %v, want ErrUsage", err)
	}
	if err := Run(context.Background(), Options{Parent: "eth0", Profile: "a b"}, &out); !errors.Is(err, ErrUsage) {
		t.Errorf("Run with a bad profile name = %v, want ErrUsage", err)
	}
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "class", "net", "wlan0", "wireless"), 0o755); err != nil {
		t.Fatal(err)
	}
	// The wireless parent is refused before LXD is even contacted.
	err := Run(context.Background(), Options{Parent: "wlan0", Shim: true, SysRoot: root, Socket: filepath.Join(root, "none.socket")}, &out)
	if !errors.Is(err, macvlan.ErrWireless) {
		t.Errorf("Run -shim on wlan0 = %v, want ErrWireless", err)
	}
	if out.Len() != 0 {
		t.Errorf("printed %q", out.String())
	}
}
