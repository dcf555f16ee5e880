//go:build linux

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestInitramfs parses the archive back as the kernel's unpacker does
// (init/initramfs.c): 110-byte "070701" headers of hex fields, name and
// data each padded to 4 bytes, ending at "TRAILER!!!".
func TestInitramfs(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "init")
	ko := filepath.Join(dir, "veth.ko")
	if err := os.WriteFile(bin, []byte("ELF-ish binary, 33 bytes in total"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ko, []byte("module"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "initrd.cpio")
	if err := writeInitramfs(out, bin, ko); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	type member struct {
		mode, rmaj, rmin uint64
		data             string
	}
	got := map[string]member{}
	var order []string
	for off := 0; ; {
		if off%4 != 0 || off+110 > len(b) || string(b[off:off+6]) != "070701" {
			t.Fatalf("no header at offset %d", off)
		}
		field := func(i int) uint64 {
			v, err := strconv.ParseUint(string(b[off+6+8*i:off+14+8*i]), 16, 32)
			if err != nil {
				t.Fatalf("header at %d field %d: %v", off, i, err)
			}
			return v
		}
		size, namesize := int(field(6)), int(field(11))
		m := member{mode: field(1), rmaj: field(9), rmin: field(10)}
		name := string(bytes.TrimSuffix(b[off+110:off+110+namesize], []byte{0}))
		off = align(off + 110 + namesize)
		data := string(b[off : off+size])
		off = align(off + size)
		if name == "TRAILER!!!" {
			if off != len(b) {
				t.Errorf("%d bytes after the trailer", len(b)-off)
			}
			break
		}
		order = append(order, name)
		m.data = data
		got[name] = m
	}
	want := map[string]member{
		"dev":         {mode: 0o040755},
		"dev/console": {mode: 0o020600, rmaj: 5, rmin: 1},
		"proc":        {mode: 0o040555},
		"sys":         {mode: 0o040555},
		"init":        {mode: 0o100755, data: "ELF-ish binary, 33 bytes in total"},
		"veth.ko":     {mode: 0o100644, data: "module"},
	}
	if len(got) != len(want) {
		t.Errorf("members %v, want %d", order, len(want))
	}
	for name, w := range want {
		if g, ok := got[name]; !ok || g != w {
			t.Errorf("%s = %+v (present %v), want %+v", name, g, ok, w)
		}
	}
	if order[0] != "dev" || order[1] != "dev/console" {
		t.Errorf("order %v: a directory must come before what it holds", order)
	}
}

func align(n int) int { return (n + 3) &^ 3 }
