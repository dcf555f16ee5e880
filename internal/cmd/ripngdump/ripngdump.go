// Package ripngdump is the logic of the ripngdump program: a tshark for
// RIPng that decodes live traffic or a capture file and says whether BIRD
// would accept each message.
package ripngdump

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"

	"github.com/v6kit/v6kit/internal/pcapfile"
	"github.com/v6kit/v6kit/ripng"
)

// Options are ripngdump's flags.
type Options struct {
	// Interface to capture on live (Linux, root), or
	Interface string
	// File, a pcap or pcapng capture (Ethernet, Linux SLL/SLL2 or raw IPv6).
	File string
	// JSON prints one JSON object per message.
	JSON bool
	// Count stops after this many messages (0: no limit).
	Count int
}

// Message is one decoded RIPng message as -json prints it.
type Message struct {
	Src      string  `json:"src"`
	Dst      string  `json:"dst"`
	HopLimit int     `json:"hoplimit"`
	Command  string  `json:"command"`
	Version  int     `json:"version"`
	Entries  []Entry `json:"entries"`
	Verdict  string  `json:"verdict"`

	sport, dport uint16
}

// Entry is a route table entry: a route (Prefix, Tag, Metric) or a next hop.
type Entry struct {
	Prefix  string `json:"prefix,omitempty"`
	Tag     *int   `json:"tag,omitempty"`
	Metric  *int   `json:"metric,omitempty"`
	NextHop string `json:"nexthop,omitempty"`
	// Verdict is what BIRD does with the entry of a response it accepts:
	// "accept", "withdraw" or "ignore: REASON" ("" otherwise).
	Verdict string `json:"verdict,omitempty"`
}

// Run decodes RIPng messages from opts.File or live from opts.Interface
// and writes them to stdout until the file ends, ctx ends or Count is
// reached.
func Run(ctx context.Context, opts Options, stdout io.Writer) error {
	if (opts.File == "") == (opts.Interface == "") {
		return errors.New("ripngdump: give exactly one of -i IF and -r FILE")
	}
	if opts.Count < 0 {
		return fmt.Errorf("ripngdump: count %d is negative", opts.Count)
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	n := 0
	emit := func(d datagram) error {
		m := Decode(d.src, d.dst, d.sport, d.dport, d.hopLimit, d.payload)
		if err := m.write(w, opts.JSON); err != nil {
			return err
		}
		if opts.Interface != "" {
			if err := w.Flush(); err != nil {
				return err
			}
		}
		n++
		if opts.Count > 0 && n >= opts.Count {
			return errDone
		}
		return nil
	}
	var err error
	if opts.File != "" {
		err = readFile(ctx, opts.File, emit)
	} else {
		err = live(ctx, opts.Interface, emit)
	}
	if errors.Is(err, errDone) {
		err = nil
	}
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	return err
}

var errDone = errors.New("done")

// checkLinkType refuses a capture of a link type whose frames
// decodeFrame cannot read (802.11, USB...), rather than printing nothing.
func checkLinkType(path string, lt int) error {
	switch lt {
	case linkEthernet, linkRaw, linkSLL, linkIPv6, linkSLL2:
		return nil
	}
	return fmt.Errorf("ripngdump: capture file %q has link type %v (%d), which ripngdump does not read; capture on an Ethernet interface or with tshark -i any (Linux cooked)", path, pcapfile.LinkType(lt), lt)
}

func readFile(ctx context.Context, path string, emit func(datagram) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("ripngdump: capture file %q: %w", path, errors.Unwrap(err))
	}
	defer f.Close()
	r, err := pcapfile.NewReader(f)
	if errors.Is(err, pcapfile.ErrNotCapture) {
		return fmt.Errorf("ripngdump: capture file %q is not a pcap or pcapng file; write one with tcpdump -w or tshark -w", path)
	}
	if err != nil {
		return captureError(path, err)
	}
	for _, ifc := range r.Interfaces() {
		if err := checkLinkType(path, int(ifc.LinkType)); err != nil {
			return err
		}
	}
	for r.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		p := r.Packet()
		if err := checkLinkType(path, int(p.LinkType)); err != nil {
			return err
		}
		d, err := decodeFrame(int(p.LinkType), p.Data)
		if err != nil {
			continue
		}
		if err := emit(d); err != nil {
			return err
		}
	}
	if err := r.Err(); err != nil {
		return captureError(path, err)
	}
	return nil
}

// captureError names the file and where in it the capture stops parsing,
// without a second package prefix.
func captureError(path string, err error) error {
	var pe *pcapfile.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("ripngdump: capture file %q: %s at offset %d: %w", path, pe.Type, pe.Offset, pe.Err)
	}
	return fmt.Errorf("ripngdump: capture file %q: %w", path, err)
}

// Decode decodes one RIPng payload and judges it by BIRD 2's receive rules
// (see packetVerdict and entryVerdict). Entries are listed in wire order,
// bad ones included; in responses BIRD accepts, each has its own verdict.
func Decode(src, dst netip.Addr, sport, dport uint16, hopLimit int, payload []byte) Message {
	m := Message{Src: src.String(), Dst: dst.String(), HopLimit: hopLimit, Entries: []Entry{}, sport: sport, dport: dport}
	if len(payload) > 0 {
		m.Command = ripng.Command(payload[0]).String()
		if c := ripng.Command(payload[0]); c != ripng.Request && c != ripng.Response {
			m.Command = fmt.Sprintf("unknown(%d)", payload[0])
		}
	}
	if len(payload) > 1 {
		m.Version = int(payload[1])
	}
	m.Verdict = packetVerdict(src, sport, dport, hopLimit, payload)
	judge := m.Verdict == "accept" && len(payload) > 0 && ripng.Command(payload[0]) == ripng.Response
	for off := ripng.HeaderLen; off+ripng.RTELen <= len(payload); off += ripng.RTELen {
		b := payload[off : off+ripng.RTELen]
		a := netip.AddrFrom16([16]byte(b[:16]))
		var e Entry
		if b[19] == ripng.MetricNextHop {
			e = Entry{NextHop: a.String()}
		} else {
			tag, metric := int(b[16])<<8|int(b[17]), int(b[19])
			e = Entry{Prefix: fmt.Sprintf("%s/%d", a, b[18]), Tag: &tag, Metric: &metric}
		}
		if judge {
			e.Verdict = entryVerdict(b)
		}
		m.Entries = append(m.Entries, e)
	}
	return m
}

func (m *Message) write(w io.Writer, asJSON bool) error {
	if asJSON {
		b, err := json.Marshal(m)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	if _, err := fmt.Fprintf(w, "[%s]:%d > [%s]:%d hlim %d RIPng %s v%d, %d entries: %s\n",
		m.Src, m.sport, m.Dst, m.dport, m.HopLimit, m.Command, m.Version, len(m.Entries), m.Verdict); err != nil {
		return err
	}
	for _, e := range m.Entries {
		var err error
		verdict := ""
		if e.Verdict != "" {
			verdict = ": " + e.Verdict
		}
		if e.NextHop != "" {
			_, err = fmt.Fprintf(w, "\tnexthop %s%s\n", e.NextHop, verdict)
		} else {
			_, err = fmt.Fprintf(w, "\t%s tag %d metric %d%s\n", e.Prefix, *e.Tag, *e.Metric, verdict)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
