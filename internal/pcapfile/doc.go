// Package pcapfile reads packet capture files: classic pcap, as described in
// draft-ietf-opsawg-pcap, and pcapng, as described in
// draft-ietf-opsawg-pcapng. It is the small reader the ripngdump program
// uses instead of gopacket's pcapgo, whose layers package costs every
// binary that links it about 0.7 MiB of init tables.
//
// # Reading
//
// [NewReader] reads the file header and detects the format; [Reader.Next]
// then steps through the packets with a sticky error, as in
//
//	r, err := pcapfile.NewReader(f)
//	...
//	for r.Next() {
//		p := r.Packet() // p.Data is valid until the next call to Next
//	}
//	if err := r.Err(); err != nil { ... }
//
// Classic pcap is read in both byte orders, with microsecond and
// nanosecond timestamps. pcapng is read section by section in either byte
// order; interface description blocks give each interface its link type,
// snap length and timestamp resolution (if_tsresol, if_tsoffset), and
// enhanced, simple and (obsolete) packet blocks yield packets. Other blocks
// (statistics, name resolution, custom...) are skipped.
//
// # Errors
//
// Input that does not parse is reported as a [*ParseError] wrapping
// [ErrNotCapture], [ErrTruncated] (which also matches
// io.ErrUnexpectedEOF), [ErrMalformed] or [ErrUnsupported]. The reader
// never panics, and a length field never makes it allocate more than the
// input actually holds (plus a bounded chunk): lengths above [MaxBlockLen]
// are refused.
package pcapfile
