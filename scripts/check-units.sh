#!/usr/bin/env bash
# check-units.sh: systemd-analyze verify on contrib/systemd's units, with
# ExecStart pointed at binaries just built from this tree (verify insists
# that the command exists). Needs no running systemd.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v systemd-analyze >/dev/null; then
	echo "check-units: systemd-analyze missing (Debian package systemd)" >&2
	exit 1
fi
work=$(mktemp -d /tmp/v6kit-units.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
for p in ripngd v6only-server v6disc; do
	go build -o "$work/bin/$p" "./examples/$p"
done
for u in contrib/systemd/*.service; do
	sed "s|/usr/local/bin/|$work/bin/|" "$u" >"$work/$(basename "$u")"
done
(cd "$work" && systemd-analyze verify ./*.service)
echo "check-units: $(ls contrib/systemd/*.service | wc -l) units verified"
