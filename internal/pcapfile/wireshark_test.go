package pcapfile_test

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/v6kit/v6kit/internal/pcapfile"
	"github.com/v6kit/v6kit/internal/sdktest"
)

// TestWireshark reads files Wireshark's tools write (text2pcap: classic
// pcap in micro- and nanoseconds, pcapng; mergecap: one pcapng with an
// Ethernet and a Linux SLL interface) and compares every packet's time,
// lengths and interface with what tshark reads from the same file.
func TestWireshark(t *testing.T) {
	tools := sdktest.RequireCommands(t, "text2pcap", "mergecap", "tshark")
	text2pcap, mergecap, tshark := tools[0], tools[1], tools[2]
	dir := t.TempDir()
	// Three frames as a hex dump (offset, bytes); text2pcap gives them
	// timestamps of its own.
	frames := [][]byte{
		bytes.Repeat([]byte{0x11}, 14),
		bytes.Repeat([]byte{0x22}, 60),
		bytes.Repeat([]byte{0x33}, 200),
	}
	var dump strings.Builder
	for _, f := range frames {
		for off := 0; off < len(f); off += 16 {
			fmt.Fprintf(&dump, "%06x %s\n", off, strings.TrimSpace(hexSpaced(f[off:min(off+16, len(f))])))
		}
		dump.WriteString("\n")
	}
	txt := filepath.Join(dir, "frames.txt")
	if err := os.WriteFile(txt, []byte(dump.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(name string, args ...string) {
		t.Helper()
		if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
			t.Fatalf("%s %q: %v\n%s", name, args, err, out)
		}
	}
	path := func(s string) string { return filepath.Join(dir, s) }
	run(text2pcap, "-q", "-F", "pcap", "-l", "1", txt, path("eth.pcap"))
	run(text2pcap, "-q", "-F", "nsecpcap", "-l", "113", txt, path("sll-ns.pcap"))
	run(text2pcap, "-q", "-F", "pcapng", "-l", "1", txt, path("eth.pcapng"))
	run(text2pcap, "-q", "-F", "pcapng", "-l", "113", txt, path("sll.pcapng"))
	run(mergecap, "-F", "pcapng", "-w", path("merged.pcapng"), path("eth.pcapng"), path("sll.pcapng"))

	for _, tt := range []struct {
		file  string
		links []pcapfile.LinkType // by interface
	}{
		{"eth.pcap", []pcapfile.LinkType{pcapfile.LinkEthernet}},
		{"sll-ns.pcap", []pcapfile.LinkType{pcapfile.LinkLinuxSLL}},
		{"eth.pcapng", []pcapfile.LinkType{pcapfile.LinkEthernet}},
		{"merged.pcapng", []pcapfile.LinkType{pcapfile.LinkEthernet, pcapfile.LinkLinuxSLL}},
	} {
		t.Run(tt.file, func(t *testing.T) {
			out, err := exec.Command(tshark, "-r", path(tt.file), "-T", "fields",
				"-e", "frame.time_epoch", "-e", "frame.len", "-e", "frame.cap_len", "-e", "frame.interface_id").Output()
			if err != nil {
				t.Fatalf("tshark: %v", err)
			}
			want := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
			f, err := os.Open(path(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			r, err := pcapfile.NewReader(f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			counts := map[string]int{}
			for r.Next() {
				p := r.Packet()
				ifc := ""
				if strings.HasSuffix(tt.file, ".pcapng") {
					ifc = fmt.Sprint(p.Interface)
				}
				got = append(got, fmt.Sprintf("%d.%09d\t%d\t%d\t%s", p.Time.Unix(), p.Time.Nanosecond(), p.Length, len(p.Data), ifc))
				if p.Interface >= len(tt.links) || p.LinkType != tt.links[p.Interface] {
					t.Errorf("packet %d: link type %v on interface %d, want %v", len(got), p.LinkType, p.Interface, tt.links)
				}
				counts[hex.EncodeToString(p.Data)]++
			}
			if err := r.Err(); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("time, len, cap_len, interface (-tshark +pcapfile):\n%s", diff)
			}
			for _, fr := range frames {
				if n := counts[hex.EncodeToString(fr)]; n != len(tt.links) {
					t.Errorf("frame of %d bytes read %d times, want %d", len(fr), n, len(tt.links))
				}
			}
		})
	}
}

func hexSpaced(b []byte) string {
	var s strings.Builder
	for _, c := range b {
		fmt.Fprintf(&s, "%02x ", c)
	}
	return s.String()
}
