package sdktest

import (
	"encoding/binary"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// WritePcap writes Ethernet frames to path as a classic pcap (little
// endian, microseconds), one a second from 2001-09-09, for tshark to read.
func WritePcap(t testing.TB, path string, frames [][]byte) {
	t.Helper()
	b := binary.LittleEndian.AppendUint32(nil, 0xa1b2c3d4)
	b = binary.LittleEndian.AppendUint16(b, 2)
	b = binary.LittleEndian.AppendUint16(b, 4)
	b = append(b, make([]byte, 8)...) // thiszone, sigfigs
	b = binary.LittleEndian.AppendUint32(b, 65535)
	b = binary.LittleEndian.AppendUint32(b, 1) // LINKTYPE_ETHERNET
	for i, f := range frames {
		b = binary.LittleEndian.AppendUint32(b, uint32(1e9+i))
		b = binary.LittleEndian.AppendUint32(b, 0)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(f)))
		b = binary.LittleEndian.AppendUint32(b, uint32(len(f)))
		b = append(b, f...)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Tshark returns the path of tshark, skipping t without it (failing under
// V6KIT_REQUIRE_PEERS=1, as [RequireCommands]).
func Tshark(t testing.TB) string {
	t.Helper()
	return RequireCommands(t, "tshark")[0]
}

var frameStart = regexp.MustCompile(`(?m)^Frame [0-9]+: `)

// TsharkFrames is tshark's verbose dissection (-V) of the capture at path,
// one string per frame; opts go before -V (such as "-o",
// "udp.check_checksum:TRUE").
func TsharkFrames(t testing.TB, path string, opts ...string) []string {
	t.Helper()
	args := append([]string{"-n", "-r", path}, opts...)
	out, err := exec.Command(Tshark(t), append(args, "-V")...).CombinedOutput()
	if err != nil {
		t.Fatalf("tshark -V: %v\n%s", err, out)
	}
	return frameStart.Split(string(out), -1)[1:]
}

// TsharkProblem returns the first sign in a frame's dissection that
// Wireshark finds it wrong — "Malformed", an expert warning or error, or
// one of extra (a test's stricter markers) — or "".
func TsharkProblem(dissection string, extra ...string) string {
	for _, bad := range append([]string{"Malformed", "Expert Info (Warning", "Expert Info (Error"}, extra...) {
		if strings.Contains(dissection, bad) {
			return bad
		}
	}
	return ""
}

// TsharkFields is tshark's -T fields output for the capture at path, one
// slice of values per frame; several occurrences of a field are joined
// with ','. opts go before the fields.
func TsharkFields(t testing.TB, path string, fields []string, opts ...string) [][]string {
	t.Helper()
	args := append([]string{"-n", "-r", path}, opts...)
	args = append(args, "-T", "fields", "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=,")
	for _, f := range fields {
		args = append(args, "-e", f)
	}
	out, err := exec.Command(Tshark(t), args...).Output()
	if err != nil {
		t.Fatalf("tshark -T fields: %v", err)
	}
	var rows [][]string
	for _, l := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if l != "" {
			rows = append(rows, strings.Split(l, "|"))
		}
	}
	return rows
}
