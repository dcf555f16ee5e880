#!/usr/bin/env bash
# bigendian.sh proves on a real big-endian Linux kernel that slaac.Linux
# (ByteOrder nil: this CPU's order) predicts the stable-privacy addresses
# the kernel forms. It boots Debian's s390x kernel (the only big-endian
# Linux Debian ships) under qemu-system-s390x (TCG: no KVM needed) with an
# initramfs whose /init is internal/tools/bigendian built for linux/s390x,
# and passes when the console shows "BIGENDIAN PASS".
#
# Idempotent. Needs root only the first time: it installs qemu-system-misc
# (which holds qemu-system-s390x in bookworm), adds the s390x dpkg
# architecture and downloads (never installs) the s390x linux-image .deb
# into $CACHE, extracting vmlinuz and veth.ko there.
#
# Environment: CACHE (default /var/cache/v6kit-bigendian), TIMEOUT in
# seconds for the VM (default 600), QEMU_CPU (default max).
set -euo pipefail

CACHE=${CACHE:-/var/cache/v6kit-bigendian}
TIMEOUT=${TIMEOUT:-600}
QEMU_CPU=${QEMU_CPU:-max}
cd "$(dirname "$0")/.."
t0=$(date +%s)

need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "bigendian: $1 needs root (run once as root: sudo bash scripts/bigendian.sh)" >&2
		exit 1
	fi
}

# 1. qemu-system-s390x.
if ! command -v qemu-system-s390x >/dev/null; then
	need_root "installing qemu-system-misc"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-system-misc
fi

# 2. The s390x kernel: download the .deb only, extract into $CACHE.
mkdir -p "$CACHE"
if ! ls "$CACHE"/kernel/boot/vmlinuz-* >/dev/null 2>&1; then
	need_root "downloading the s390x kernel"
	updated=
	if ! dpkg --print-foreign-architectures | grep -qx s390x; then
		dpkg --add-architecture s390x
		apt-get update -qq
		updated=1
	fi
	if [ -z "$updated" ] && ! apt-cache show linux-image-s390x:s390x >/dev/null 2>&1; then
		apt-get update -qq
	fi
	# linux-image-s390x is the meta package; it names the real image.
	img=$(apt-cache depends linux-image-s390x:s390x | sed -n 's/^ *Depends: \(linux-image-[^:]*\):s390x$/\1/p' | head -n1)
	if [ -z "$img" ]; then
		echo "bigendian: cannot find the image package linux-image-s390x:s390x depends on" >&2
		exit 1
	fi
	(cd "$CACHE" && apt-get download "$img:s390x" 2>&1 | grep -v 'unsandboxed' || true)
	deb=$(ls "$CACHE"/"$img"_*_s390x.deb | head -n1)
	rm -rf "$CACHE/kernel.tmp"
	mkdir -p "$CACHE/kernel.tmp"
	# Only what the VM needs: vmlinuz, the config, veth.ko (not 140 MB of modules).
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$CACHE/kernel.tmp" --wildcards './boot/*' '*/drivers/net/veth.ko'
	rm -rf "$CACHE/kernel"
	mv "$CACHE/kernel.tmp" "$CACHE/kernel"
fi
t1=$(date +%s)
vmlinuz=$(ls "$CACHE"/kernel/boot/vmlinuz-* | head -n1)
config=$(ls "$CACHE"/kernel/boot/config-* | head -n1)
module=
if grep -qx 'CONFIG_VETH=m' "$config"; then
	module=$(find "$CACHE/kernel/lib/modules" -name veth.ko | head -n1)
	if [ -z "$module" ]; then
		echo "bigendian: CONFIG_VETH=m but no veth.ko in $CACHE/kernel (compressed modules are not handled)" >&2
		exit 1
	fi
fi

# 3. The test binary and the initramfs.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
GOOS=linux GOARCH=s390x CGO_ENABLED=0 go build -trimpath -ldflags=-s -o "$work/init" ./internal/tools/bigendian
go run ./internal/tools/bigendian -initramfs "$work/initrd.cpio" -init "$work/init" ${module:+-module "$module"}

# 4. Boot. panic=-1 with -no-reboot turns a kernel panic into a qemu exit.
echo "bigendian: booting $(basename "$vmlinuz") under qemu-system-s390x -cpu $QEMU_CPU (TCG), timeout ${TIMEOUT}s"
t2=$(date +%s)
set +e
timeout "$TIMEOUT" qemu-system-s390x -M s390-ccw-virtio -cpu "$QEMU_CPU" -accel tcg -smp 1 -m 512 \
	-nographic -no-reboot -nic none \
	-kernel "$vmlinuz" -initrd "$work/initrd.cpio" \
	-append 'console=ttysclp0 panic=-1 quiet loglevel=4' </dev/null 2>&1 | tee "$work/console.log" | sed -u 's/\r$//'
rc=${PIPESTATUS[0]}
set -e
t3=$(date +%s)
echo "bigendian: qemu exit status $rc; boot and check took $((t3 - t2)) s, setup $((t1 - t0)) s (downloads), build $((t2 - t1)) s, total $((t3 - t0)) s"
if grep -q '^BIGENDIAN PASS' "$work/console.log"; then
	echo "bigendian: PASS"
	exit 0
fi
if [ "$rc" -eq 124 ]; then
	echo "bigendian: FAIL: no verdict within ${TIMEOUT}s" >&2
else
	echo "bigendian: FAIL" >&2
fi
exit 1
