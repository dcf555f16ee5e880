package pcapfile_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/v6kit/v6kit/internal/pcapfile"
)

// TestPcapgo reads what gopacket's pcapgo writer, an independent
// encoder, writes: classic pcap in micro- and nanoseconds, and pcapng with
// two interfaces of different link types, Ethernet and Linux SLL.
func TestPcapgo(t *testing.T) {
	base := time.Date(2026, 12, 6, 23, 0, 0, 123456789, time.UTC)
	frames := [][]byte{
		bytes.Repeat([]byte{0xaa}, 60),
		bytes.Repeat([]byte{0xbb}, 1514),
		{0x01},
		bytes.Repeat([]byte{0xcc}, 63),
	}
	ci := func(i int) gopacket.CaptureInfo {
		return gopacket.CaptureInfo{Timestamp: base.Add(time.Duration(i) * time.Second), CaptureLength: len(frames[i]), Length: len(frames[i]) + i}
	}
	for _, tt := range []struct {
		name string
		link layers.LinkType
		nano bool
	}{
		{"ethernet", layers.LinkTypeEthernet, false},
		{"sll nanoseconds", layers.LinkTypeLinuxSLL, true},
	} {
		t.Run("pcap "+tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := pcapgo.NewWriter(&buf)
			if tt.nano {
				w = pcapgo.NewWriterNanos(&buf)
			}
			if err := w.WriteFileHeader(65536, tt.link); err != nil {
				t.Fatal(err)
			}
			var want []pcapfile.Packet
			for i, f := range frames {
				if err := w.WritePacket(ci(i), f); err != nil {
					t.Fatal(err)
				}
				ts := ci(i).Timestamp
				if !tt.nano {
					ts = ts.Truncate(time.Microsecond)
				}
				want = append(want, pcapfile.Packet{LinkType: pcapfile.LinkType(tt.link), Time: ts, Length: ci(i).Length, Data: f})
			}
			check(t, buf.Bytes(), want)
		})
	}
	t.Run("pcapng ethernet and sll", func(t *testing.T) {
		var buf bytes.Buffer
		w, err := pcapgo.NewNgWriterInterface(&buf, pcapgo.NgInterface{Name: "eth0", LinkType: layers.LinkTypeEthernet, SnapLength: 65536, TimestampResolution: 9}, pcapgo.DefaultNgWriterOptions)
		if err != nil {
			t.Fatal(err)
		}
		sll, err := w.AddInterface(pcapgo.NgInterface{Name: "any", LinkType: layers.LinkTypeLinuxSLL, SnapLength: 65536, TimestampResolution: 9}) // pcapgo always writes if_tsresol 9
		if err != nil {
			t.Fatal(err)
		}
		var want []pcapfile.Packet
		for i, f := range frames {
			c := ci(i)
			p := pcapfile.Packet{LinkType: pcapfile.LinkEthernet, Time: c.Timestamp, Length: c.Length, Data: f}
			if i%2 == 1 {
				c.InterfaceIndex = sll
				p.LinkType, p.Interface = pcapfile.LinkLinuxSLL, sll
			}
			if err := w.WritePacket(c, f); err != nil {
				t.Fatal(err)
			}
			want = append(want, p)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		check(t, buf.Bytes(), want)
	})
}

func check(t *testing.T, in []byte, want []pcapfile.Packet) {
	t.Helper()
	r, err := pcapfile.NewReader(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var got []pcapfile.Packet
	for r.Next() {
		p := r.Packet()
		p.Data = bytes.Clone(p.Data)
		got = append(got, p)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("packets (-want +got):\n%s", diff)
	}
}
