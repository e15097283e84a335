// error_codes.hpp: pgmig's own SQLSTATEs, named, for the extension (which raises them) and the
// client (which maps them to exit codes). The table of what each means and what to do is
// docs/troubleshooting.md ("pgmig's SQLSTATEs"); PL/pgSQL in the install script spells them as
// literals ('PM006', ...). Pure C++: no PostgreSQL header.
#pragma once
#ifdef POSTGRES_H
static_assert(false, "common/ headers come before PostgreSQL's (docs/architecture.md)");
#endif

namespace mig::sqlstate {

inline constexpr char kAppliedChanged[] = "PM001";       // script of an applied migration changed
inline constexpr char kDuplicateVersion[] = "PM002";     // same version, another name
inline constexpr char kNoDownScript[] = "PM003";         // a migration to roll back has no down
inline constexpr char kNonTransactional[] = "PM004";     // cannot run inside mig.apply / rollback
inline constexpr char kInvalidVersion[] = "PM005";       // not a version string
inline constexpr char kUnknownVersion[] = "PM006";       // no migration of that version
inline constexpr char kNotVouched[] = "PM007";           // another role's SQL, not vouched for
inline constexpr char kUnsupportedStatement[] = "PM008"; // COPY FROM STDIN / TO STDOUT
inline constexpr char kLockNotAvailable[] = "PM009";     // the deploy lock, within lock_timeout
inline constexpr char kPendingChanged[] = "PM010";       // a pending migration's script changed
inline constexpr char kCalledFromMigration[] = "PM011";  // pgmig called from migration SQL
inline constexpr char kStoredScriptChanged[] = "PM012";  // a stored script != its checksum
inline constexpr char kBrokenDownScript[] = "PM013";     // the down script to run does not parse
inline constexpr char kNotApplied[] = "PM014";           // repair: the migration is not applied
inline constexpr char kStatementsChanged[] = "PM015";    // repair: more than comments/whitespace
inline constexpr char kAlreadyApplied[] = "PM016"; // discard: the migration is (being) applied


// Not errors: the codes of the NOTICEs that name each migration as it starts and ends, sent when
// pgmig.progress is on (the client sets it for its deploys; docs/sql-api.md, "Settings").
inline constexpr char kProgressStart[] = "PM900";
inline constexpr char kProgressEnd[] = "PM901";

} // namespace mig::sqlstate
