#!/usr/bin/env bash
# bench-dhcp.sh: v6only-server beside Kea and dnsmasq, in the same run,
# under Kea's perfdhcp, every DISCOVER asking for option 108. Run as root:
# `make bench-dhcp`.
#
# Each round runs every server, each in a fresh process, under three loads:
#   max   DISCOVER→OFFER as fast as perfdhcp sends (-r 100000): offers/s
#   10k   DISCOVER→OFFER offered at 10 000/s: drops (any NNk: at NN 000/s)
#   dora  DISCOVER-OFFER-REQUEST-ACK as fast as perfdhcp sends, every server
#         allocating and writing its lease file: Kea's memfile (persist,
#         no fsync), dnsmasq's lease file (rewritten, no fsync), ours
#         (-leases: every ACK synced to disk before it is sent)
# and prints, per run, perfdhcp's rate (exchanges completed a second),
# the replies the server sent a second (its namespace's UDP OutDatagrams),
# perfdhcp's drop ratio (the last exchange's: REQUEST-ACK for dora), the
# datagrams the kernel dropped for want of socket buffer at the server
# (srvdrop: what the server lost) and at perfdhcp (clidrop: a CPU-starved
# perfdhcp drops replies itself, and its rate then says more about
# perfdhcp than the server), the unique addresses in the lease file, and
# the server's peak RSS (VmHWM). A summary gives our ratios to the peers.
#
# Two namespaces (server and client) on a veth pair, addressed from
# 198.18.0.0/15 (RFC 2544's benchmarking range); everything is removed on
# exit, also on Ctrl-C. Knobs: DURATION (s, 10), ROUNDS (3), CLIENTS
# (30000), LOADS ("max 10k dora"), SERVERS ("v6only-server kea dnsmasq"),
# PIN (set: the server on CPU 1 and perfdhcp on CPU 0, each with a core of
# its own; unset, they share both, as the goals were first measured).
set -euo pipefail
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
CLIENTS=${CLIENTS:-30000}
LOADS=${LOADS:-max 10k dora}
SERVERS=${SERVERS:-v6only-server kea dnsmasq}

[ "$(id -u)" -eq 0 ] || { echo "bench-dhcp: needs root (network namespaces)" >&2; exit 1; }
for load in $LOADS; do
	[[ $load =~ ^(max|dora|[1-9][0-9]*k)$ ]] || { echo "bench-dhcp: load \"$load\": want max, dora or NNk (10k, 25k)" >&2; exit 1; }
done
if [ -n "${PIN:-}" ] && [ "$(nproc)" -lt 2 ]; then
	echo "bench-dhcp: PIN needs two CPUs" >&2
	exit 1
fi
for p in perfdhcp kea-dhcp4 dnsmasq; do
	command -v "$p" >/dev/null || { echo "bench-dhcp: $p missing; run scripts/install-peers.sh" >&2; exit 1; }
done

id=b$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
srv=v6k-$id-srv cli=v6k-$id-cli
dir=$(mktemp -d "${TMPDIR:-/var/tmp}/v6kit-lab-$id-XXXX") # on disk: the lease files' syncs are real
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	ip netns delete "$srv" 2>/dev/null || true
	ip netns delete "$cli" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# Built as make dist ships it: static, stripped.
CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$dir/v6only-server" ./examples/v6only-server
ip netns add "$srv"
ip netns add "$cli"
ip -n "$srv" link add eth0 type veth peer name eth0 netns "$cli"
ip -n "$srv" addr add 198.18.0.1/15 dev eth0
ip -n "$cli" addr add 198.18.0.2/15 dev eth0
for ns in "$srv" "$cli"; do ip -n "$ns" link set lo up; ip -n "$ns" link set eth0 up; done

