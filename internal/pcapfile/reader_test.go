package pcapfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Byte builders for annotated test inputs.
func le16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func be16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

func cat(chunks ...[]byte) []byte { return bytes.Join(chunks, nil) }

// frame is a 6-byte packet; frame2 a 5-byte one (needs 3 bytes padding in pcapng).
var (
	frame  = []byte{0xde, 0xad, 0xbe, 0xef, 0x00, 0x01}
	frame2 = []byte{1, 2, 3, 4, 5}
)

// Classic pcap file headers.
var (
	pcapLE = cat(
		[]byte{0xd4, 0xc3, 0xb2, 0xa1}, // magic, microseconds, little-endian
		le16(2), le16(4),               // version 2.4
		le32(0), le32(0), // thiszone, sigfigs
		le32(65535), // snaplen
		le32(1),     // link type Ethernet
	)
	pcapBENano = cat(
		[]byte{0xa1, 0xb2, 0x3c, 0x4d}, // magic, nanoseconds, big-endian
		be16(2), be16(4), be32(0), be32(0), be32(262144),
		be32(113), // Linux SLL
	)
)

// pcapng blocks, little-endian unless named be.
var (
	shbLE = cat(
		le32(0x0a0d0d0a), le32(28), // type, length
		[]byte{0x4d, 0x3c, 0x2b, 0x1a}, // byte-order magic, little-endian
		le16(1), le16(0),               // version 1.0
		[]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, // section length unknown
		le32(28),
	)
	shbBE = cat(
		be32(0x0a0d0d0a), be32(28),
		[]byte{0x1a, 0x2b, 0x3c, 0x4d}, // byte-order magic, big-endian
		be16(1), be16(0), bytes.Repeat([]byte{0xff}, 8), be32(28),
	)
	idbEth = cat(
		le32(1), le32(20), // IDB, length
		le16(1), le16(0), le32(0), // Ethernet, reserved, snaplen 0
		le32(20),
	)
	idbSLL2Nano = cat(
		le32(1), le32(32),
		le16(276), le16(0), le32(96), // Linux SLL2, snaplen 96
		le16(9), le16(1), []byte{9, 0, 0, 0}, // if_tsresol = 10^-9
		le16(0), le16(0), // opt_endofopt
		le32(32),
	)
	idbRadioBin = cat(
		le32(1), le32(32),
		le16(127), le16(0), le32(0),
		le16(9), le16(1), []byte{0x80 | 10, 0, 0, 0}, // if_tsresol = 2^-10
		le16(14), le16(8), le64(-100), // if_tsoffset = -100 s; no opt_endofopt
		le32(40),
	)
	idbEthBE = cat(be32(1), be32(20), be16(1), be16(0), be32(0), be32(20))
	// A name resolution block, which the reader skips.
	nrb = cat(le32(4), le32(16), le16(0), le16(0), le32(16))
)

func le64(v int64) []byte { return binary.LittleEndian.AppendUint64(nil, uint64(v)) }

// epb builds an enhanced packet block, little-endian.
func epb(ifc uint32, ts uint64, data []byte, origLen uint32) []byte {
	pad := (4 - len(data)%4) % 4
	n := uint32(32 + len(data) + pad)
	return cat(le32(6), le32(n), le32(ifc), le32(uint32(ts>>32)), le32(uint32(ts)),
		le32(uint32(len(data))), le32(origLen), data, make([]byte, pad), le32(n))
}

var t0 = time.Unix(1700000000, 0).UTC()

