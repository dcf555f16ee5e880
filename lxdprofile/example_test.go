package lxdprofile_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"

	"github.com/v6kit/v6kit/lxdprofile"
)

func ExampleRender() {
	p := lxdprofile.Macvlan("eth0", "default")
	b, err := lxdprofile.Render(p, lxdprofile.Layout50)
	if err != nil {
		fmt.Println(err)
		return
	}
	os.Stdout.Write(b)
	// Output:
	// config: {}
	// description: LAN addresses via macvlan on eth0
	// devices:
	//   eth0:
	//     name: eth0
	//     nictype: macvlan
	//     parent: eth0
	//     type: nic
	//   root:
	//     path: /
	//     pool: default
	//     type: disk
	// name: macvlan
	// used_by: []
}

func ExampleExpand() {
	def := lxdprofile.Profile{Name: "default", Devices: map[string]lxdprofile.Device{
		"root": lxdprofile.RootDisk("default"),
		"eth0": {"type": "nic", "nictype": "bridged", "parent": "lxdbr0"},
	}}
	_, devices := lxdprofile.Expand([]lxdprofile.Profile{def, lxdprofile.ExtBridge("br0")}, nil, nil)
	fmt.Println(devices["eth0"]["parent"], devices["root"]["pool"])
	// Output: br0 default
}

func ExamplePredict() {
	config := map[string]string{"volatile.eth0.hwaddr": "00:16:3e:65:2b:99"}
	devices := map[string]lxdprofile.Device{"eth0": {"type": "nic", "nictype": "macvlan", "parent": "eth0"}}
	preds, err := lxdprofile.Predict("web", config, devices, []netip.Prefix{netip.MustParsePrefix("2001:db8:1:2::/64")})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(lxdprofile.ZoneLines(preds))
	// Output: web IN AAAA 2001:db8:1:2:216:3eff:fe65:2b99
}

// Apply the macvlan profile over the local unix socket.
func ExampleApply() {
	ctx := context.Background()
	srv, err := lxdprofile.ConnectUnix(ctx, "")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Disconnect()
	res, err := lxdprofile.Apply(ctx, srv, lxdprofile.Macvlan("eth0", "default"), lxdprofile.ApplyOptions{})
	fmt.Println(res, err)
}

// A profile that does not parse says where (the byte offset of the line)
// and why.
func ExampleParse_error() {
	_, err := lxdprofile.Parse([]byte("name: lan\ncolour: red\n"))
	fmt.Println(err)
	var pe *lxdprofile.ParseError
	if errors.As(err, &pe) {
		fmt.Println(pe.Type, pe.Offset, errors.Is(err, lxdprofile.ErrSyntax))
	}
	// Output:
	// lxdprofile: parse profile at offset 10: not a profile in YAML: line 2: field colour not found
	// profile 10 true
}

// Dial finds the daemon (LXD or Incus) on the usual sockets and says which
// it is; Apply then validates by that daemon's rules.
func ExampleDial() {
	ctx := context.Background()
	c, err := lxdprofile.Dial(ctx, lxdprofile.DialOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	info := c.Server()
	res, err := lxdprofile.Apply(ctx, c, lxdprofile.Macvlan("eth0", "default"), lxdprofile.ApplyOptions{})
	fmt.Println(info.Daemon.Name(), info.Version, res, err)
	fmt.Printf("launch with: %s launch IMAGE NAME -p macvlan\n", info.Daemon.Command())
}

// The same server version is a different YAML layout on LXD and on Incus.
func ExampleLayoutOf() {
	for _, d := range []lxdprofile.Daemon{lxdprofile.LXD, lxdprofile.Incus} {
		l, _ := lxdprofile.LayoutOf(d, "6.0.4")
		y, _ := lxdprofile.Render(lxdprofile.Profile{Name: "empty"}, l)
		fmt.Printf("%s: %v\n%s", d.Name(), l, y)
	}
	// Output:
	// LXD: lxd-5.21
	// name: empty
	// description: ""
	// config: {}
	// devices: {}
	// used_by: []
	// project: default
	// Incus: incus
	// config: {}
	// description: ""
	// devices: {}
	// name: empty
	// used_by: []
	// project: default
}

// Each daemon rejects the other's name for the guest API key.
func ExampleValidateFor() {
	p := lxdprofile.Profile{Name: "p", Config: map[string]string{"security.devlxd": "false"}}
	fmt.Println(lxdprofile.ValidateFor(lxdprofile.LXD, p))
	fmt.Println(lxdprofile.ValidateFor(lxdprofile.Incus, p))
	// Output:
	// <nil>
	// lxdprofile: profile "p": security.devlxd="false": unknown configuration key (that is LXD's name; Incus calls it security.guestapi)
}
