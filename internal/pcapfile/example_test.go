package pcapfile_test

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/v6kit/v6kit/internal/pcapfile"
)

func ExampleReader() {
	// A classic pcap file (little-endian, microseconds, Ethernet) with
	// one 4-byte packet captured at 1700000000.5 s.
	le := binary.LittleEndian
	var b []byte
	b = le.AppendUint32(b, 0xa1b2c3d4) // magic
	b = le.AppendUint16(b, 2)          // version 2.4
	b = le.AppendUint16(b, 4)
	b = le.AppendUint64(b, 0)          // thiszone, sigfigs
	b = le.AppendUint32(b, 65535)      // snaplen
	b = le.AppendUint32(b, 1)          // link type Ethernet
	b = le.AppendUint32(b, 1700000000) // record: seconds
	b = le.AppendUint32(b, 500000)     // microseconds
	b = le.AppendUint32(b, 4)          // captured length
	b = le.AppendUint32(b, 64)         // original length
	b = append(b, 0x33, 0x33, 0x00, 0x09)

	r, err := pcapfile.NewReader(bytes.NewReader(b))
	if err != nil {
		fmt.Println(err)
		return
	}
	for r.Next() {
		p := r.Packet()
		fmt.Printf("%s %v %d/%d bytes: % x\n", p.Time.Format("2006-01-02T15:04:05.000Z"), p.LinkType, len(p.Data), p.Length, p.Data)
	}
	if err := r.Err(); err != nil {
		fmt.Println(err)
	}

	// A file cut in its header.
	_, err = pcapfile.NewReader(bytes.NewReader(b[:10]))
	fmt.Println(err)
	// Output:
	// 2023-11-14T22:13:20.500Z Ethernet 4/64 bytes: 33 33 00 09
	// pcapfile: parse file header at offset 0: truncated: unexpected EOF
}
