package slaac

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var addrComparer = cmp.Comparer(func(a, b netip.Addr) bool { return a == b })

// roundTrip parses b, marshals what it got, parses that again and checks
// both values agree and marshalling twice gives the same bytes.
func roundTrip[T interface{ AppendText([]byte) ([]byte, error) }](t *testing.T, b []byte, parse func([]byte) (T, error)) {
	t.Helper()
	v, err := parse(b)
	if err != nil {
		if _, ok := err.(*ParseError); !ok {
			t.Fatalf("error %v is not a *ParseError", err)
		}
		if !wrapsSentinel(err) {
			t.Fatalf("error %v wraps none of ErrSyntax, ErrSecret, ErrIID", err)
		}
		return
	}
	text, err := v.AppendText(nil)
	if err != nil {
		t.Fatal(err)
	}
	again, err := parse(text)
	if err != nil {
		t.Fatalf("re-parse of %q: %v", text, err)
	}
	if diff := cmp.Diff(v, again, addrComparer); diff != "" {
		t.Fatalf("round trip of %q via %q (-first +second):\n%s", b, text, diff)
	}
	text2, _ := again.AppendText(nil)
	if string(text) != string(text2) {
		t.Fatalf("marshal twice: %q then %q", text, text2)
	}
}

// wrapsSentinel reports whether a parse error says, for errors.Is, what
// kind of input was wrong.
func wrapsSentinel(err error) bool {
	return errors.Is(err, ErrSyntax) || errors.Is(err, ErrSecret) || errors.Is(err, ErrIID)
}

// FuzzParseNMConnection: keyfile profiles round-trip.
func FuzzParseNMConnection(f *testing.F) {
	f.Add([]byte("[connection]\nid=eth0\nuuid=6b138152-9f3e-4b97-aaf7-e6e553f2a24e\ntype=ethernet\ninterface-name=eth0\nstable-id=${CONNECTION}-${DEVICE}\n\n[ipv6]\nmethod=auto\naddr-gen-mode=stable-privacy\n"))
	f.Add([]byte("# comment\n[connection]\nid=\\sspace\\n\nstable-id=\n[ipv6]\ntoken=::1\n[wifi]\nssid=104;111;109;101;\n"))
	f.Add([]byte("[802-11-wireless]\nssid=home\n"))
	f.Add([]byte("id=x\n"))
	f.Add([]byte("[broken\n"))
	f.Fuzz(func(t *testing.T, b []byte) { roundTrip(t, b, ParseNMConnection) })
}

// FuzzParseNMConf: NetworkManager.conf round-trips.
func FuzzParseNMConf(f *testing.F) {
	f.Add([]byte("[main]\nplugins=keyfile\n\n[connection]\nipv6.addr-gen-mode=1\nconnection.stable-id=${CONNECTION}\n\n[keyfile]\npath=/etc/nm\n"))
	f.Add([]byte("[connection-wifi]\nmatch-device=type:wifi\nipv6.addr-gen-mode=0\n"))
	f.Fuzz(func(t *testing.T, b []byte) { roundTrip(t, b, ParseNMConf) })
}

// FuzzParseNMDeviceState: /run/NetworkManager/devices/N round-trips.
func FuzzParseNMDeviceState(f *testing.F) {
	f.Add([]byte("[device]\nmanaged=true\nperm-hw-addr-fake=false\nconnection-uuid=6b138152-9f3e-4b97-aaf7-e6e553f2a24e\nnm-owned=false\n"))
	f.Add([]byte("[device]\nmanaged=maybe\n"))
	f.Fuzz(func(t *testing.T, b []byte) { roundTrip(t, b, ParseNMDeviceState) })
}

// FuzzParseNetworkdNetwork: .network files round-trip.
func FuzzParseNetworkdNetwork(f *testing.F) {
	f.Add([]byte("[Match]\nName=eth0\n\n[Network]\nIPv6LinkLocalAddressGenerationMode=stable-privacy\nIPv6StableSecretAddress=2001:db8::1\n\n[IPv6AcceptRA]\nToken=prefixstable:2002:da8:1::,86b123b969ba4b7eb8b3d8605123525a\nToken=static:::1\nToken=eui64\n"))
	f.Add([]byte("[IPv6AcceptRA]\nToken=prefixstable\nToken=\nToken=::1a:2b\n; comment\n[Network]\nIPv6Token=prefixstable,86b123b9-69ba-4b7e-b8b3-d8605123525a\n"))
	f.Add([]byte("[Network]\nDHCP=yes \\\n  more\n"))
	f.Fuzz(func(t *testing.T, b []byte) { roundTrip(t, b, ParseNetworkdNetwork) })
}

// FuzzParseNetworkdLinkState: /run/systemd/netif/links/N round-trips.
func FuzzParseNetworkdLinkState(f *testing.F) {
	f.Add([]byte("# This is private data. Do not parse.\nADMIN_STATE=configured\nOPER_STATE=routable\nNETWORK_FILE=/run/systemd/network/50-eth0.network\n"))
	f.Fuzz(func(t *testing.T, b []byte) { roundTrip(t, b, ParseNetworkdLinkState) })
}

// FuzzParseNetworkdToken: a token that parses prints as a Token= value
// that parses to the same token.
func FuzzParseNetworkdToken(f *testing.F) {
	for _, s := range []string{"eui64", "static:::1", "::1", "prefixstable", "prefixstable:2002:da8:1::", "prefixstable:2002:da8:1::,86b123b969ba4b7eb8b3d8605123525a", "prefixstable,86b123b9-69ba-4b7e-b8b3-d8605123525a", "static:", "prefixstablex"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := ParseNetworkdToken(s)
		if err != nil {
			if !wrapsSentinel(err) {
				t.Fatalf("error %v wraps none of ErrSyntax, ErrSecret, ErrIID", err)
			}
			return
		}
		again, err := ParseNetworkdToken(tok.String())
		if err != nil || again != tok {
			t.Fatalf("ParseNetworkdToken(%q) = %+v; %q gives %+v, %v", s, tok, tok.String(), again, err)
		}
	})
}

// FuzzParseKernelConf: sysctl values round-trip through KernelConf.Sysctls.
func FuzzParseKernelConf(f *testing.F) {
	f.Add("2", "2001:db8::1\n", "", "3", "1", "604800", "1000")
	f.Add("3", "", "fd00::1", "0", "2", "0", "10")
	f.Add("9", "x", "", "-1", "a", "", "")
	f.Fuzz(func(t *testing.T, mode, secret, dflt, retries, tempaddr, valid, retrans string) {
		in := map[string]string{"addr_gen_mode": mode, "stable_secret": secret, "default/stable_secret": dflt,
			"idgen_retries": retries, "use_tempaddr": tempaddr, "temp_valid_lft": valid, "retrans_time_ms": retrans}
		c, err := ParseKernelConf("eth0", in)
		if err != nil {
			if pe, ok := err.(*ParseError); !ok || !strings.HasPrefix(pe.Type, "sysctl ") || !wrapsSentinel(err) {
				t.Fatalf("error %v is not a sysctl *ParseError wrapping a sentinel", err)
			}
			return
		}
		again, err := ParseKernelConf("eth0", c.Sysctls())
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c, again); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
		if p, _ := c.TempProfile(); p.RegenAdvance < 0 {
			t.Fatalf("negative REGEN_ADVANCE %v", p.RegenAdvance)
		}
	})
}
