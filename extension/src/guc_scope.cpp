// guc_scope.cpp: what PG17's RestrictSearchPath() does, with PG15 calls. PG zone.
#include "guc_scope.hpp"

namespace mig {

int restrict_search_path() {
    int nest = NewGUCNestLevel();
    (void)set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
                            GUC_ACTION_SAVE, true, 0, false);
    return nest;
}

void restore_search_path(int nest) {
    AtEOXact_GUC(true, nest);
}

} // namespace mig
