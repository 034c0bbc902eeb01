# asgsim: the two commands a newcomer types are `make demo` and `make test`.
# Both install any missing Debian packages first (as root; otherwise they print the command).

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
DEMO       ?= scenarios/web-basic.yaml
DEMO_OUT   ?= out/demo

# Everything the project needs from Debian: build, tests (h5py check), plots and MPI sweeps.
PACKAGES := cmake gcc make pkg-config libgsl-dev libyaml-dev libhdf5-dev hdf5-tools \
            gnuplot-nox check libopenmpi-dev openmpi-bin python3-h5py

# MPI is built when Open MPI is present; mpirun as root needs these flags (ecosystem.md §7.4).
MPI_FLAGS := $(if $(wildcard /usr/bin/mpicc),-DASGSIM_MPI=ON \
              "-DMPIEXEC_PREFLAGS=--allow-run-as-root;--oversubscribe",-DASGSIM_MPI=OFF)

.PHONY: all deps build test test-sanitize demo bench clean format format-check help

all: build

help:
	@echo "make demo           install packages, build, run $(DEMO), write $(DEMO_OUT)/"
	@echo "make test           install packages, build, run every test (CTest)"
	@echo "make test-sanitize  the same tests in an ASan + UBSan build ($(ASAN_BUILD)/)"
	@echo "make bench          sweep throughput (runs/s) with 1 and 2 workers"
	@echo "make format         clang-format every C file in place"

deps:
	@missing=""; \
	for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "asgsim: installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "asgsim: missing Debian packages:$$missing"; \
	    echo "asgsim: run this as root, then run make again:"; \
	    echo "  apt-get update && apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(MPI_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

$(ASAN_BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DASGSIM_SANITIZE=ON -DASGSIM_MPI=OFF

test-sanitize: deps $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

demo: build
	@mkdir -p $(DEMO_OUT)
	$(BUILD)/asgsim run $(DEMO) -o $(DEMO_OUT)/run.h5
	@echo "asgsim: trace written to $(DEMO_OUT)/run.h5 (try: h5ls -r $(DEMO_OUT)/run.h5)"

bench: build
	bash bench/sweep_throughput.sh $(BUILD)/asgsim bench/sweep-bench.yaml

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run -Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
