#!/usr/bin/env bash
# bench-dhcp.sh: offers per second of v6only-server beside Kea and dnsmasq,
# in the same run, under Kea's perfdhcp (DISCOVER→OFFER only, every DISCOVER
# asking for option 108). Run as root: `make bench-dhcp`.
#
# It builds two namespaces (server and client) on a veth pair, addressed
# from 198.18.0.0/15 (RFC 2544's benchmarking range), runs each server in
# turn for DURATION seconds, ROUNDS times, and prints offers/s and peak RSS.
# Everything it makes is removed on exit, also on Ctrl-C.
set -euo pipefail
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
CLIENTS=${CLIENTS:-30000}

[ "$(id -u)" -eq 0 ] || { echo "bench-dhcp: needs root (network namespaces)" >&2; exit 1; }
for p in perfdhcp kea-dhcp4 dnsmasq; do
	command -v "$p" >/dev/null || { echo "bench-dhcp: $p missing; run scripts/install-peers.sh" >&2; exit 1; }
done

id=b$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
srv=v6k-$id-srv cli=v6k-$id-cli
dir=$(mktemp -d "${TMPDIR:-/tmp}/v6kit-lab-$id-XXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	ip netns delete "$srv" 2>/dev/null || true
	ip netns delete "$cli" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

go build -o "$dir/v6only-server" ./examples/v6only-server
ip netns add "$srv"
ip netns add "$cli"
ip -n "$srv" link add eth0 type veth peer name eth0 netns "$cli"
ip -n "$srv" addr add 198.18.0.1/15 dev eth0
ip -n "$cli" addr add 198.18.0.2/15 dev eth0
for ns in "$srv" "$cli"; do ip -n "$ns" link set lo up; ip -n "$ns" link set eth0 up; done

cat >"$dir/kea.conf" <<EOF
{"Dhcp4": {
  "interfaces-config": {"interfaces": ["eth0"], "dhcp-socket-type": "udp"},
  "lease-database": {"type": "memfile", "persist": false},
  "valid-lifetime": 3600,
  "subnet4": [{"id": 1, "subnet": "198.18.0.0/15",
    "pools": [{"pool": "198.18.1.0 - 198.19.255.250"}],
    "option-data": [{"name": "v6-only-preferred", "data": "1800"}, {"name": "routers", "data": "198.18.0.1"}]}],
  "loggers": [{"name": "kea-dhcp4", "output_options": [{"output": "$dir/kea.log"}], "severity": "WARN"}]
}}
EOF
cat >"$dir/dnsmasq.conf" <<EOF
port=0
interface=eth0
bind-interfaces
dhcp-range=198.18.1.0,198.19.255.250,255.254.0.0,12h
dhcp-leasefile=$dir/dnsmasq.leases
pid-file=$dir/dnsmasq.pid
no-ping
dhcp-option=option:router,198.18.0.1
dhcp-option=option:ipv6-only,1800
dhcp-lease-max=200000
EOF

# listening waits until something in the server namespace listens on UDP 67.
listening() {
	for _ in $(seq 300); do
		ip netns exec "$srv" ss -H -uln 'sport = :67' | grep -q . && return 0
		sleep 0.05
	done
	echo "bench-dhcp: $1 never listened on port 67" >&2
	return 1
}

# run NAME CMD...: start the server, load it, report offers/s and peak RSS.
run() {
	local name=$1; shift
	rm -f "$dir/dnsmasq.leases" "$dir/v6only-server.leases"
	KEA_PIDFILE_DIR=$dir KEA_LOCKFILE_DIR=$dir ip netns exec "$srv" "$@" >"$dir/$name.log" 2>&1 &
	local pid=$!
	pids+=("$pid")
	listening "$name"
	local out rate
	out=$(ip netns exec "$cli" perfdhcp -4 -l 198.18.0.2 -i -r 100000 -p "$DURATION" -R "$CLIENTS" \
		-o 55,0103060f6c 198.18.0.1 2>&1 || true)
	rate=$(echo "$out" | awk '/^Rate:/ {print $2; exit}')
	local hwm
	hwm=$(awk '/VmHWM/ {print $2/1024 " MiB"}' "/proc/$pid/status" 2>/dev/null || echo "?")
	kill "$pid"; wait "$pid" 2>/dev/null || true
	printf '%-14s %10s offers/s   peak RSS %s\n' "$name" "${rate:-?}" "$hwm"
}

for r in $(seq "$ROUNDS"); do
	echo "round $r ($DURATION s each, $CLIENTS clients, every DISCOVER asks for option 108):"
	run v6only-server "$dir/v6only-server" -i eth0 -range 198.18.1.0-198.19.255.250 -router 198.18.0.1 -mask 15 -v6only-wait 1800 -quiet -leases "$dir/v6only-server.leases"
	run kea kea-dhcp4 -c "$dir/kea.conf"
	run dnsmasq dnsmasq -k -C "$dir/dnsmasq.conf"
done
