package pcapfile

import (
	"bytes"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// FuzzRead reads arbitrary input. It must never panic; the error, when
// there is one, is a *ParseError; and re-reading the input, one byte per
// Read call, gives the same packets and the same error.
func FuzzRead(f *testing.F) {
	seeds := [][]byte{
		// Classic pcap, little-endian µs: header, one record (ts, caplen 6, origlen 60).
		cat(pcapLE, le32(1700000000), le32(250000), le32(6), le32(60), frame),
		// Classic pcap, big-endian ns, Linux SLL.
		cat(pcapBENano, be32(1700000000), be32(123456789), be32(6), be32(6), frame),
		// pcapng: SHB, Ethernet IDB, NRB (skipped), SLL2 IDB with if_tsresol 9, two EPBs, an SPB.
		cat(shbLE, idbEth, nrb, idbSLL2Nano, epb(0, 1, frame, 6), epb(1, 2, frame2, 5),
			le32(3), le32(24), le32(6), frame, []byte{0, 0}, le32(24)),
		// pcapng big-endian section after a little-endian one.
		cat(shbLE, idbEth, shbBE, idbEthBE, be32(3), be32(20), be32(2), []byte{9, 9, 0, 0}, be32(20)),
		// pcapng with if_tsresol 2^-10 and if_tsoffset.
		cat(shbLE, idbRadioBin, epb(0, 1<<40, frame, 6)),
		// Cut and oversized inputs.
		cat(pcapLE, le32(0), le32(0), le32(0xffffffff), le32(0xffffffff)),
		cat(shbLE, le32(6), le32(0xfffffffc)),
		shbLE[:20],
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		want, err := readAll(bytes.NewReader(in))
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error %T %v is not a *ParseError", err, err)
			}
		}
		for _, p := range want {
			if len(p.Data) > MaxBlockLen || p.Length < 0 {
				t.Fatalf("packet of %d bytes, length %d", len(p.Data), p.Length)
			}
		}
		got, err2 := readAll(iotest.OneByteReader(bytes.NewReader(in)))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("re-read packets (-first +second):\n%s", diff)
		}
		if (err == nil) != (err2 == nil) || err != nil && err.Error() != err2.Error() {
			t.Fatalf("re-read error %v, first %v", err2, err)
		}
	})
}
