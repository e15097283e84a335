#include "deploy_steps.hpp"

#include "trace.hpp"
#include "upload_stream.hpp"
#include "version.hpp"

#include <algorithm>

namespace mig::client {

const char *const kApplySql =
    "SELECT version, name, action, extract(epoch FROM duration) FROM mig.apply($1)";

namespace {

const char *const kPlanSql = "SELECT version, name, action, transactional, ends_transaction "
                             "FROM mig.plan($1)";

std::vector<PlanRow> read_plan(const Result &r) {
    std::vector<PlanRow> out;
    out.reserve(static_cast<size_t>(r.rows()));
    // columns looked up once (by name per row, this took ~2.7M instructions for 1,000 rows)
    const int v = r.col("version"), n = r.col("name"), a = r.col("action"),
              tx = r.col("transactional"), ends = r.col("ends_transaction");
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.str(i, v), r.str(i, n), r.str(i, a), r.flag(i, tx), r.flag(i, ends)});
    return out;
}

// What mig.plan(target) would return, from the uploads' own results (columns action, checksum,
// transactional, ends_transaction), when the server had nothing pending before them: the
// uploaded migrations up to target, in version order. nullopt when the batch needs the server's
// plan (it is more than one transaction): the plan's rows then decide where transactions end.
std::optional<std::vector<PlanRow>> plan_from_uploads(const UploadBuilder &ub,
                                                      const std::vector<Result> &rs,
                                                      const std::optional<std::string> &target) {
    std::vector<PlanRow> plan;
    const auto &sent = ub.sent();
    for (size_t k = 0; k < sent.size() && k < rs.size(); ++k)
        for (size_t row = 0; row < sent[k].size(); ++row) {
            const Migration &m = *sent[k][row].m;
            if (target && compare_versions(m.version, *target) > 0)
                continue;
            int i = static_cast<int>(row);
            plan.push_back({m.version, m.name, "apply", rs[k].flag(i, 2), rs[k].flag(i, 3)});
        }
    std::sort(plan.begin(), plan.end(), [](const PlanRow &a, const PlanRow &b) {
        return compare_versions(a.version, b.version) < 0;
    });
    if (!one_transaction(plan))
        return std::nullopt;
    return plan;
}

} // namespace

std::vector<PlanRow> upload_and_plan(Conn &c, Folder &f, const std::vector<UploadItem> &uploads,
                                     const std::optional<std::string> &target, bool own_plan) {
    if (uploads.empty())
        return read_plan(c.exec(kPlanSql, {target}));
    // Uploads are built one at a time as the pipeline sends them (bodies not in memory read
    // then): reading file i+1 overlaps the server's work on file i. mig.plan follows in the
    // same pipeline unless the plan comes from the uploads' results, or a big body must go by
    // COPY first.
    UploadBuilder ub(f, uploads);
    bool planned = false;
    auto rs = c.pipeline([&](size_t i) -> std::optional<Query> {
        if (i == 1) // query 0 is on its way (sent before query 1 is made)
            trace("upload: first call sent");
        if (auto q = ub.next())
            return q;
        if (planned || own_plan || !ub.streamed().empty())
            return std::nullopt;
        planned = true;
        return Query{kPlanSql, {target}};
    });
    ub.check(rs);
    for (size_t i = 0; i < ub.streamed().size(); ++i)
        upload_streamed(c, f, *ub.streamed()[i].m, ub.streamed()[i].replace, i == 0,
                        ub.streamed()[i].strict);
    if (own_plan && ub.streamed().empty())
        if (auto own = plan_from_uploads(ub, rs, target))
            return std::move(*own);
    return read_plan(planned ? rs.back() : c.exec(kPlanSql, {target}));
}

std::pair<bool, double> apply_repeatable(Conn &c, const Migration &r) {
    auto res = c.exec("SELECT action, extract(epoch FROM duration) "
                      "FROM mig.apply_repeatable($1, $2, $3::jsonb)",
                      {r.name, Param::ref(r.up_sql), nlohmann::json{{"file", r.up_file}}.dump()});
    return {res.str(0, 0) == "applied", res.number(0, 1)};
}

} // namespace mig::client
