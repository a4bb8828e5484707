# Two commands on a fresh machine: `make run` and `make test`. Both need only the .NET 10 SDK; dotnet restores
# every package on first use.
SHELL := /bin/bash
DOTNET ?= dotnet
CONFIG ?= Release
ARGS ?=
# The smallest gen0 budget, 64 MB: the runtime's own on a small machine collects gen0 so often that the order path
# sustained a third fewer orders (docs/benchmarks.md, "GC budget"). Only the environment sets it (not runtimeconfig).
export DOTNET_GCgen0size ?= 0x4000000

.PHONY: run run-cluster test build bench bench-loop clean images images-gpu

run:
	$(DOTNET) run --project src/AiTrading.Cli -c $(CONFIG) -- run $(ARGS)

# N silos (SILOS=3) and the gateway as separate processes on loopback, on PostgreSQL: a throwaway local server, or
# the one AITRADING__ConnectionStrings__Postgres names. ARGS go to the silos.
run-cluster:
	SILOS=$(or $(SILOS),3) CONFIG=$(CONFIG) ARGS="$(ARGS)" scripts/run-cluster.sh

build:
	$(DOTNET) build AiTrading.sln -c $(CONFIG)

# Runs every test project and ends with one summary line: "N passed, N failed".
test:
	@set -o pipefail; \
	$(DOTNET) test AiTrading.sln -c $(CONFIG) 2>&1 | tee .test-output.log; status=$$?; \
	awk -F'[:,]' '/^(Passed|Failed)!/ { for (i = 1; i <= NF; i++) { if ($$i ~ /Passed$$/) p += $$(i+1); if ($$i ~ /Failed$$/) f += $$(i+1) } } \
	    END { printf "%d passed, %d failed\n", p, f }' .test-output.log; \
	rm -f .test-output.log; exit $$status

# The whole-loop load driver of issue 2 (ticks/s and tick→fill latency, with its breakdown; the last line is
# `loop: ticks_per_s=… p50_ms=… p99_ms=… paced=…`). `make bench ARGS="orders 20 1000 64"`
# drives manual orders over gRPC (issue 4; last line `orders: sustained=… p50_ms=… p99_ms=… paced=…`, add `direct` to
# skip the gateway), `make bench ARGS=risk` times the pre-trade check call by call,
# `make bench ARGS="kafka 1"` / `"kafka 3"` measures events/s from Kafka (mock cluster) into grains with 1 or 3 silos.
# `make bench ARGS="soak MINUTES RATE"` runs the whole loop at RATE ticks/s for MINUTES and prints the resident-memory
# slope after warm-up (the first 5 minutes, or the first sixth of a shorter run).
bench-loop:
	$(DOTNET) run --project bench/AiTrading.Bench -c Release -- loop $(ARGS)

bench:
	$(DOTNET) run --project bench/AiTrading.Bench -c Release -- $(ARGS)

clean:
	$(DOTNET) clean AiTrading.sln

# The images the Helm chart runs (charts/aitrading/values.yaml): IMAGE_PREFIX/silo, IMAGE_PREFIX/gateway and, with
# `make images-gpu`, IMAGE_PREFIX/silo-gpu (the silo with CUDA libtorch, restored from the public NuGet feed), tagged
# IMAGE_TAG (default: the chart's appVersion), with docker, else podman.
IMAGE_PREFIX ?= aitrading
IMAGE_TAG ?= $(shell sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$$/\1/p' charts/aitrading/Chart.yaml)
GPU_TORCH_PACKAGE ?= libtorch-cuda-12.8-linux-x64
CONTAINER_ENGINE ?= $(shell command -v docker 2>/dev/null || command -v podman 2>/dev/null)
define require_engine
	@if [ -z "$(CONTAINER_ENGINE)" ]; then echo "error: neither docker nor podman is installed" >&2; exit 2; fi
	@if ! $(CONTAINER_ENGINE) info >/dev/null 2>&1; then \
	    echo "error: $(CONTAINER_ENGINE) cannot reach its engine (is the daemon running?)" >&2; exit 2; fi
endef
images:
	$(require_engine)
	$(CONTAINER_ENGINE) build -f Dockerfile.silo -t $(IMAGE_PREFIX)/silo:$(IMAGE_TAG) .
	$(CONTAINER_ENGINE) build -f Dockerfile.gateway -t $(IMAGE_PREFIX)/gateway:$(IMAGE_TAG) .

images-gpu:
	$(require_engine)
	$(CONTAINER_ENGINE) build -f Dockerfile.silo --build-arg TORCH_PACKAGE=$(GPU_TORCH_PACKAGE) -t $(IMAGE_PREFIX)/silo-gpu:$(IMAGE_TAG) .
