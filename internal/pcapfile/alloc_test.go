package pcapfile

import (
	"bytes"
	"errors"
	"runtime"
	"testing"
)

func totalAlloc() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.TotalAlloc
}

// TestHugeLengthAllocates checks that a length field alone does not make
// the reader allocate: 10 bytes claiming a 16 MiB packet.
func TestHugeLengthAllocates(t *testing.T) {
	in := cat(pcapLE, le32(0), le32(0), le32(MaxBlockLen), le32(MaxBlockLen), frame)
	before := totalAlloc()
	_, err := readAll(bytes.NewReader(in))
	after := totalAlloc()
	if !errors.Is(err, ErrTruncated) {
		t.Fatalf("error %v", err)
	}
	if d := after - before; d > 1<<20 {
		t.Errorf("allocated %d bytes for a %d-byte input", d, len(in))
	}
}

func TestNoAllocsPerPacket(t *testing.T) {
	var in []byte
	in = append(in, shbLE...)
	in = append(in, idbEth...)
	for range 1000 {
		in = append(in, epb(0, 1, frame, 6)...)
	}
	r, err := NewReader(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	r.Next()
	if n := testing.AllocsPerRun(500, func() { r.Next() }); n != 0 {
		t.Errorf("Next allocates %v times per packet", n)
	}
}

func BenchmarkRead(b *testing.B) {
	var in []byte
	in = append(in, shbLE...)
	in = append(in, idbEth...)
	pkt := make([]byte, 90)
	for range 1000 {
		in = append(in, epb(0, 1, pkt, 90)...)
	}
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(in))
		if err != nil {
			b.Fatal(err)
		}
		for r.Next() {
		}
		if r.Err() != nil {
			b.Fatal(r.Err())
		}
	}
}
