// Exit codes and the exceptions that carry them to main().
#pragma once
#include <stdexcept>
#include <string>

namespace mig::client {

enum ExitCode : int {
    EXIT_OK = 0,
    EXIT_MIGRATION_FAILED = 1, // a migration's SQL failed
    EXIT_USAGE = 2,            // usage or input error (bad files, edited applied migration, ...)
    EXIT_CONNECT = 3,          // cannot connect, or the deploy lock was not obtained in time
    EXIT_NOT_UP_TO_DATE = 4,   // status --exit-code: something to do or to look at
    EXIT_FLAGGED = 4,          // up --dry-run --fail-on: a statement has a flag of the list
    EXIT_NOT_VERIFIED = 5,     // verify: a down script does not restore the schema
};

// Thrown to end the program with a code; the message (if any) has already been printed.
struct Exit {
    int code;
};

// Bad input (files, arguments, configuration): exit code 2, message printed by main().
class InputError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Cannot connect / lock not obtained: exit code 3.
class ConnectError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

} // namespace mig::client
