#!/usr/bin/env bash
# dist.sh: small static binaries for every platform v6kit's users run, into
# dist/<os>-<arch>/, with SHA256SUMS. Stripped (-s -w), static (CGO_ENABLED=0),
# reproducible (-trimpath, no build ID; the version comes from the module and
# VCS information Go stamps, shown by -version), so two builds of one commit
# give the same sums. Also the multi-call binary `v6kit` of the router
# programs (busybox-style), whose size on mipsle is held to a budget.
#
#   bash scripts/dist.sh        # make dist
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
BUDGET_MIB=${BUDGET_MIB:-8}   # v6kit on linux/mipsle, stripped
targets=(
	"linux amd64"
	"linux arm GOARM=6"
	"linux arm GOARM=7"
	"linux arm64"
	"linux mips GOMIPS=softfloat"
	"linux mipsle GOMIPS=softfloat"
	"linux riscv64"
)
rm -rf dist
mkdir -p dist
programs=$(cd examples && ls -d */ | tr -d /)
for t in "${targets[@]}"; do
	read -r goos goarch extra <<<"$t"
	dir="dist/$goos-$goarch${extra:+-${extra#*=}}"
	mkdir -p "$dir"
	for p in $programs; do
		env GOOS="$goos" GOARCH="$goarch" ${extra:+"$extra"} CGO_ENABLED=0 \
			"$GO" build -trimpath -buildvcs=true -ldflags='-s -w -buildid=' -o "$dir/$p" "./examples/$p"
	done
done
(cd dist && find . -type f ! -name SHA256SUMS | sort | xargs sha256sum >SHA256SUMS)

mipsle=$(ls -d dist/linux-mipsle*)
size=$(stat -c %s "$mipsle/v6kit")
xzsize=$(xz -9e -c "$mipsle/v6kit" | wc -c)
printf 'dist: %d binaries, v6kit on mipsle %.2f MiB (xz -9e %.2f MiB, budget %d MiB)\n' \
	"$(find dist -type f ! -name SHA256SUMS | wc -l)" "$(awk "BEGIN{print $size/1048576}")" "$(awk "BEGIN{print $xzsize/1048576}")" "$BUDGET_MIB"
printf '%-28s %10s\n' target "v6kit bytes"
for d in dist/*/; do printf '%-28s %10d\n' "$(basename "$d")" "$(stat -c %s "$d/v6kit")"; done
if [ "$size" -gt $((BUDGET_MIB * 1048576)) ]; then
	echo "dist: v6kit on mipsle is over its ${BUDGET_MIB} MiB budget" >&2
	exit 1
fi