cat >"$dir/kea.conf" <<EOF
{"Dhcp4": {
  "interfaces-config": {"interfaces": ["eth0"], "dhcp-socket-type": "udp"},
  "lease-database": {"type": "memfile", "persist": true, "name": "$dir/kea.leases", "lfc-interval": 0},
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

# udp NS: the namespace's UDP counters InDatagrams, OutDatagrams, RcvbufErrors.
udp() { ip netns exec "$1" awk '/^Udp:/ {l=$0} END {split(l, f); print f[2], f[5], f[6]}' /proc/net/snmp; }

declare -A sum sent # [load,server] = perfdhcp's rates, the server's replies/s, over the rounds

# run LOAD NAME CMD...: start the server, load it, print one line.
run() {
	local load=$1 name=$2; shift 2
	rm -f "$dir"/*.leases "$dir"/*.leases.*
	KEA_PIDFILE_DIR=$dir KEA_LOCKFILE_DIR=$dir ip netns exec "$srv" ${PIN:+taskset -c 1} "$@" >"$dir/$name.log" 2>&1 &
	local pid=$!
	pids+=("$pid")
	listening "$name"
	local args=(-r 100000)
	case $load in
	max) args+=(-i) ;;
	dora) ;;
	*k) args=(-r "${load%k}000" -i) ;; # 10k, 25k, ...: DISCOVER-OFFER at that rate
	esac
	local s0 c0 s1 c1 out
	read -r -a s0 < <(udp "$srv")
	read -r -a c0 < <(udp "$cli")
	out=$(ip netns exec "$cli" ${PIN:+taskset -c 0} perfdhcp -4 -l 198.18.0.2 "${args[@]}" -p "$DURATION" -R "$CLIENTS" \
		-o 55,0103060f6c 198.18.0.1 2>&1 || true)
	read -r -a s1 < <(udp "$srv")
	read -r -a c1 < <(udp "$cli")
	local rate drops hwm leases=-
	rate=$(echo "$out" | awk '/^Rate:/ {print $2; exit}')
	drops=$(echo "$out" | awk '/^drops ratio:/ {r=$3} END {print r}') # the last exchange's (REQUEST-ACK for dora)
	hwm=$(awk '/VmHWM/ {printf "%.1f MiB", $2/1024}' "/proc/$pid/status" 2>/dev/null || echo "?")
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	if [ "$load" = dora ]; then
		# No lease file (a server that crashed or wrote none) counts 0
		# rather than ending the run under pipefail.
		leases=$( { cat "$dir"/*.leases 2>/dev/null || true; } | { grep -o '198\.1[89]\.[0-9]*\.[0-9]*' || true; } | sort -u | wc -l)
	fi
	local replies=$(((s1[1] - s0[1]) / DURATION))
	sum[$load,$name]="${sum[$load,$name]:-} ${rate:-0}"
	sent[$load,$name]="${sent[$load,$name]:-} $replies"
	printf '  %-5s %-14s %10s/s %8s/s %10s %%  %7s %7s   %6s   %s\n' "$load" "$name" "${rate:-?}" "$replies" "${drops:-?}" \
		$((s1[2] - s0[2])) $((c1[2] - c0[2])) "$leases" "$hwm"
}

for r in $(seq "$ROUNDS"); do
	echo "round $r ($DURATION s a run, $CLIENTS clients, every DISCOVER asks for 108; load average $(cut -d' ' -f1-3 /proc/loadavg)):"
	printf '  %-5s %-14s %12s %10s %12s  %7s %7s   %6s   %s\n' load server rate sent drops srvdrop clidrop leases "peak RSS"
	for load in $LOADS; do
		for name in $SERVERS; do
			case $name in
			v6only-server)
				leases=""
				[ "$load" = dora ] && leases=$dir/v6only-server.leases
				run "$load" v6only-server "$dir/v6only-server" -i eth0 -range 198.18.1.0-198.19.255.250 -router 198.18.0.1 \
					-mask 15 -v6only-wait 1800 -quiet -leases "$leases" ;;
			kea) run "$load" kea kea-dhcp4 -c "$dir/kea.conf" ;;
			dnsmasq) run "$load" dnsmasq dnsmasq -k -C "$dir/dnsmasq.conf" ;;
			esac
		done
	done
done

# The ratios of our means to each peer's, per load: of perfdhcp's rate
# (capped by perfdhcp itself when it drops replies: clidrop) and of the
# replies the server sent.
mean() { echo "$1" | awk '{s=0; for (i=1; i<=NF; i++) s+=$i; printf "%.0f", NF ? s/NF : 0}'; }
echo "mean over $ROUNDS rounds (perfdhcp's rate / replies sent), and v6only-server's ratios to each peer:"
for load in $LOADS; do
	line="  $load:"
	for name in $SERVERS; do
		line+=" $name $(mean "${sum[$load,$name]:-0}")/$(mean "${sent[$load,$name]:-0}")"
	done
	for name in $SERVERS; do
		[ "$name" = v6only-server ] && continue
		line+=$(awk -v a="$(mean "${sum[$load,v6only-server]:-0}")" -v b="$(mean "${sum[$load,$name]:-0}")" \
			-v c="$(mean "${sent[$load,v6only-server]:-0}")" -v d="$(mean "${sent[$load,$name]:-0}")" -v n="$name" \
			'BEGIN {if (b > 0 && d > 0) printf ", ×%.2f/×%.2f %s", a/b, c/d, n}')
	done
	echo "$line"
done
