# asgsim: the two commands a newcomer types are `make demo` and `make test`.
# Both install any missing Debian packages first (as root; otherwise they print the command).

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
# The demo replays a real week (WorldCup98) on a target-tracking group: it scales out for
# every match and in after it.
DEMO       ?= scenarios/worldcup98-week.yaml
DEMO_OUT   ?= out/demo
PREFIX     ?= /usr/local

# Everything the project needs from Debian: build, tests (h5py check), plots, MPI sweeps and
# the README's Python recipes (h5py, pandas).
PACKAGES := cmake gcc make pkg-config libgsl-dev libyaml-dev libhdf5-dev hdf5-tools \
            gnuplot-nox check libopenmpi-dev openmpi-bin python3-h5py python3-pandas

# MPI is built when Open MPI is present; mpirun as root needs these flags (ecosystem.md §7.4).
# Decided by the shell when the build is configured, after `deps` has installed Open MPI: a
# make-time test would see a fresh machine without it and configure the build without MPI.
MPI_FLAGS = $$(if [ -x /usr/bin/mpicc ]; then \
              echo '-DASGSIM_MPI=ON -DMPIEXEC_PREFLAGS=--allow-run-as-root;--oversubscribe'; \
              else echo -DASGSIM_MPI=OFF; fi)

FUZZ_BUILD    ?= build-fuzz
VALGRIND_BUILD ?= build-valgrind
# Benchmarks build apart, with full optimisation (-O3, no -march: results stay portable).
BENCH_BUILD   ?= build-bench
# make fuzz runs each harness in FUZZ_TARGETS for FUZZ_SECONDS (4 x 30 s by default).
FUZZ_SECONDS  ?= 30
FUZZ_TARGETS  ?= scenario trace settings sweep
# Extra packages for the robustness targets only: libFuzzer (clang's runtime) and valgrind.
FUZZ_PACKAGES := clang libclang-rt-14-dev
VALGRIND_PACKAGES := valgrind

.PHONY: all deps install install-packages build test test-sanitize test-valgrind fuzz demo bench clean format format-check help

all: build

help:
	@echo "make demo           install packages, build, run $(DEMO), write $(DEMO_OUT)/ and PNGs in $(DEMO_OUT)/plots/"
	@echo "make test           install packages, build, run every test (CTest)"
	@echo "make test-sanitize  the same tests in an ASan + UBSan build ($(ASAN_BUILD)/)"
	@echo "make bench          optimised build ($(BENCH_BUILD)/), then engine, scenario, sweep and fleet figures"
	@echo "make test-valgrind  scenarios and unit suites under valgrind ($(VALGRIND_BUILD)/)"
	@echo "make fuzz           libFuzzer on scenarios, traces, settings and sweep files, FUZZ_SECONDS each (30)"
	@echo "make format         clang-format every C file in place"
	@echo "make install        build, then install bin/asgsim and share/asgsim/plots under PREFIX"
	@echo "                    (default /usr/local; DESTDIR is honoured)"

deps:
	@$(MAKE) --no-print-directory install-packages WANT="$(PACKAGES)"

# install-packages WANT="...": install what is missing (as root), else print the command.
install-packages:
	@missing=""; \
	for p in $(WANT); do \
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

# The plot scripts go to PREFIX/share/asgsim/plots, where the installed asgsim finds them.
install: build
	DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix "$(PREFIX)"

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

