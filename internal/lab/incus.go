//go:build linux

package lab

// IncusDaemon is where Debian installs the Incus daemon (package
// incus-base); it is not on PATH.
const IncusDaemon = "/usr/libexec/incus/incusd"

// IncusPreseed initialises a private Incus as LXDPreseed does LXD: no
// networks (`incus admin init --minimal` and --auto would probe random 10.x
// addresses: never use them), a dir storage pool, and a root disk in the
// default profile.
const IncusPreseed = `config: {}
networks: []
storage_pools:
- name: default
  driver: dir
profiles:
- name: default
  description: Default Incus profile
  devices:
    root:
      path: /
      pool: default
      type: disk
`

// Incus is a private Debian Incus daemon in a namespace of a Lab, the
// counterpart of [LXD]: its own INCUS_DIR and INCUS_CONF under the lab's
// directory (so incus never writes the host's ~/.config/incus), initialised
// with IncusPreseed only. The lab stops it by PID and removes its
// directories.
type Incus = ContainerDaemon

// StartIncus starts `incusd --group root` in a new namespace named "incus",
// waits until it is ready (generously: a loaded machine is slow) and
// initialises it with IncusPreseed.
func (l *Lab) StartIncus() (*Incus, error) {
	return l.startContainerDaemon(containerDaemonSpec{
		name: "incus", conf: "incus-conf", env: "INCUS",
		argv:    []string{IncusDaemon},
		client:  []string{"incus", "admin"},
		cli:     "incus",
		preseed: IncusPreseed,
	})
}
