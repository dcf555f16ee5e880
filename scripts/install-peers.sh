#!/usr/bin/env bash
# install-peers.sh installs the Debian packages the interop tests run as real
# peers. It is idempotent: packages already present are not touched, and
# `apt-get update` runs at most once per call, only when something is missing.
#
# Services never start on install: a policy-rc.d that refuses every start is
# put in place for the duration of the install (nothing here should ever run
# in the root namespace; tests start each daemon inside their own namespace).
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
	echo "install-peers: must run as root (it calls apt-get install)" >&2
	exit 1
fi

# Keep this list sorted; say in a comment which tests need a package.
packages=(
	avahi-daemon       # discover: an mDNS responder for Names
	bird2              # ripng: BIRD 2 RIPng peer
	dhcpcd-base        # dhcpv4opt108: dhcpcd client
	dnsmasq-base       # dhcpv4opt108: dnsmasq server
	frr                # ripng: FRR ripngd + zebra
	ieee-data          # discover: vendor registry source (go generate)
	iproute2           # internal/lab: ip netns, veth, bridge
	isc-dhcp-client    # dhcpv4opt108: dhclient
	isc-dhcp-server    # dhcpv4opt108: ISC dhcpd
	kea-admin          # dhcpv4opt108: perfdhcp benchmark
	kea-dhcp4-server   # dhcpv4opt108: Kea server
	librsvg2-bin       # lab: rsvg-convert renders the -svg picture
	lxd                # lxdprofile: the real LXD daemon
	lxd-client         # lxdprofile: lxc, to compare with our rendering
	ndisc6             # ndp: rdisc6 checks our router advertiser
	network-manager    # slaac: NetworkManager stable-privacy oracle
	nftables           # discover: a host that drops echo requests
	nmap               # discover: benchmark anchor (make bench-discover)
	qemu-system-misc   # make test-bigendian: qemu-system-s390x boots a big-endian kernel
	qemu-user-static   # make cross: unprivileged tests for mips, arm, arm64
	radvd              # ndp/discover/slaac: RA source
	thc-ipv6           # discover: alive6, benchmark anchor (make bench-discover)
	tshark             # ripng/dhcpv4opt108: capture cross-checks
)

# NAT64 and DNS64 (issue 15): the nat64 interop tests and the lab's mostly-v6
# act run them in the router namespace. Kept as a block of its own.
packages+=(
	tayga              # nat64, lab: userspace NAT64 over a tun device (jool needs a kernel module)
	unbound            # nat64, lab: DNS64 (module-config "dns64 iterator")
)

missing=()
for entry in "${packages[@]}"; do
	pkg=${entry%% *}
	if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$pkg")
	fi
done

# --- Incus from bookworm-backports (lxdprofile: Incus interop) ---------------
# Debian ships Incus 6.0.x in bookworm-backports only. The backports suite is
# added on the archive mirror the system already uses, and only these two
# packages are asked for from it (pkg/bookworm-backports), so everything else,
# LXD 5.0.2 and its libraries among them, stays from bookworm. incus-base is
# the daemon, incus-client the incus command; the `incus` package would only
# add VM support (183 more packages).
backports=(
	incus-base         # lxdprofile: the real Incus daemon
	incus-client       # lxdprofile: incus, to compare with our rendering
)
for pkg in "${backports[@]}"; do
	pkg=${pkg%% *}
	if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$pkg/bookworm-backports")
	fi
done
need_backports=0
for pkg in "${missing[@]}"; do
	case $pkg in */bookworm-backports) need_backports=1 ;; esac
done
# backports_source adds the bookworm-backports suite, on the first Debian
# mirror the apt sources name, unless some source already has it.
backports_source() {
	if grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		return
	fi
	local mirror
	mirror=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | grep debian | head -n1 || true)
	if [ -z "$mirror" ]; then
		mirror=$(sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]*\).*/\2/p' /etc/apt/sources.list 2>/dev/null | grep -v security | grep debian | head -n1 || true)
	fi
	if [ -z "$mirror" ]; then
		echo "install-peers: no Debian mirror in the apt sources for bookworm-backports" >&2
		exit 1
	fi
	echo "install-peers: adding bookworm-backports on $mirror"
	cat >/etc/apt/sources.list.d/v6kit-bookworm-backports.sources <<-SRC
	Types: deb
	URIs: $mirror
	Suites: bookworm-backports
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	SRC
}
# --- end of the Incus block --------------------------------------------------

if [ "${#missing[@]}" -eq 0 ]; then
	echo "install-peers: all $((${#packages[@]} + ${#backports[@]})) packages present"
	exit 0
fi

echo "install-peers: installing ${missing[*]}"
if [ "$need_backports" -eq 1 ]; then
	backports_source
fi
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	made_policy=1
fi
cleanup() { if [ "$made_policy" -eq 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
# Several tests or sessions may install at once: wait for dpkg's lock.
apt_opts=(-o DPkg::Lock::Timeout=900 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
apt-get "${apt_opts[@]}" update -qq
apt-get "${apt_opts[@]}" install -y -qq --no-install-recommends "${missing[@]}"
# policy-rc.d kept them from starting now; keep the system-wide Incus and
# unbound from starting at the next boot too (tests start their own, in
# namespaces). Only for packages this run installed: a user's own services
# stay as they were.
for pkg in "${missing[@]}"; do
	case "$pkg" in
	incus-base/bookworm-backports) units="incus.socket incus.service incus-startup.service" ;;
	unbound) units="unbound.service" ;;
	*) continue ;;
	esac
	for unit in $units; do
		systemctl disable --quiet "$unit" 2>/dev/null || true
	done
done
echo "install-peers: done"