$(ASAN_BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DASGSIM_SANITIZE=ON -DASGSIM_MPI=OFF

test-sanitize: deps $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=15

$(VALGRIND_BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(VALGRIND_BUILD) -DCMAKE_BUILD_TYPE=Debug -DASGSIM_MPI=OFF

test-valgrind: deps $(VALGRIND_BUILD)/CMakeCache.txt
	@$(MAKE) --no-print-directory install-packages WANT="$(VALGRIND_PACKAGES)"
	cmake --build $(VALGRIND_BUILD) -j $(JOBS)
	bash tests/valgrind.sh $(VALGRIND_BUILD)

# Each harness starts from its seeds in tests/fuzz/corpus/<target> (the scenario one also from
# every scenario and bad case in the repository), the YAML ones with the keys asgsim knows
# (tests/fuzz/yaml.dict); the corpus grows in $(FUZZ_BUILD)/corpus/,
# and a crash, leak or timeout input is written to $(FUZZ_BUILD)/crashes/<target>/. Keep a
# fixed one in tests/fuzz/crashes/<target>/: the fuzz_replay_* tests replay it in every build.
fuzz: deps
	@$(MAKE) --no-print-directory install-packages WANT="$(FUZZ_PACKAGES)"
	@# -Werror as in every build: the tree compiles clean with clang's warnings too.
	@test -f $(FUZZ_BUILD)/CMakeCache.txt || cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=clang \
	    -DASGSIM_FUZZ=ON -DASGSIM_BUILD_TESTS=OFF -DASGSIM_MPI=OFF \
	    -DCMAKE_BUILD_TYPE=Debug
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	@mkdir -p $(addprefix $(FUZZ_BUILD)/corpus/,$(FUZZ_TARGETS)) \
	    $(addprefix $(FUZZ_BUILD)/crashes/,$(FUZZ_TARGETS))
	$(if $(filter scenario,$(FUZZ_TARGETS)),@cp scenarios/*.yaml tests/data/bad/* tests/data/*.yaml \
	    $(FUZZ_BUILD)/corpus/scenario/)
	@failed=""; for t in $(FUZZ_TARGETS); do \
	  cp tests/fuzz/corpus/$$t/* $(FUZZ_BUILD)/corpus/$$t/ 2>/dev/null; \
	  echo "== fuzz_$$t: $(FUZZ_SECONDS) s"; \
	  dict=-dict=tests/fuzz/yaml.dict; [ $$t = trace ] && dict=; \
	  ./$(FUZZ_BUILD)/tests/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=8192 \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 $$dict \
	    -artifact_prefix=$(FUZZ_BUILD)/crashes/$$t/ $(FUZZ_BUILD)/corpus/$$t || failed="$$failed $$t"; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: findings in:$$failed (see $(FUZZ_BUILD)/crashes/)"; exit 1; fi

demo: build
	@mkdir -p $(DEMO_OUT)
	$(BUILD)/asgsim run $(DEMO) -o $(DEMO_OUT)/run.h5
	@echo "asgsim: trace written to $(DEMO_OUT)/run.h5 (try: h5ls -r $(DEMO_OUT)/run.h5)"
	$(BUILD)/asgsim report $(DEMO_OUT)/run.h5
	$(BUILD)/asgsim plot $(DEMO_OUT)/run.h5 -o $(DEMO_OUT)/plots -q
	@echo "asgsim: the load moves and the group follows: see capacity.png (instances against load),"
	@echo "  activities.png (every scale-out and scale-in) and cost.png (what it cost, hour by hour)"
	@echo "asgsim: figures written to $(DEMO_OUT)/plots/:"
	@ls -1 $(DEMO_OUT)/plots/*.png | sed 's/^/  /'
	@echo "asgsim: data and gnuplot scripts are beside them (re-draw: cd $(DEMO_OUT)/plots && gnuplot capacity.gp)"

$(BENCH_BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BENCH_BUILD) -DCMAKE_BUILD_TYPE=Release -DASGSIM_BUILD_TESTS=OFF -DASGSIM_MPI=OFF

bench: deps $(BENCH_BUILD)/CMakeCache.txt
	cmake --build $(BENCH_BUILD) -j $(JOBS) --target asgsim bench_engine
	taskset -c 1 $(BENCH_BUILD)/bench_engine 2>/dev/null || $(BENCH_BUILD)/bench_engine
	bash bench/scenario_figures.sh $(BENCH_BUILD)/asgsim bench/year-100.yaml bench/requests.yaml
	bash bench/sweep_throughput.sh $(BENCH_BUILD)/asgsim bench/sweep-bench.yaml
	bash bench/fleet_figures.sh $(BENCH_BUILD)/asgsim scenarios/diurnal-target-tracking.yaml bench/year-100.yaml

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run -Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(VALGRIND_BUILD) $(BENCH_BUILD)
