# SPDX-License-Identifier: GPL-2.0-or-later
# Top-level entry points: set-up, build, the main job and every test.
#
#   make            configure (if needed) and build $(BUILD)
#   make run        install missing packages, build, run the main job
#   make check      install missing packages, build and test everything:
#                   $(BUILD) (modules), $(ASAN_BUILD) (ASan+UBSan, leak
#                   checks), $(STATIC_BUILD) (modules linked in) and the
#                   out-of-tree module; ends with "N passed, N failed"
#   make fuzz       build $(ASAN_BUILD) and run each fuzz target for
#                   $(FUZZ_SECONDS) s (FUZZ_TARGETS: some only); prints
#                   runs and crashes per target
#   make soak       build $(BUILD) and run the KVM soak for $(SOAK_SECONDS)
#                   s (SOAK_SEED: that seed; SOAK_STEPS: that many steps)
#   make install    install $(BUILD) (DESTDIR respected)
#   make clean      remove build products, keep the configured directories
#   make distclean  remove the build directories
#
# The build directories can be moved: make BUILD=/tmp/b check ...

BUILD ?= build
ASAN_BUILD ?= build-asan
STATIC_BUILD ?= build-static
CONFIGURE_FLAGS ?=
# The sanitizer build uses clang (runtimes from libclang-rt-14-dev), so
# that make check also compiles everything with a second compiler.
ASAN_CONFIGURE_FLAGS ?= --cc=clang

MESON ?= meson
NINJA ?= ninja
MESON_TEST = $(MESON) test --print-errorlogs --num-processes 2
# The static build is there to prove that linking every module in works;
# the unit tests show that without repeating the slower suites.
STATIC_SUITES ?= --suite unit
# ASan/UBSan make the programs slower, and every subprocess test pays the
# sanitizer start-up and exit leak scan again (test-hostmem: 0.8 s plain,
# about a minute sanitized).
ASAN_TIMEOUT_MULTIPLIER ?= 10
# make fuzz: seconds per target, and which (default: every one built).
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?=
# make soak: how long (make check runs it for 60 s), and which seed
# (default: a new one, printed) or how many steps.
SOAK_SECONDS ?= 600
SOAK_SEED ?=
SOAK_STEPS ?=
SOAK_ARGS = --seconds $(SOAK_SECONDS) $(if $(SOAK_SEED),--seed $(SOAK_SEED)) \
            $(if $(SOAK_STEPS),--steps $(SOAK_STEPS))

SANITIZER_ENV = \
    ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 \
    LSAN_OPTIONS=print_suppressions=0 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c

.PHONY: all deps run check check-build check-asan check-static check-oot \
        fuzz soak install clean distclean help

all: $(BUILD)/build.ninja
	$(NINJA) -C $(BUILD)

help:
	@sed -n '4,18s/^# \{0,1\}//p' $(firstword $(MAKEFILE_LIST))

deps:
	@sh scripts/install-deps.sh

# Configure only a directory that is not configured yet: an existing one
# keeps whatever ./configure options it was given.  ninja re-runs meson by
# itself when a meson.build changes.
$(BUILD)/build.ninja:
	sh ./configure --builddir=$(BUILD) $(CONFIGURE_FLAGS)

$(ASAN_BUILD)/build.ninja:
	sh ./configure --builddir=$(ASAN_BUILD) --enable-sanitizers \
	    $(ASAN_CONFIGURE_FLAGS) $(CONFIGURE_FLAGS)

$(STATIC_BUILD)/build.ninja:
	sh ./configure --builddir=$(STATIC_BUILD) --disable-modules $(CONFIGURE_FLAGS)

# Sequential on purpose: packages first, then the build that needs them.
run:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all
	python3 scripts/main-job.py $(BUILD)

install: all
	$(MESON) install -C $(BUILD) --no-rebuild $(if $(DESTDIR),--destdir "$(DESTDIR)")

clean:
	@for d in $(BUILD) $(ASAN_BUILD) $(STATIC_BUILD); do \
	    if [ -f "$$d/build.ninja" ]; then $(NINJA) -C "$$d" clean; fi; \
	done

distclean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(STATIC_BUILD)

# One stage per build.  Each removes its old results first, so that a
# stage that no longer builds cannot report the last run's numbers.
check-build:
	@rm -f $(BUILD)/meson-logs/testlog.json
	@$(MAKE) --no-print-directory $(BUILD)/build.ninja
	$(NINJA) -C $(BUILD)
	$(MESON_TEST) -C $(BUILD) --no-rebuild

check-asan:
	@rm -f $(ASAN_BUILD)/meson-logs/testlog.json
	@$(MAKE) --no-print-directory $(ASAN_BUILD)/build.ninja
	$(NINJA) -C $(ASAN_BUILD)
	$(SANITIZER_ENV) $(MESON_TEST) -C $(ASAN_BUILD) --no-rebuild \
	    --timeout-multiplier $(ASAN_TIMEOUT_MULTIPLIER)

check-static:
	@rm -f $(STATIC_BUILD)/meson-logs/testlog.json
	@$(MAKE) --no-print-directory $(STATIC_BUILD)/build.ninja
	$(NINJA) -C $(STATIC_BUILD)
	$(MESON_TEST) -C $(STATIC_BUILD) --no-rebuild $(STATIC_SUITES)

# Run from here rather than from meson test: it installs $(BUILD) and
# builds against the installed files with pkg-config only, as a third
# party would, which a test inside that same build cannot do cleanly.
check-oot:
	@rm -f $(BUILD)/meson-logs/out-of-tree.log
	@$(MAKE) --no-print-directory all
	@mkdir -p $(BUILD)/meson-logs
	bash tests/out-of-tree/run.sh $(BUILD) 2>&1 | tee $(BUILD)/meson-logs/out-of-tree.log

# The fuzz targets of the clang build, for longer than make check runs
# them (tests/fuzz/meson.build: 20 s each).
fuzz:
	@$(MAKE) --no-print-directory $(ASAN_BUILD)/build.ninja
	$(NINJA) -C $(ASAN_BUILD)
	bash scripts/fuzz.sh $(ASAN_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The KVM soak (tests/kvm/soak-kvm.c) for longer than make check runs it,
# through meson test for the environment, without its timeout.
soak:
	@$(MAKE) --no-print-directory all
	$(MESON) test -C $(BUILD) --no-rebuild --verbose --timeout-multiplier 0 \
	    soak-kvm --test-args '$(SOAK_ARGS)'

# Every stage runs even when an earlier one failed, so that one run shows
# everything that is broken; the exit status is non-zero if any failed.
check:
	@$(MAKE) --no-print-directory deps
	@status=0; results=; \
	for stage in build oot asan static; do \
	    echo "==== make check-$$stage"; \
	    if $(MAKE) --no-print-directory check-$$stage; then rc=0; \
	    else rc=$$?; status=1; fi; \
	    results="$$results $$stage:$$rc"; \
	done; \
	python3 scripts/check-summary.py \
	    "build (modules):$(BUILD)/meson-logs/testlog.json" \
	    "oot (installed module):$(BUILD)/meson-logs/out-of-tree.log" \
	    "asan (ASan+UBSan+LSan):$(ASAN_BUILD)/meson-logs/testlog.json" \
	    "static (modules linked in):$(STATIC_BUILD)/meson-logs/testlog.json" \
	    -- $$results || status=1; \
	exit $$status
