# pgmig: PGXS build of the extension, plus the project's top-level entry points.
#   make            build the extension and the client
#   make install    install both (extension into PostgreSQL, client into $(PREFIX)/bin)
#   make test       the whole test suite against throwaway clusters (ends with "N passed, N failed")
#   make demo       a throwaway cluster with examples/ deployed; make demo-stop stops it
#   make bench      the performance benchmark (docs/performance.md)

EXTENSION  = pgmig
EXTVERSION = 0.2.0
MODULE_big = pgmig
OBJS       = $(patsubst %.cpp,%.o,$(wildcard extension/src/*.cpp common/*.cpp))
DATA       = $(wildcard extension/pgmig--*.sql)
PGFILEDESC = "pgmig - schema migrations inside PostgreSQL"

# pg_regress tests of the SQL API, in order (sql/ -> expected/)
REGRESS = install versions upload apply_basic apply_errors transactions rollback status \
          plan_baseline split nontransactional checksum search_path privileges pg_boundary \
          hostile references security_dml security_uploader security_nontx security_args security_log broken_down repair
REGRESS_OPTS = --load-extension=pgmig
# TAP tests (PostgreSQL::Test::Cluster): dump/restore, crash
TAP_TESTS = 1
PROVE_TESTS = test/t/*.pl
# isolation specs (test/isolation/specs -> test/isolation/expected)
ISOLATION = concurrent_apply apply_vs_rollback status_during_apply repeatable_read \
            references_concurrent
ISOLATION_OPTS = --inputdir=test/isolation --load-extension=pgmig

PG_CONFIG ?= pg_config
PREFIX    ?= /usr/local
BUILD_DIR ?= build
# extra CMake options for the client, e.g. CMAKE_FLAGS=-DPGMIG_STATIC_LIBPQ=OFF (README, Installing)
CMAKE_FLAGS ?=

PG_CPPFLAGS += -Iextension/src -Icommon -DPGMIG_VERSION='"$(EXTVERSION)"'
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

.PHONY: client install-client test demo demo-stop bench lint check-version deps clean-client

all: client

client:
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD_DIR) -j2

install: install-client

install-client: client
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BUILD_DIR)/client/pgmig $(DESTDIR)$(PREFIX)/bin/pgmig

check-version:
	@grep -q "default_version = '$(EXTVERSION)'" pgmig.control || { echo "pgmig.control default_version != $(EXTVERSION)"; exit 1; }
	@test -f extension/pgmig--$(EXTVERSION).sql || { echo "missing extension/pgmig--$(EXTVERSION).sql"; exit 1; }

deps:
	@bash scripts/setup.sh

test: check-version
	@bash scripts/test.sh

demo:
	@bash scripts/demo.sh start

demo-stop:
	@bash scripts/demo.sh stop

bench:
	@bash test/bench/run.sh

lint:
	@bash scripts/lint.sh

clean: clean-client
clean-client:
	rm -rf $(BUILD_DIR) $(OBJS:.o=.d)

# `make print-REGRESS` etc.: lets scripts read the test lists from this file
print-%:
	@echo $($*)
