package macvlanshim

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
	tests := []struct {
		name string
		o    Options
	}{
		{name: "no parent", o: Options{}},
		{name: "remove and list", o: Options{Parent: "eth0", Remove: true, List: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := Run(context.Background(), tt.o, &out); !errors.Is(err, ErrUsage) {
				t.Errorf("Run = %v, want ErrUsage", err)
			}
		})
	}
}

func TestRunRefusesWireless(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "class", "net", "wlan0", "wireless"), 0o755); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := Run(context.Background(), Options{Parent: "wlan0", SysRoot: root}, &out)
	if !errors.Is(err, macvlan.ErrWireless) {
		t.Fatalf("Run on wlan0 = %v, want ErrWireless", err)
	}
	if out.Len() != 0 {
		t.Errorf("printed %q", out.String())
	}
}
