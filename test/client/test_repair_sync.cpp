// The comparison that `up` makes before the ways out (docs/troubleshooting.md, "Ways out"): a
// down file added to an applied migration that had none is stored (not drift), a changed one
// is drift naming `pgmig repair --down V`, an edited up script names `pgmig repair V`, and a
// pending migration no file has is set aside for the missing-file check. Pure: no server.
#include "errors.hpp"
#include "errors_report.hpp"
#include "layouts/layout.hpp"
#include "sha256.hpp"
#include "sync.hpp"
#include "tmpdir.hpp"

#include <gtest/gtest.h>

using namespace mig::client;

namespace {

ServerRow row(const char *v, const char *state, const std::string &up,
              std::optional<std::string> down) {
    ServerRow r;
    r.version = v;
    r.name = "m";
    r.state = state;
    r.kind = "versioned";
    r.checksum = sha256_hex(up);
    if (down)
        r.down_checksum = sha256_hex(*down);
    return r;
}

} // namespace

TEST(RepairSync, AddedDownFileOfAnAppliedMigrationIsStoredNotDrift) {
    TmpDir d;
    d.write("1_m.up.sql", "CREATE TABLE a ();\n");
    d.write("1_m.down.sql", "DROP TABLE a;\n");
    Folder f = load_folder(d.path());
    std::vector<ServerRow> status{row("1", "applied", "CREATE TABLE a ();\n", std::nullopt)};
    SyncPlan p = compute_sync(f, status);
    EXPECT_TRUE(p.drift.empty());
    ASSERT_EQ(p.add_down.size(), 1u);
    EXPECT_EQ(p.add_down[0].second->version, "1");
    EXPECT_TRUE(p.upload.empty());
}

TEST(RepairSync, ChangedDownOrUpIsDriftNamingRepair) {
    TmpDir d;
    d.write("1_m.up.sql", "CREATE TABLE a ();\n");
    d.write("1_m.down.sql", "DROP TABLE IF EXISTS a;\n");
    d.write("2_n.up.sql", "-- reviewed\nCREATE TABLE b ();\n");
    Folder f = load_folder(d.path());
    std::vector<ServerRow> status{row("1", "applied", "CREATE TABLE a ();\n", "DROP TABLE a;\n"),
                                  row("2", "applied", "CREATE TABLE b ();\n", std::nullopt)};
    SyncPlan p = compute_sync(f, status);
    EXPECT_TRUE(p.add_down.empty());
    ASSERT_EQ(p.drift.size(), 2u);
    EXPECT_NE(p.drift[0].find("pgmig repair --down 1"), std::string::npos) << p.drift[0];
    EXPECT_NE(p.drift[1].find("pgmig repair 2"), std::string::npos) << p.drift[1];
}

TEST(RepairSync, AnEditedUpWithAnAddedDownIsDriftNotAStoredDown) {
    TmpDir d;
    d.write("1_m.up.sql", "CREATE TABLE a (id int);\n");
    d.write("1_m.down.sql", "DROP TABLE a;\n");
    Folder f = load_folder(d.path());
    std::vector<ServerRow> status{row("1", "applied", "CREATE TABLE a ();\n", std::nullopt)};
    SyncPlan p = compute_sync(f, status);
    EXPECT_TRUE(p.add_down.empty());
    EXPECT_EQ(p.drift.size(), 1u);
}

TEST(RepairSync, PendingWithoutAFileIsSetAsideForTheMissingFileCheck) {
    TmpDir d;
    d.write("1_m.up.sql", "CREATE TABLE a ();\n");
    d.write("3_o.up.sql", "CREATE TABLE c ();\n");
    Folder f = load_folder(d.path());
    std::vector<ServerRow> status{row("1", "applied", "CREATE TABLE a ();\n", std::nullopt),
                                  row("2", "pending", "CREATE TABLE b ();\n", std::nullopt),
                                  row("3", "pending", "CREATE TABLE c ();\n", std::nullopt),
                                  row("4", "applied", "CREATE TABLE d ();\n", std::nullopt)};
    SyncPlan p = compute_sync(f, status);
    ASSERT_EQ(p.unpaired_pending.size(), 1u); // 3 has its file, 4 is applied
    EXPECT_EQ(p.unpaired_pending[0]->version, "2");
    EXPECT_TRUE(p.pending);
}

TEST(RepairSync, RepairAndDiscardRefusalsExitTwo) {
    for (const char *s : {"PM014", "PM015", "PM016"})
        EXPECT_EQ(exit_code_for(PgError("refused", s)), 2) << s;
}
