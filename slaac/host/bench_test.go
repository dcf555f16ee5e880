package host

import (
	"testing"
)

// BenchmarkReadFiles reads a NetworkManager-managed host from files (the
// sysctls, device state, NetworkManager.conf and conf.d, the profiles,
// secret_key, machine-id, boot ID) and derives its rules; the link comes
// from a fake, so it runs unprivileged.
func BenchmarkReadFiles(b *testing.B) {
	root := fakeRootB(b)
	r := fakeReader(root, "1.42.4")
	b.ReportAllocs()
	for b.Loop() {
		h, err := r.read("eth0")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := h.Rules(); err != nil {
			b.Fatal(err)
		}
	}
}

func fakeRootB(b *testing.B) string {
	files := map[string]string{
		conf + "addr_gen_mode":                                     "1\n",
		"/run/NetworkManager/devices/7":                            "[device]\nmanaged=true\nconnection-uuid=6b138152-9f3e-4b97-aaf7-e6e553f2a24e\n",
		"/etc/NetworkManager/NetworkManager.conf":                  "[main]\nplugins=keyfile\n",
		"/usr/lib/NetworkManager/conf.d/10-x.conf":                 "[connection]\nconnection.stable-id=${CONNECTION}/${BOOT}\n",
		"/etc/NetworkManager/system-connections/eth0.nmconnection": "[connection]\nid=eth0\nuuid=6b138152-9f3e-4b97-aaf7-e6e553f2a24e\ntype=ethernet\n[ipv6]\nmethod=auto\naddr-gen-mode=stable-privacy\n",
		"/var/lib/NetworkManager/secret_key":                       "nm-v2:5mGJbGZkD1pWZ3xKQ0uWq8j1t0bS8r7Tq2iQb4cR6yE=",
		"/etc/machine-id":                                          "3d1a0c6b5f2e4a7f9c8b7a6d5e4f3a2b\n",
		"/proc/sys/kernel/random/boot_id":                          "0c4a1e6c-6d1c-4a4b-9f55-2b0f8f0d6a11\n",
	}
	return writeRoot(b, files)
}
