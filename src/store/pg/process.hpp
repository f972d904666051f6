#pragma once
/// Running PostgreSQL's command-line tools (initdb, pg_ctl) as child processes:
/// fork + exec with an argument vector (never a shell), optionally as another
/// user, capturing what they print.

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace carnet::store::pg {

/// An unprivileged account to run a child as, resolved once in the parent:
/// after fork() only async-signal-safe calls are allowed, so the group list
/// that initgroups() would read from /etc/group is looked up beforehand.
struct RunAs {
  std::string name;            ///< user name, for messages
  uid_t uid = 0;               ///< numeric user id
  gid_t gid = 0;               ///< primary group
  std::vector<gid_t> groups;   ///< supplementary groups (getgrouplist), primary included
  std::filesystem::path home;  ///< the account's home folder, exported as HOME
};

/// Looks up `user` in the password database. Returns std::nullopt when there is
/// no such account. Thread-safe (getpwnam_r).
std::optional<RunAs> lookup_user(const std::string& user);

/// What a finished child left behind.
struct ProcessResult {
  int exit_code = -1;  ///< exit status, or 128 + signal number when killed by a signal
  std::string output;  ///< stdout and stderr interleaved, as the tool printed them
};

/// Runs `program` (an absolute path) with `args` (argv[1..]) and waits for it.
/// When `run_as` is set and the process runs as root, the child drops to that
/// user (setgroups, setgid, setuid) and starts in "/" — a root-only working
/// folder would otherwise make some tools complain. Other open descriptors are
/// not inherited. Reading stops once the child has exited even if a grandchild
/// (e.g. the postmaster) still holds the output pipe.
/// The child inherits this process's environment, plus each `default_env`
/// entry ("NAME=value") whose NAME that environment does not set.
/// Thread-safe as far as fork() is (no locks are taken in the child).
/// Throws std::system_error when the process cannot be created or exec fails.
ProcessResult run_process(const std::filesystem::path& program, const std::vector<std::string>& args,
                          const std::optional<RunAs>& run_as = std::nullopt,
                          const std::vector<std::string>& default_env = {});

}  // namespace carnet::store::pg
