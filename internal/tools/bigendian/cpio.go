//go:build linux

package main

import (
	"bufio"
	"fmt"
	"os"
)

// cpioEntry is one member of a cpio "newc" archive (the format the kernel
// unpacks as initramfs, Documentation/driver-api/early-userspace).
type cpioEntry struct {
	name       string
	mode       uint32 // type and permission bits, as in stat(2)
	rmaj, rmin uint32 // device number of a character device
	data       []byte
}

const (
	sIFDIR = 0o040000
	sIFREG = 0o100000
	sIFCHR = 0o020000
)

// writeInitramfs writes the VM's initramfs: /init, /dev/console, the mount
// points, and veth.ko when given.
func writeInitramfs(out, initBin, module string) error {
	bin, err := os.ReadFile(initBin)
	if err != nil {
		return err
	}
	entries := []cpioEntry{
		{name: "dev", mode: sIFDIR | 0o755},
		{name: "dev/console", mode: sIFCHR | 0o600, rmaj: 5, rmin: 1},
		{name: "proc", mode: sIFDIR | 0o555},
		{name: "sys", mode: sIFDIR | 0o555},
		{name: "init", mode: sIFREG | 0o755, data: bin},
	}
	if module != "" {
		ko, err := os.ReadFile(module)
		if err != nil {
			return err
		}
		entries = append(entries, cpioEntry{name: "veth.ko", mode: sIFREG | 0o644, data: ko})
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for i, e := range entries {
		writeCpio(w, uint32(i+1), e)
	}
	writeCpio(w, 0, cpioEntry{name: "TRAILER!!!"})
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeCpio writes one newc header, name and data, each padded to 4 bytes.
func writeCpio(w *bufio.Writer, ino uint32, e cpioEntry) {
	nlink := uint32(1)
	if e.mode&0o170000 == sIFDIR {
		nlink = 2
	}
	fmt.Fprintf(w, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		ino, e.mode, 0, 0, nlink, 0, len(e.data), 0, 0, e.rmaj, e.rmin, len(e.name)+1, 0)
	w.WriteString(e.name)
	w.WriteByte(0)
	pad(w, 110+len(e.name)+1)
	w.Write(e.data)
	pad(w, len(e.data))
}

func pad(w *bufio.Writer, n int) {
	for ; n%4 != 0; n++ {
		w.WriteByte(0)
	}
}
