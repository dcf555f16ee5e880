//go:build linux

package lab

// LXDPreseed initialises a private LXD: no networks (lxd init --minimal and
// --auto would probe random 10.x addresses: never use them), a dir storage
// pool, and a root disk in the default profile.
const LXDPreseed = `config: {}
networks: []
storage_pools:
- name: default
  driver: dir
profiles:
- name: default
  description: Default LXD profile
  devices:
    root:
      path: /
      pool: default
      type: disk
`

// LXD is a private Debian LXD daemon in a namespace of a Lab: its own
// LXD_DIR and LXD_CONF under the lab's directory (so lxc never writes the
// host's ~/.config/lxc), initialised with LXDPreseed only. The lab stops it
// by PID and removes its directories.
type LXD = ContainerDaemon

// StartLXD starts `lxd --group root` in a new namespace named "lxd",
// waits until it is ready (generously: a loaded machine is slow) and
// initialises it with LXDPreseed.
func (l *Lab) StartLXD() (*LXD, error) {
	return l.startContainerDaemon(containerDaemonSpec{
		name: "lxd", conf: "lxc-conf", env: "LXD",
		argv:    []string{"lxd"},
		client:  []string{"lxd"},
		cli:     "lxc",
		preseed: LXDPreseed,
	})
}
