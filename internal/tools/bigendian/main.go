//go:build linux

// Command bigendian checks slaac.Linux against a real Linux kernel of
// another byte order. scripts/bigendian.sh builds it for linux/s390x (the
// only big-endian Linux Debian ships), packs it as /init of an initramfs
// and boots Debian's s390x kernel under qemu-system-s390x.
//
// It has two modes:
//
//   - As PID 1 (the VM's /init) it mounts /proc and /sys, loads veth.ko
//     when veth is not built in, creates a veth pair a–b, sets a's
//     stable_secret and addr_gen_mode 2, advertises a /64 from b with
//     ndp.Advertiser, waits for the addresses the kernel forms on a, and
//     compares them with slaac.Linux's prediction (ByteOrder nil: this
//     CPU's order). It prints one line starting "BIGENDIAN PASS" or
//     "BIGENDIAN FAIL" and powers the VM off.
//   - Otherwise, `bigendian -initramfs out.cpio -init BIN [-module veth.ko]`
//     writes the initramfs (cpio newc) holding BIN as /init, so the host
//     needs no cpio program.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	if os.Getpid() == 1 {
		runInit()
		return
	}
	out := flag.String("initramfs", "", "write the initramfs (cpio newc) to this `file`")
	initBin := flag.String("init", "", "the static linux/s390x build of this program, packed as /init")
	module := flag.String("module", "", "veth.ko to pack as /veth.ko (when CONFIG_VETH=m)")
	flag.Parse()
	if *out == "" || *initBin == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: bigendian -initramfs out.cpio -init BIN [-module veth.ko]")
		os.Exit(2)
	}
	if err := writeInitramfs(*out, *initBin, *module); err != nil {
		fmt.Fprintln(os.Stderr, "bigendian:", err)
		os.Exit(1)
	}
}
