package pcapfile

import (
	"encoding/binary"
	"time"
)

// Classic pcap: a 24-byte file header, then records of a 16-byte header
// (seconds, micro- or nanoseconds, captured length, original length) and
// the captured bytes.
const (
	fileHeaderLen   = 24
	recordHeaderLen = 16
)

func (r *Reader) readFileHeader() error {
	if err := r.readHeader(4); err != nil {
		return r.errorf("file header", 0, ErrNotCapture, "")
	}
	switch m := string(r.hdr[:4]); m {
	case "\xa1\xb2\xc3\xd4":
		r.bo = binary.BigEndian
	case "\xd4\xc3\xb2\xa1":
		r.bo = binary.LittleEndian
	case "\xa1\xb2\x3c\x4d":
		r.bo, r.nano = binary.BigEndian, true
	case "\x4d\x3c\xb2\xa1":
		r.bo, r.nano = binary.LittleEndian, true
	case "\xa1\xb2\xcd\x34", "\x34\xcd\xb2\xa1":
		return r.errorf("file header", 0, ErrUnsupported, "modified (Kuznetzov) pcap; convert it with editcap")
	default:
		return r.errorf("file header", 0, ErrNotCapture, "")
	}
	h, err := r.readHeaderAt(4, fileHeaderLen-4)
	if err != nil {
		return r.errorf("file header", 0, ErrTruncated, "")
	}
	if major := r.bo.Uint16(h[0:2]); major != 2 {
		return r.errorf("file header", 0, ErrUnsupported, "version %d.%d", major, r.bo.Uint16(h[2:4]))
	}
	// The link type is the low 16 bits; the upper ones say how long the
	// frame check sequence is (draft-ietf-opsawg-pcap section 4).
	r.ifaces = []Interface{{
		LinkType: LinkType(r.bo.Uint32(h[16:20])),
		SnapLen:  int(r.bo.Uint32(h[12:16]) & 0x7fffffff),
		res:      resolution{exp: 6},
	}}
	if r.nano {
		r.ifaces[0].res.exp = 9
	}
	return nil
}

func (r *Reader) nextRecord() error {
	start := r.off
	if err := r.readHeader(recordHeaderLen); err != nil {
		if err == ErrTruncated {
			return r.errorf("packet record", start, err, "")
		}
		return err
	}
	h := r.hdr[:recordHeaderLen]
	sec, frac := r.bo.Uint32(h[0:4]), r.bo.Uint32(h[4:8])
	capLen, origLen := r.bo.Uint32(h[8:12]), r.bo.Uint32(h[12:16])
	if capLen > MaxBlockLen {
		return r.errorf("packet record", start, ErrUnsupported, "captured length %d is above %d", capLen, MaxBlockLen)
	}
	data, err := r.read(int(capLen))
	if err != nil {
		return r.errorf("packet record", start, ErrTruncated, "")
	}
	ns := int64(frac)
	if !r.nano {
		ns *= 1000
	}
	r.pkt = Packet{
		LinkType: r.ifaces[0].LinkType,
		Time:     time.Unix(int64(sec), ns).UTC(),
		Length:   length(origLen),
		Data:     data,
	}
	return nil
}
