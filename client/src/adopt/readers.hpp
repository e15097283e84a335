// The functions of each tool's reader (one file per tool), collected in readers.cpp's table.
#pragma once
#include "adopt/adopt.hpp"

namespace mig::client::adopt {

// The tools that record one row per applied migration: column 0 of each row is the key,
// applied.
ToolHistory one_row_each(const Rows &rows);

ToolHistory golang_migrate_history(const Rows &rows, const Folder &f);
std::string golang_migrate_key(const Migration &m, const Folder &f);

std::string dbmate_key(const Migration &m, const Folder &f);

ToolHistory flyway_history(const Rows &rows, const Folder &f);
std::string flyway_key(const Migration &m, const Folder &f);
bool flyway_checksum_matches(const Migration &m, const std::string &recorded);

std::string diesel_key(const Migration &m, const Folder &f);

ToolHistory goose_history(const Rows &rows, const Folder &f);
std::string goose_key(const Migration &m, const Folder &f);

std::string sql_migrate_key(const Migration &m, const Folder &f);

std::string node_pg_migrate_key(const Migration &m, const Folder &f);

ToolHistory prisma_history(const Rows &rows, const Folder &f);
std::string prisma_key(const Migration &m, const Folder &f);
bool prisma_checksum_matches(const Migration &m, const std::string &recorded);

ToolHistory sqitch_history(const Rows &rows, const Folder &f);
std::string sqitch_key(const Migration &m, const Folder &f);
bool sqitch_checksum_matches(const Migration &m, const std::string &recorded);
// The %project of the folder's sqitch.plan ("" when none).
std::string sqitch_project(const Folder &f);

ToolHistory pop_history(const Rows &rows, const Folder &f);
std::string pop_key(const Migration &m, const Folder &f);

ToolHistory liquibase_history(const Rows &rows, const Folder &f);
std::string liquibase_key(const Migration &m, const Folder &f);

} // namespace mig::client::adopt