func TestRead(t *testing.T) {
	// idbRadioBin is 40 bytes with the options; fix its two lengths.
	radio := append([]byte(nil), idbRadioBin...)
	binary.LittleEndian.PutUint32(radio[4:], 40)
	for _, tt := range []struct {
		name string
		in   []byte
		want []Packet
		err  error  // the cause, for errors.Is
		msg  string // the error's text
	}{
		{
			name: "pcap little-endian microseconds",
			in: cat(pcapLE,
				le32(1700000000), le32(250000), le32(6), le32(60), frame, // ts, caplen 6, origlen 60
				le32(1700000001), le32(0), le32(5), le32(5), frame2),
			want: []Packet{
				{LinkType: LinkEthernet, Time: t0.Add(250 * time.Millisecond), Length: 60, Data: frame},
				{LinkType: LinkEthernet, Time: t0.Add(time.Second), Length: 5, Data: frame2},
			},
		},
		{
			name: "pcap big-endian nanoseconds",
			in:   cat(pcapBENano, be32(1700000000), be32(123456789), be32(6), be32(6), frame),
			want: []Packet{{LinkType: LinkLinuxSLL, Time: t0.Add(123456789), Length: 6, Data: frame}},
		},
		{name: "pcap no packets", in: pcapLE},
		{
			name: "pcapng little-endian, two interfaces, unknown block skipped",
			in: cat(shbLE, idbEth, nrb, idbSLL2Nano,
				epb(0, 1700000000_000000, frame, 6), // microseconds by default
				epb(1, 1700000000_000000005, frame2, 5),
				// Simple packet block: original length 6, on interface 0.
				le32(3), le32(24), le32(6), frame, []byte{0, 0}, le32(24)),
			want: []Packet{
				{LinkType: LinkEthernet, Time: t0, Length: 6, Data: frame},
				{LinkType: LinkLinuxSLL2, Time: t0.Add(5), Interface: 1, Length: 5, Data: frame2},
				{LinkType: LinkEthernet, Length: 6, Data: frame},
			},
		},
		{
			name: "pcapng big-endian",
			in: cat(shbBE, idbEthBE,
				be32(6), be32(40), be32(0), be32(0x00060a24), be32(0x181e4000), // 1700000000 s in µs
				be32(6), be32(6), frame, []byte{0, 0}, be32(40)),
			want: []Packet{{LinkType: LinkEthernet, Time: t0, Length: 6, Data: frame}},
		},
		{
			name: "pcapng binary resolution and offset",
			in:   cat(shbLE, radio, epb(0, 1700000100<<10|512, frame, 6)),
			want: []Packet{{LinkType: LinkRadioTap, Time: t0.Add(500 * time.Millisecond), Length: 6, Data: frame}},
		},
		{
			name: "pcapng second section forgets interfaces and changes byte order",
			in:   cat(shbLE, idbEth, nrb, shbBE, idbEthBE, be32(3), be32(20), be32(2), []byte{9, 9, 0, 0}, be32(20)),
			want: []Packet{{LinkType: LinkEthernet, Length: 2, Data: []byte{9, 9}}},
		},
		{
			name: "obsolete packet block",
			in:   cat(shbLE, idbEth, le32(2), le32(40), le16(0), le16(0), le32(1), le32(0), le32(6), le32(6), frame, []byte{0, 0}, le32(40)),
			want: []Packet{{LinkType: LinkEthernet, Time: time.Unix(4294, 967296000).UTC(), Length: 6, Data: frame}},
		},
		{name: "empty", in: nil, err: ErrNotCapture, msg: "pcapfile: parse file header at offset 0: not a pcap or pcapng file"},
		{name: "text", in: []byte("hello world, not a capture"), err: ErrNotCapture, msg: "pcapfile: parse file header at offset 0: not a pcap or pcapng file"},
		{name: "three bytes", in: []byte{0xd4, 0xc3, 0xb2}, err: ErrNotCapture},
		{name: "pcap header cut", in: pcapLE[:20], err: ErrTruncated, msg: "pcapfile: parse file header at offset 0: truncated: unexpected EOF"},
		{name: "pcap version 3", in: cat(pcapLE[:4], le16(3), pcapLE[6:]), err: ErrUnsupported, msg: "pcapfile: parse file header at offset 0: unsupported: version 3.4"},
		{name: "pcap modified", in: cat([]byte{0x34, 0xcd, 0xb2, 0xa1}, pcapLE[4:]), err: ErrUnsupported},
		{name: "pcap record header cut", in: cat(pcapLE, le32(1)), err: ErrTruncated, msg: "pcapfile: parse packet record at offset 24: truncated: unexpected EOF"},
		{
			name: "pcap data cut",
			in:   cat(pcapLE, le32(1700000000), le32(0), le32(6), le32(6), frame, le32(1700000000), le32(0), le32(6), le32(6), frame[:3]),
			want: []Packet{{LinkType: LinkEthernet, Time: t0, Length: 6, Data: frame}},
			err:  io.ErrUnexpectedEOF, msg: "pcapfile: parse packet record at offset 46: truncated: unexpected EOF",
		},
		{
			name: "pcap huge captured length",
			in:   cat(pcapLE, le32(0), le32(0), le32(0xffffffff), le32(0xffffffff)),
			err:  ErrUnsupported, msg: "pcapfile: parse packet record at offset 24: unsupported: captured length 4294967295 is above 16777216",
		},
		{name: "pcap length below limit, data missing", in: cat(pcapLE, le32(0), le32(0), le32(MaxBlockLen), le32(0), frame), err: ErrTruncated},
		{name: "pcapng magic only", in: shbLE[:4], err: ErrTruncated, msg: "pcapfile: parse block at offset 0: truncated: unexpected EOF"},
		{name: "pcapng bad byte-order magic", in: cat(shbLE[:8], []byte{1, 2, 3, 4}, shbLE[12:]), err: ErrMalformed, msg: "pcapfile: parse section header at offset 0: malformed: byte-order magic 01 02 03 04"},
		{name: "pcapng version 2", in: cat(shbLE[:12], le16(2), shbLE[14:]), err: ErrUnsupported, msg: "pcapfile: parse section header at offset 0: unsupported: version 2.0"},
		{name: "pcapng section header too short", in: cat(shbLE[:4], le32(20), shbLE[8:16], le32(20)), err: ErrMalformed},
		{name: "pcapng trailing length differs", in: cat(shbLE[:24], le32(32)), err: ErrMalformed, msg: "pcapfile: parse section header at offset 0: malformed: trailing block length 32, leading 28"},
		{name: "pcapng length not a multiple of 4", in: cat(shbLE, le32(1), le32(21), make([]byte, 13)), err: ErrMalformed, msg: "pcapfile: parse interface description at offset 28: malformed: block length 21"},
		{name: "pcapng huge block", in: cat(shbLE, le32(6), le32(0xfffffffc)), err: ErrUnsupported, msg: "pcapfile: parse enhanced packet at offset 28: unsupported: block length 4294967292 is above 16777216"},
		{name: "pcapng block cut", in: cat(shbLE, idbEth[:12]), err: ErrTruncated, msg: "pcapfile: parse interface description at offset 28: truncated: unexpected EOF"},
		{name: "pcapng packet before any interface", in: cat(shbLE, epb(0, 0, frame, 6)), err: ErrMalformed, msg: "pcapfile: parse enhanced packet at offset 28: malformed: interface 0, but the section describes 0"},
		{
			name: "pcapng captured length beyond block",
			in:   cat(shbLE, idbEth, le32(6), le32(32), le32(0), le32(0), le32(0), le32(100), le32(100), le32(32)),
			err:  ErrMalformed, msg: "pcapfile: parse enhanced packet at offset 48: malformed: captured length 100, block holds 0",
		},
		{name: "pcapng option beyond block", in: cat(shbLE, le32(1), le32(24), le16(1), le16(0), le32(0), le16(9), le16(8), le32(24)), err: ErrMalformed},
		{name: "pcapng tsresol 10^-20", in: cat(shbLE, le32(1), le32(28), le16(1), le16(0), le32(0), le16(9), le16(1), []byte{20, 0, 0, 0}, le32(28)), err: ErrUnsupported},
		{name: "pcapng simple packet without interface", in: cat(shbLE, le32(3), le32(16), le32(0), le32(16)), err: ErrMalformed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAll(bytes.NewReader(tt.in))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("packets (-want +got):\n%s", diff)
			}
			if tt.err == nil && err != nil || !errors.Is(err, tt.err) {
				t.Fatalf("error %v, want one wrapping %v", err, tt.err)
			}
			if tt.msg != "" && err.Error() != tt.msg {
				t.Errorf("error\n%s\nwant\n%s", err, tt.msg)
			}
			var pe *ParseError
			if err != nil && !errors.As(err, &pe) {
				t.Errorf("error %T is not a *ParseError", err)
			}
		})
	}
}

