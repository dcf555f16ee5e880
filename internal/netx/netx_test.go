package netx

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/v6kit/v6kit/internal/sdktest"
)

func TestCheckName(t *testing.T) {
	for _, tt := range []struct {
		name string
		ok   bool
	}{
		{"eth0", true}, {"host-shim", true}, {"abcdefghijklmno", true},
		{"", false}, {"abcdefghijklmnop", false}, {"my shim", false}, {"a/b", false}, {"a:1", false}, {".", false}, {"..", false},
	} {
		if err := CheckName(tt.name); (err == nil) != tt.ok {
			t.Errorf("CheckName(%q) = %v, want ok %v", tt.name, err, tt.ok)
		}
	}
}

func TestInterface_notFoundSaysWhatToDo(t *testing.T) {
	_, err := Interface("v6knosuch0")
	if err != nil {
		sdktest.SkipBrokenNetlink(t, err.Error())
	}
	if err == nil || !strings.Contains(err.Error(), `interface "v6knosuch0" not found; list them with 'ip link'`) {
		t.Fatalf("err = %v", err)
	}
}

func TestZoneIsTheIndex(t *testing.T) {
	ifi := &net.Interface{Index: 7, Name: "eth0"}
	if Zone(ifi) != "7" || ByIndex(ifi).Name != "7" || ifi.Name != "eth0" {
		t.Fatalf("Zone %q, ByIndex %q, original %q", Zone(ifi), ByIndex(ifi).Name, ifi.Name)
	}
}

func TestCancelReads_unblocksARead(t *testing.T) {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Skip("no loopback UDP:", err)
	}
	defer c.Close()
	ctx, cancel := context.WithCancel(context.Background())
	stop := CancelReads(ctx, c)
	defer stop()
	time.AfterFunc(10*time.Millisecond, cancel)
	_, _, err = c.ReadFrom(make([]byte, 1))
	if !IsTimeout(err) {
		t.Fatalf("read ended with %v, want a deadline", err)
	}
}
