package discover

import (
	"encoding/binary"
	"net/netip"
	"time"
)

// The ICMPv6 messages a scan builds and reads, by field offset. Every
// probe is built here from these names, so no other file indexes a
// message by number.

// ICMPv6 types (RFC 4443, RFC 3810, RFC 4861).
const (
	icmpParamProblem = 4   // RFC 4443, Section 3.4
	icmpEchoRequest  = 128 // RFC 4443, Section 4.1
	icmpEchoReply    = 129 // RFC 4443, Section 4.2
	icmpMLDQuery     = 130 // RFC 3810, Section 5.1
	icmpMLDv1Report  = 131 // RFC 2710, Section 3
	icmpMLDv2Report  = 143 // RFC 3810, Section 5.2
	icmpRS           = 133 // RFC 4861, Sections 4.1 to 4.4: RS, RA, NS, NA
	icmpRA           = 134
	icmpNS           = 135
	icmpNA           = 136

	// unknownICMPType is an unassigned informational ICMPv6 type (RFC 4443
	// leaves 160 unassigned): no node acts on it, and nftables rules that
	// drop echo requests do not match it.
	unknownICMPType = 160
)

// Echo Request and Reply (RFC 4443, Section 4.1): type, code, checksum,
// identifier, sequence number, data.
const (
	echoIDOffset   = 4
	echoSeqOffset  = 6
	echoHeaderLen  = 8
	echoProbeData  = "v6kit"
	mldQueryLen    = 28 // MLDv2 General Query without sources (RFC 3810, Section 5.1)
	mldMRCOffset   = 4  // Maximum Response Code, in milliseconds below 32768
	mldQRVOffset   = 24 // Resv | S | QRV
	mldQQICOffset  = 25 // Querier's Query Interval Code
	mldQRV         = 2  // the Robustness Variable's default (Section 9.1)
	mldQQIC        = 125
	mldMaxDelayMin = 10 * time.Millisecond
	mldMaxDelayMax = 10 * time.Second
)

// Parameter Problem (RFC 4443, Section 3.4): type, code, checksum, pointer,
// then as much of the invoking packet as fits; in it, the IPv6 header's
// source address.
const (
	paramProblemUnknownOption = 2 // code: unrecognized IPv6 option
	paramProblemHeaderLen     = 8
	ipv6HeaderLen             = 40
	ipv6SrcOffset             = 8
)

// echoRequest is our Echo Request with identifier id and sequence number
// seq (which names the send, for round trips).
func echoRequest(id, seq uint16) []byte {
	m := make([]byte, echoHeaderLen, echoHeaderLen+len(echoProbeData))
	m[0] = icmpEchoRequest
	binary.BigEndian.PutUint16(m[echoIDOffset:], id)
	binary.BigEndian.PutUint16(m[echoSeqOffset:], seq)
	return append(m, echoProbeData...)
}

// unknownTypeMessage is the ICMPv6 message under the invalid-destination
// probe's unknown option: of an unassigned type, with id and seq where
// echo has them.
func unknownTypeMessage(id, seq uint16) []byte {
	m := make([]byte, echoHeaderLen)
	m[0] = unknownICMPType
	binary.BigEndian.PutUint16(m[echoIDOffset:], id)
	binary.BigEndian.PutUint16(m[echoSeqOffset:], seq)
	return m
}

// mldGeneralQuery is an MLDv2 General Query (RFC 3810, Section 5.1) that
// lets hosts delay their reports up to maxDelay (clamped to [10 ms, 10 s]).
func mldGeneralQuery(maxDelay time.Duration) []byte {
	q := make([]byte, mldQueryLen)
	q[0] = icmpMLDQuery
	mrd := min(max(maxDelay, mldMaxDelayMin), mldMaxDelayMax)
	binary.BigEndian.PutUint16(q[mldMRCOffset:], uint16(mrd/time.Millisecond))
	q[mldQRVOffset] = mldQRV
	q[mldQQICOffset] = mldQQIC
	return q
}

// echoID returns the identifier and sequence number of an Echo Reply.
func echoID(m []byte) (id, seq uint16, ok bool) {
	if len(m) < echoHeaderLen {
		return 0, 0, false
	}
	return binary.BigEndian.Uint16(m[echoIDOffset:]), binary.BigEndian.Uint16(m[echoSeqOffset:]), true
}

// IPv6 next-header values a quoted probe holds.
const (
	protoHopByHop = 0
	protoDestOpts = 60
	protoICMPv6   = 58
)

// invokingProbe returns the identifier and sequence number of the probe a
// Parameter Problem quotes: past the quoted IPv6 header and its extension
// headers, the unknown-type message's, where echo has them. A quote cut
// short has none.
func invokingProbe(m []byte) (id, seq uint16, ok bool) {
	if len(m) < paramProblemHeaderLen+ipv6HeaderLen {
		return 0, 0, false
	}
	q := m[paramProblemHeaderLen:]
	next, off := q[6], ipv6HeaderLen
	for next == protoHopByHop || next == protoDestOpts {
		if len(q) < off+2 {
			return 0, 0, false
		}
		next, off = q[off], off+(int(q[off+1])+1)*8
	}
	if next != protoICMPv6 || len(q) < off+echoHeaderLen || q[off] != unknownICMPType {
		return 0, 0, false
	}
	return binary.BigEndian.Uint16(q[off+echoIDOffset:]), binary.BigEndian.Uint16(q[off+echoSeqOffset:]), true
}

// invokingSource returns the source address of the packet a Parameter
// Problem with code "unrecognized option" quotes.
func invokingSource(m []byte) (netip.Addr, bool) {
	if len(m) < paramProblemHeaderLen+ipv6HeaderLen || m[1] != paramProblemUnknownOption {
		return netip.Addr{}, false
	}
	o := paramProblemHeaderLen + ipv6SrcOffset
	return netip.AddrFrom16([16]byte(m[o : o+16])), true
}
