// The client's reading of index statements before resuming a non-transactional migration
// (resume_check.cpp): CREATE/DROP INDEX CONCURRENTLY behind comments, quoted names, IF [NOT]
// EXISTS, ONLY.
#include "fuzz.hpp"
#include "resume_check.hpp"

using namespace mig::client;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    std::string text = mig::fuzz::text_of(data, size);
    if (auto s = parse_index_statement(text)) {
        FUZZ_CHECK(!s->index.empty());
        FUZZ_CHECK(s->kind != IndexStatement::CreateConcurrently || !s->table.empty());
    }
    return 0;
}
