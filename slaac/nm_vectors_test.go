package slaac

import (
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// nmParseCase is one do_test_stable_id_parse call of NetworkManager's
// src/core/tests/test-core.c (test_stable_id_parse): a template, the
// stable type and, for a generated ID, the expanded text before SHA-1. A
// "NO_SSID:" prefix drops the SSID, as in NetworkManager's helper.
type nmParseCase struct {
	template string
	typ      NMStableType
	expanded string
}

// nmParseCommon are the cases every version since 1.42 has.
var nmParseCommon = []nmParseCase{
	{"", NMStableID, ""},
	{"a", NMStableID, ""},
	{"a$", NMStableID, ""},
	{"a$x", NMStableID, ""},
	{" ${a$x", NMStableID, ""},
	{"${", NMStableID, ""},
	{"${=", NMStableID, ""},
	{"${a", NMStableID, ""},
	{"${a$x", NMStableID, ""},
	{"a$$", NMStableID, ""},
	{"a$$x", NMStableID, ""},
	{"a$${CONNECTION}", NMStableID, ""},
	{"a$${CONNECTION}x", NMStableID, ""},
	{"${CONNECTION}", NMStableGenerated, "${CONNECTION}=11{_CONNECTION}"},
	{"${${CONNECTION}", NMStableGenerated, "${${CONNECTION}=11{_CONNECTION}"},
	{"${CONNECTION}x", NMStableGenerated, "${CONNECTION}=11{_CONNECTION}x"},
	{"x${CONNECTION}", NMStableGenerated, "x${CONNECTION}=11{_CONNECTION}"},
	{"${BOOT}x", NMStableGenerated, "${BOOT}=5{_BOOT}x"},
	{"x${BOOT}", NMStableGenerated, "x${BOOT}=5{_BOOT}"},
	{"x${BOOT}${CONNECTION}", NMStableGenerated, "x${BOOT}=5{_BOOT}${CONNECTION}=11{_CONNECTION}"},
	{"xX${BOOT}yY${CONNECTION}zZ", NMStableGenerated, "xX${BOOT}=5{_BOOT}yY${CONNECTION}=11{_CONNECTION}zZ"},
	{"${MAC}x", NMStableGenerated, "${MAC}=4{_MAC}x"},
	{"${RANDOM}", NMStableRandom, ""},
	{" ${RANDOM}", NMStableRandom, ""},
	{"${BOOT}${RANDOM}", NMStableRandom, ""},
}

// nmParseVectors holds test_stable_id_parse of each release (git show
// TAG:src/core/tests/test-core.c), beyond nmParseCommon. The UUID case
// "(unset)" stands for NULL. Cases marked "ours" are not in NetworkManager's
// test: they pin what the release's nm_utils_stable_id_parse does (read in
// src/core/nm-core-utils.c of that tag) where its test is silent.
var nmParseVectors = map[NMVersion][]nmParseCase{
	NM142: {
		// ours: before 1.44 "default${CONNECTION}" is a plain template.
		{"default${CONNECTION}", NMStableGenerated, "default${CONNECTION}=11{_CONNECTION}"},
		// ours: before 1.46 ${NETWORK_SSID} is not a pattern.
		{"${NETWORK_SSID}", NMStableID, ""},
		{"x${CONNECTION}${NETWORK_SSID}", NMStableGenerated, "x${CONNECTION}=11{_CONNECTION}${NETWORK_SSID}"},
	},
	NM144: {
		{"default${CONNECTION}", NMStableUUID, ""},
		{" ${CONNECTION}", NMStableGenerated, " ${CONNECTION}=11{_CONNECTION}"},
		// ours: 1.44 still keeps ${NETWORK_SSID} verbatim.
		{"${NETWORK_SSID}", NMStableID, ""},
		// ours: only the exact string is special.
		{"default${CONNECTION}x", NMStableGenerated, "default${CONNECTION}=11{_CONNECTION}x"},
	},
	{}: { // main (1.46 and later)
		{"default${CONNECTION}", NMStableUUID, ""},
		{" ${CONNECTION}", NMStableGenerated, " ${CONNECTION}=11{_CONNECTION}"},
		{"x${CONNECTION}${NETWORK_SSID}", NMStableGenerated, "x${CONNECTION}=11{_CONNECTION}${NETWORK_SSID}=12{s:SSID(\\202)}"},
		{"NO_SSID:x${CONNECTION}${NETWORK_SSID}", NMStableGenerated, "x${CONNECTION}=11{_CONNECTION}${NETWORK_SSID}=13{c:_CONNECTION}"},
		{"${NETWORK_SSID}", NMStableGenerated, "${NETWORK_SSID}=12{s:SSID(\\202)}"},
		{"NO_SSID:${NETWORK_SSID}", NMStableGenerated, "${NETWORK_SSID}=13{c:_CONNECTION}"},
	},
}

// TestNMStableIDParseVectors runs every case of NetworkManager's
// test_stable_id_parse for 1.42, 1.44 and main, each under its version's
// rules, with the test's substitutions (_DEVICE, _MAC, _BOOT, _CONNECTION,
// SSID "SSID(\202)").
func TestNMStableIDParseVectors(t *testing.T) {
	for v, extra := range nmParseVectors {
		for _, c := range append(append([]nmParseCase{}, nmParseCommon...), extra...) {
			t.Run(v.String()+"/"+c.template, func(t *testing.T) {
				in := NMStableIDInput{UUID: "_CONNECTION", Device: "_DEVICE", MAC: "_MAC", BootID: "_BOOT", SSID: []byte("SSID(\202)"), Version: v}
				tmpl, noSSID := strings.CutPrefix(c.template, "NO_SSID:")
				if noSSID {
					in.SSID = nil
				}
				typ, id := ExpandNMStableID(tmpl, in)
				if typ != c.typ {
					t.Fatalf("type = %v, want %v", typ, c.typ)
				}
				want := ""
				switch typ {
				case NMStableUUID:
					want = "_CONNECTION"
				case NMStableID:
					want = tmpl
				case NMStableGenerated:
					want = NMGeneratedID(c.expanded)
				}
				if id != want {
					t.Errorf("network ID = %q, want %q", id, want)
				}
			})
		}
	}
}

// TestNMNetworkSSIDVector is the tail of test_stable_id_parse:
// nm_utils_stable_id_parse_network_ssid of "foo\n" with UUID "uuid",
// expanded and completed.
func TestNMNetworkSSIDVector(t *testing.T) {
	typ, id := ExpandNMStableID("${NETWORK_SSID}", NMStableIDInput{UUID: "uuid", SSID: []byte("foo\n")})
	if typ != NMStableGenerated || id != "wqLBg0FtOnCi7yYQKGDUj6CDixc" {
		t.Errorf("ExpandNMStableID = %v, %q; want generated, wqLBg0FtOnCi7yYQKGDUj6CDixc", typ, id)
	}
	if got := NMGeneratedID("${NETWORK_SSID}=9{s:foo\\012}"); got != "wqLBg0FtOnCi7yYQKGDUj6CDixc" {
		t.Errorf("NMGeneratedID = %q", got)
	}
}

// TestNMIPv6LLVectors holds the link-local addresses of NetworkManager's
// src/core/tests/test-l3cfg.c (test_l3_ipv6ll): host ID "l3-ipv6ll"
// (NMTST_UTILS_HOST_ID_CONTEXT), stable type UUID, interface
// "nm-test-veth0", network ID b6a5b934-c649-43dc-a524-3dfdb74f9419;
// _LLADDR_TEST1 at DAD counter 0, and _LLADDR_TEST2 after the conflict of
// test 4 (counter 1).
func TestNMIPv6LLVectors(t *testing.T) {
	g := &NetworkManager{StableType: NMStableUUID, NetworkID: "b6a5b934-c649-43dc-a524-3dfdb74f9419", IfName: "nm-test-veth0", HostID: []byte("l3-ipv6ll")}
	for dad, want := range []string{"fe80::dd5a:8a44:48bc:3ad", "fe80::878b:938e:46f9:4807"} {
		a, used, err := g.LinkLocal(dad)
		if err != nil || used != dad {
			t.Fatalf("LinkLocal(%d) = %v, %d, %v", dad, a, used, err)
		}
		if diff := cmp.Diff(want, a.String()); diff != "" {
			t.Errorf("LinkLocal(%d) (-want +got):\n%s", dad, diff)
		}
	}
	// And Form reaches _LLADDR_TEST2 when _LLADDR_TEST1 is taken.
	ll := netip.MustParsePrefix("fe80::/64")
	a, used, err := Form(g, ll, func(a netip.Addr) bool { return a.String() == "fe80::dd5a:8a44:48bc:3ad" })
	if err != nil || used != 1 || a.String() != "fe80::878b:938e:46f9:4807" {
		t.Errorf("Form = %v, %d, %v", a, used, err)
	}
}

// TestNMAnyDADCounter: the hash takes any counter (NetworkManager's own
// test uses 384); Form stops where NetworkManager's loops stop.
func TestNMAnyDADCounter(t *testing.T) {
	g := &NetworkManager{NetworkID: "x", IfName: "eth0", HostID: []byte("key")}
	p := netip.MustParsePrefix("2001:db8::/64")
	last := int64(0xffffffff)
	if strconv.IntSize == 32 {
		last = 1<<31 - 1
	}
	for _, dad := range []int{3, 6, 384, int(last)} {
		if _, _, err := g.IID(p, dad); err != nil {
			t.Errorf("IID counter %d: %v", dad, err)
		}
	}
	all := func(netip.Addr) bool { return true }
	if _, used, err := Form(g, p, all); err == nil || used != NMIDGenRetries {
		t.Errorf("Form global, always duplicate: used %d, err %v; want to stop after counter %d", used, err, NMIDGenRetries-1)
	}
	if _, used, err := Form(g, netip.MustParsePrefix("fe80::/64"), all); err == nil || used != NMIDGenRetries+3 {
		t.Errorf("Form link-local, always duplicate: used %d, err %v; want to stop after counter %d", used, err, NMIDGenRetries+2)
	}
}

func TestParseNMVersion(t *testing.T) {
	for s, want := range map[string]NMVersion{"1.42": NM142, "1.42.4": NM142, "1.44.2-1": NM144, "1.46.0": NM146, "1.52.1": {1, 52}} {
		if got, err := ParseNMVersion(s); err != nil || got != want {
			t.Errorf("ParseNMVersion(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "1", "x.42", "1.x", "1.", "0.0", "1.4200000000"} {
		if _, err := ParseNMVersion(s); err == nil {
			t.Errorf("ParseNMVersion(%q) accepted", s)
		}
	}
}