// readAll returns copies of every packet in the input and the error.
func readAll(in io.Reader) ([]Packet, error) {
	r, err := NewReader(in)
	if err != nil {
		return nil, err
	}
	var ps []Packet
	for r.Next() {
		p := r.Packet()
		p.Data = bytes.Clone(p.Data)
		ps = append(ps, p)
	}
	return ps, r.Err()
}

func TestLinkTypeString(t *testing.T) {
	for lt, want := range map[LinkType]string{1: "Ethernet", 105: "802.11", 113: "Linux SLL", 127: "RadioTap", 276: "Linux SLL2", 101: "Raw", 999: "LinkType(999)"} {
		if got := lt.String(); got != want {
			t.Errorf("LinkType(%d).String() = %q, want %q", uint16(lt), got, want)
		}
	}
}

// TestSmallReads reads through a reader that returns one byte at a time.
func TestSmallReads(t *testing.T) {
	in := cat(shbLE, idbEth, epb(0, 5, bytes.Repeat(frame, 50000), 300000))
	want, err := readAll(bytes.NewReader(in))
	if err != nil || len(want) != 1 || len(want[0].Data) != 300000 {
		t.Fatalf("read %d packets, %v", len(want), err)
	}
	got, err := readAll(iotest.OneByteReader(bytes.NewReader(in)))
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(want, got) {
		t.Error("one-byte reads give other packets")
	}
}

func TestStickyError(t *testing.T) {
	r, err := NewReader(bytes.NewReader(cat(pcapLE, le32(1))))
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if r.Next() {
			t.Fatal("Next true on a cut record")
		}
	}
	if !errors.Is(r.Err(), ErrTruncated) || !strings.Contains(r.Err().Error(), "offset 24") {
		t.Errorf("Err() = %v", r.Err())
	}
}
