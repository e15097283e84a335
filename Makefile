# pgmig: PGXS build of the extension, plus the project's top-level entry points.
#   make            build the extension and the client
#   make install    install both (extension into PostgreSQL, client into $(PREFIX)/bin)
#   make test       the whole test suite against throwaway clusters (ends with "N passed, N failed")
#   make demo       a throwaway cluster with examples/ deployed; make demo-stop stops it
#   make bench      the performance benchmark (docs/performance.md)
#   make fuzz       the parsers' libFuzzer targets, FUZZ_TIME seconds each (docs/fuzzing.md)
#   make valgrind   the regress suite against a server under Valgrind's memcheck (docs/fuzzing.md)
#   make test SANITIZE=1   the client's tests under ASan and UBSan (docs/testing.md)
#   make stress     the fault suite at full size (docs/reliability.md)

EXTENSION  = pgmig
# The one version source: the extension's (pgmig.control's default_version must match: make
# check-version), the client's `pgmig --version` (client/CMakeLists.txt reads this line), META.json
# and debian/changelog (test/package checks them).
EXTVERSION = 0.2.0
MODULE_big = pgmig

# The source tree: this Makefile's folder. A VPATH build (pg_buildext: `make -C build-15
# -f SRC/Makefile VPATH=SRC`) runs elsewhere; names of sources are then found through VPATH, and
# the objects go to the same relative paths under the build folder.
pgmig_src := $(patsubst %/,%,$(dir $(firstword $(MAKEFILE_LIST))))
ifneq ($(abspath $(pgmig_src)),$(abspath .))
VPATH ?= $(abspath $(pgmig_src))
$(shell mkdir -p extension/src common)
endif
OBJS       = $(patsubst $(pgmig_src)/%.cpp,%.o,$(wildcard $(pgmig_src)/extension/src/*.cpp $(pgmig_src)/common/*.cpp))
DATA       = $(patsubst $(pgmig_src)/%,%,$(wildcard $(pgmig_src)/extension/pgmig--*.sql))
PGFILEDESC = "pgmig - schema migrations inside PostgreSQL"

# pg_regress tests of the SQL API, in order (sql/ -> expected/)
REGRESS = install versions upload apply_basic apply_errors transactions rollback status \
          plan_baseline split nontransactional checksum search_path privileges pg_boundary \
          hostile references security_dml security_uploader security_nontx security_args security_log broken_down repair \
          dry_run lock_retry verify drift lease
REGRESS_OPTS = --load-extension=pgmig
# TAP tests (PostgreSQL::Test::Cluster): dump/restore, crash
TAP_TESTS = 1
PROVE_TESTS = test/t/*.pl
# isolation specs (test/isolation/specs -> test/isolation/expected)
ISOLATION = concurrent_apply apply_vs_rollback status_during_apply repeatable_read \
            references_concurrent dry_run_locks lock_retry_wait lock_retry_give_up drift_during_apply \
            verify_concurrent
ISOLATION_OPTS = --inputdir=test/isolation --load-extension=pgmig

PG_CONFIG ?= pg_config
PREFIX    ?= /usr/local
BUILD_DIR ?= build
# extra CMake options for the client, e.g. CMAKE_FLAGS=-DPGMIG_STATIC_LIBPQ=OFF (README, Installing)
CMAKE_FLAGS ?=
# what `make client` builds (debian/rules: --target pgmig, the binary alone)
CMAKE_BUILD_FLAGS ?=

PG_CPPFLAGS += -I$(pgmig_src)/extension/src -I$(pgmig_src)/common -DPGMIG_VERSION='"$(EXTVERSION)"'
PG_CXXFLAGS += -std=c++17 -Wall -Wextra -Wno-register -Wno-missing-field-initializers
ifdef WERROR
PG_CXXFLAGS += -Werror
endif
SHLIB_LINK += -lstdc++

# No LLVM bitcode for C++ sources (clang would need our C++ flags too).
override with_llvm = no

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS does not pass PG_CXXFLAGS to C++ compiles in every version; make sure it does.
override CXXFLAGS += $(PG_CXXFLAGS)

# header dependencies (like PostgreSQL's autodepend)
DEPFLAGS = -MMD -MP
override CXXFLAGS += $(DEPFLAGS)
-include $(OBJS:.o=.d)

.PHONY: client install-client install-client-docs test demo demo-stop bench fuzz valgrind stress lint \
        check-version deps clean-client

# PGMIG_CLIENT=no: the extension alone (debian/rules builds the client once, not per PostgreSQL)
PGMIG_CLIENT ?= yes
ifeq ($(PGMIG_CLIENT),yes)
all: client
install: install-client
endif

client:
	@cmake -S $(pgmig_src) -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD_DIR) -j2 $(CMAKE_BUILD_FLAGS)

# the binary, its man page and its bash and zsh completions (DESTDIR respected)
install-client: client install-client-docs
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BUILD_DIR)/client/pgmig $(DESTDIR)$(PREFIX)/bin/pgmig

install-client-docs:
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	    $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions
	install -m 644 $(pgmig_src)/man/pgmig.1 $(DESTDIR)$(PREFIX)/share/man/man1/pgmig.1
	install -m 644 $(pgmig_src)/completion/pgmig.bash \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions/pgmig
	install -m 644 $(pgmig_src)/completion/_pgmig $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions/_pgmig

check-version:
	@grep -q "default_version = '$(EXTVERSION)'" pgmig.control || { echo "pgmig.control default_version != $(EXTVERSION)"; exit 1; }
	@test -f extension/pgmig--$(EXTVERSION).sql || { echo "missing extension/pgmig--$(EXTVERSION).sql"; exit 1; }
	@grep -q '"version": "$(EXTVERSION)"' META.json || { echo "META.json version != $(EXTVERSION)"; exit 1; }
	@head -1 debian/changelog | grep -q "($(EXTVERSION)-" || { echo "debian/changelog version != $(EXTVERSION)"; exit 1; }

deps:
	@bash scripts/setup.sh

# SANITIZE=1: the client and its unit tests built with ASan and UBSan (scripts/test.sh)
SANITIZE ?= 0
test: check-version
	@SANITIZE=$(SANITIZE) bash scripts/test.sh

FUZZ_TIME ?= 60
fuzz:
	@bash test/fuzz/run.sh $(FUZZ_TIME)

valgrind:
	@bash test/valgrind/run.sh

demo:
	@bash scripts/demo.sh start

demo-stop:
	@bash scripts/demo.sh stop

bench:
	@bash test/bench/run.sh

# the fault suite at full size (docs/reliability.md; `make test` runs it reduced)
stress:
	@bash test/stress/run.sh --full

lint:
	@bash scripts/lint.sh

clean: clean-client
clean-client:
	rm -rf $(BUILD_DIR) $(OBJS:.o=.d)

# `make print-REGRESS` etc.: lets scripts read the test lists from this file
print-%:
	@echo $($*)
