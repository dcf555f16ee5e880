package pcapfile

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// MaxBlockLen is the longest pcapng block or classic pcap record the
// reader accepts (16 MiB, as Wireshark); longer ones are ErrUnsupported.
const MaxBlockLen = 16 << 20

// Packet is one captured packet.
type Packet struct {
	// LinkType says what header Data starts with.
	LinkType LinkType
	// Time is when the packet was captured, in UTC; zero for a pcapng
	// simple packet block, which has no timestamp.
	Time time.Time
	// Interface is the pcapng interface ID within its section (0 for
	// classic pcap).
	Interface int
	// Length is the packet's length on the wire; Data may be shorter when
	// the capture was cut at the snap length.
	Length int
	// Data is the captured bytes. It is valid until the next call to
	// Next; copy it to keep it.
	Data []byte
}

// Interface is a capture interface: the one a classic pcap file has, or
// one described by a pcapng interface description block.
type Interface struct {
	LinkType LinkType
	SnapLen  int // 0: no limit

	res    resolution
	offset int64 // if_tsoffset, seconds
}

// Reader reads packets from a pcap or pcapng stream.
type Reader struct {
	r    *bufio.Reader
	off  int64 // input offset of the next unread byte
	ng   bool
	nano bool // classic pcap: nanosecond timestamps
	bo   binary.ByteOrder

	ifaces []Interface
	buf    []byte
	hdr    [24]byte
	pkt    Packet
	err    error
	done   bool
}

// NewReader reads the file header (classic pcap) or the first section
// header block (pcapng) from r and returns a Reader positioned at the
// first packet. An input that is neither format is a *ParseError wrapping
// ErrNotCapture.
func NewReader(r io.Reader) (*Reader, error) {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	rd := &Reader{r: br}
	magic, err := br.Peek(4)
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = ErrNotCapture
		}
		return nil, &ParseError{Type: "file header", Offset: 0, Err: err}
	}
	if string(magic) == "\x0a\x0d\x0d\x0a" {
		rd.ng = true
		if err := rd.readBlockHeader(); err != nil {
			return nil, err
		}
		if err := rd.readSection(0); err != nil {
			return nil, err
		}
		return rd, nil
	}
	if err := rd.readFileHeader(); err != nil {
		return nil, err
	}
	return rd, nil
}

// Interfaces returns the capture interfaces known so far: the one of a
// classic pcap file, or those the current pcapng section has described
// (none before its first interface description block has been read).
// The result must not be modified.
func (r *Reader) Interfaces() []Interface { return r.ifaces }

// Next advances to the next packet, which Packet then returns. It returns
// false at the end of the input or on an error, which Err then returns.
func (r *Reader) Next() bool {
	if r.err != nil || r.done {
		return false
	}
	var err error
	if r.ng {
		err = r.nextBlock()
	} else {
		err = r.nextRecord()
	}
	if err == io.EOF {
		r.done = true
		return false
	}
	if err != nil {
		r.err = err
		return false
	}
	return true
}

// Packet returns the packet Next advanced to. Its Data is valid until the
// next call to Next.
func (r *Reader) Packet() Packet { return r.pkt }

// Err returns the error that stopped Next, or nil at a clean end of input.
func (r *Reader) Err() error { return r.err }

// read reads exactly n bytes into r.buf (reused) and returns them. It
// grows the buffer as data arrives, never by more than the bytes already
// read plus 64 KiB, so a length field alone cannot make it allocate much.
// A short read returns io.ErrUnexpectedEOF.
func (r *Reader) read(n int) ([]byte, error) {
	buf := r.buf[:0]
	for len(buf) < n {
		chunk := min(n-len(buf), max(len(buf), 64<<10))
		if cap(buf)-len(buf) < chunk {
			nb := make([]byte, len(buf), len(buf)+chunk)
			copy(nb, buf)
			buf = nb
		}
		m, err := io.ReadFull(r.r, buf[len(buf):len(buf)+chunk])
		buf = buf[:len(buf)+m]
		r.off += int64(m)
		if err != nil {
			r.buf = buf
			return buf, io.ErrUnexpectedEOF
		}
	}
	r.buf = buf
	return buf, nil
}

// readHeader reads exactly n header bytes into r.hdr. At a clean end of
// input (no byte) it returns io.EOF, on a short one ErrTruncated.
func (r *Reader) readHeader(n int) error {
	m, err := io.ReadFull(r.r, r.hdr[:n])
	r.off += int64(m)
	if err == io.EOF {
		return io.EOF
	}
	if err != nil {
		return ErrTruncated
	}
	return nil
}

func (r *Reader) errorf(typ string, off int64, err error, format string, args ...any) error {
	if format != "" {
		err = fmt.Errorf("%w: "+format, append([]any{err}, args...)...)
	}
	return &ParseError{Type: typ, Offset: int(off), Err: err}
}
