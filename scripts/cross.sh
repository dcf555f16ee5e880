#!/usr/bin/env bash
# cross.sh: v6kit where its users run it — Raspberry Pis (linux/arm v6 and v7,
# arm64) and OpenWrt routers (big-endian mips, little-endian mipsle, arm64,
# riscv64). Every target builds and vets; the unprivileged tests run under
# Debian's qemu-user-static for mips (big-endian), arm (GOARM=6) and arm64.
#
#   bash scripts/cross.sh            # all of it (make cross)
#   CROSS_TEST=mips bash scripts/cross.sh                     # one emulated CPU
#   CROSS_BUILD=0 CROSS_PKGS="./ndp ./ripng" bash scripts/cross.sh # tests only, some packages
#
# Tests run as the unprivileged user nobody (the interop tier needs a real
# kernel's namespaces, not an emulator), one compiled test binary per package,
# from the package's directory as `go test` would. QEMU's user-mode netlink
# translation breaks net.Interfaces() on mips (facebook/time#506): tests that
# need interfaces skip there with that reason.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
build_targets=(
	"linux arm GOARM=6"
	"linux arm GOARM=7"
	"linux arm64"
	"linux mips GOMIPS=softfloat"
	"linux mipsle GOMIPS=softfloat"
	"linux riscv64"
)
# arch qemu-binary GOARCH extra-env
test_targets=(
	"mips qemu-mips-static mips GOMIPS=softfloat"
	"arm qemu-arm-static arm GOARM=6"
	"arm64 qemu-aarch64-static arm64"
)

start=$(date +%s)
[ "${CROSS_BUILD:-1}" = 0 ] && build_targets=()
for t in "${build_targets[@]}"; do
	read -r goos goarch extra <<<"$t"
	echo "== build and vet $goos/$goarch ${extra:-}"
	env GOOS="$goos" GOARCH="$goarch" ${extra:+"$extra"} CGO_ENABLED=0 "$GO" build ./...
	env GOOS="$goos" GOARCH="$goarch" ${extra:+"$extra"} CGO_ENABLED=0 "$GO" vet ./...
done

work=$(mktemp -d /tmp/v6kit-cross.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
# nobody's home: tools the tests run (tshark) write their settings there.
mkdir -m 777 "$work/home"
fail=0
nok=0
nfail=0
for t in "${test_targets[@]}"; do
	read -r name qemu goarch extra <<<"$t"
	if [ -n "${CROSS_TEST:-}" ] && [ "$CROSS_TEST" != "$name" ]; then
		continue
	fi
	if ! command -v "$qemu" >/dev/null; then
		echo "cross: $qemu missing: install qemu-user-static (scripts/install-peers.sh does)" >&2
		exit 1
	fi
	echo "== test under $qemu ($goarch ${extra:-}), as nobody"
	for pkg in $("$GO" list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}' ${CROSS_PKGS:-./...}); do
		bin="$work/$name-$(echo "$pkg" | tr / _).test"
		env GOOS=linux GOARCH="$goarch" ${extra:+"$extra"} CGO_ENABLED=0 "$GO" test -c -o "$bin" "$pkg"
		dir=$("$GO" list -f '{{.Dir}}' "$pkg")
		# The layering tests run `go list` on the host; they say nothing
		# about a CPU, and nobody has no Go cache.
		if ! (cd "$dir" && env -u V6KIT_REQUIRE_PEERS V6KIT_EMULATED="$name" HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" \
			setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$qemu" "$bin" -test.short -test.v -test.timeout=20m \
			-test.skip='^(TestImportsPointDownwards|TestProgramsLinkNoTestCode)$' >"$bin.log" 2>&1); then
			nfail=$((nfail + 1)); echo "FAIL $pkg on $name:"; grep -v -- '^=== RUN\|--- PASS' "$bin.log" | tail -40; fail=1
		else
			skips=$(grep -c -- '--- SKIP' "$bin.log" || true)
			passes=$(grep -c -- '--- PASS' "$bin.log" || true)
			nok=$((nok + 1))
			echo "ok   $pkg on $name ($passes passed, $skips skipped)"
			grep -h -B1 -- '--- SKIP' "$bin.log" | grep -v -e '--- SKIP' -e '--- PASS' -e '^--$' -e '=== RUN' | sed 's/^ *[a-z_]*\.go:[0-9]*: /     skip: /' | sort | uniq -c | sort -rn | head -3 || true
		fi
		rm -f "$bin"
	done
done
echo "cross: $(( $(date +%s) - start )) s; package test runs under emulation:"
echo "cross: $nok passed, $nfail failed"
exit $fail
