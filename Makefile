# v6kit — `make test` is what CI runs (.ci/run). See README.md.
GO        ?= go
FUZZTIME  ?= 30s
BENCHTIME ?= 1s
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
ROOT      := $(shell id -u 2>/dev/null | grep -qx 0 && echo yes)

.PHONY: test unit vet lint api units cross dist test-bigendian peers fuzz bench bench-discover bench-dhcp bench-lab clean-labs

## test: vet, staticcheck, the race-enabled unit tests with fuzz seeds and
## examples, and — as root — the interop tier against real peers, which must
## run: V6KIT_REQUIRE_PEERS=1 turns every "cannot run" skip into a failure.
ifeq ($(ROOT),yes)
test: vet lint api peers units test-bigendian
	V6KIT_REQUIRE_PEERS=1 $(GO) test -race -count=1 -timeout 60m ./...
else
test: vet lint api
	@echo "make test: not root: the interop tier will skip (run 'sudo make test' for all of it)"
	$(GO) test -race -count=1 -timeout 30m ./...
endif

## unit: the unprivileged tier only, as any user would run it.
unit:
	$(GO) test -count=1 ./...

vet:
	$(GO) vet ./...

lint:
	$(GO) run $(STATICCHECK) ./...

## api: the exported API against the newest release's api/v*.txt; an
## incompatible change fails unless CHANGELOG announces it under "Breaking".
api:
	$(GO) run ./internal/tools/apicheck

## units: systemd-analyze verify on contrib/systemd's service files.
units:
	bash scripts/check-units.sh

## test-bigendian: boot Debian's s390x kernel under qemu-system-s390x and
## check slaac.Linux against the addresses a big-endian kernel forms (~11 s
## once its kernel is cached in /var/cache/v6kit-bigendian).
test-bigendian:
	bash scripts/bigendian.sh

## cross: build and vet for the Pi and router CPUs; unprivileged tests
## under qemu-user for mips (big-endian), arm (GOARM=6) and arm64.
cross:
	bash scripts/cross.sh

## dist: stripped static reproducible binaries per platform in dist/, with
## SHA256SUMS and the multi-call v6kit binary (size budget checked).
dist:
	bash scripts/dist.sh

## peers: install the Debian packages the interop tests run (idempotent).
peers:
	bash scripts/install-peers.sh

## fuzz: every Fuzz target for FUZZTIME each (make fuzz FUZZTIME=5m).
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "== $$pkg $$f"; \
			$(GO) test -run='^$$' -fuzz="^$$f$$" -fuzztime=$(FUZZTIME) $$pkg; \
		done; \
	done

## bench: every benchmark, with allocations.
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -benchtime=$(BENCHTIME) ./...

## bench-discover: our scan beside nmap's multicast scripts and alive6 on a
## 9-node lab link, and on large generated links (as root).
bench-discover: peers
	$(GO) test -run='^$$' -bench='DiscoveryLab|DiscoveryLarge' -benchtime=1x -timeout 30m ./discover/

## bench-dhcp: v6only-server's offers/s beside Kea and dnsmasq under perfdhcp.
bench-dhcp: peers
	bash scripts/bench-dhcp.sh

## bench-lab: the whole examples/lab run, timed.
bench-lab:
	$(GO) build -o bin/lab ./examples/lab
	@for i in 1 2 3 4 5; do s=$$(date +%s%N); bin/lab -json >/dev/null || exit 1; \
		echo "lab run $$i: $$(( ($$(date +%s%N) - s) / 1000000 )) ms"; done

## clean-labs: remove every namespace a lab or test left behind (v6k-*).
clean-labs:
	@for ns in $$(ip netns list | awk '/^v6k-/ {print $$1}'); do \
		for pid in $$(ip netns pids $$ns); do kill -9 $$pid; done; \
		ip netns delete $$ns && echo "removed $$ns"; \
	done
