// Copies of this runner started as child processes (the coordinator's workers, the test lister)
// and watched to their end: started with posix_spawn, their output in a file, their end seen on a
// pidfd, killed at a deadline. A runner cannot run two tests in one process (it is the
// subreaper of each test's processes), so whatever runs tests beside it is a copy of itself.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "timeouts.hpp"
#include "unique_fd.hpp"

namespace startjoin::conformance {

/// The running executable, even if a rebuild has replaced the file since it started.
inline constexpr const char* self_executable = "/proc/self/exe";

/// A directory of our own (under $TMPDIR, else /tmp) for the copies' output and reports,
/// removed with everything in it.
class temporary_directory {
  public:
    temporary_directory();
    ~temporary_directory();
    temporary_directory(const temporary_directory&) = delete;
    temporary_directory& operator=(const temporary_directory&) = delete;
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

/// A child of ours, running this executable.
struct child {
    pid_t pid = -1;
    unique_fd pidfd;  ///< readable once the child has ended; never confused with a reused pid
};

/// Starts this executable with `arguments` (argv, from argv[0]) and `environment`, its stdin
/// /dev/null and its stdout and stderr in the file `output`.
child spawn_self(const std::vector<std::string>& arguments,
                 const std::vector<std::string>& environment, const std::filesystem::path& output);

/// Reaps `process`, which has ended (its pidfd is readable), and returns its wait status.
int reap(const child& process);

/// Waits for `process` to end until `deadline`; past it, kills it and waits timeouts::exit()
/// more. The wait status, or none if even SIGKILL did not end it in time.
std::optional<int> wait_or_kill(const child& process, clock::time_point deadline);

/// "exited with status N" or "was killed by signal N (name)", for messages.
std::string how_it_ended(int status);

/// Whether command-line flag `flag` is GoogleTest's --gtest_NAME (in any of its spellings).
bool gtest_flag_is(const std::string& flag, const std::string& name);

/// The environment of a copy: ours, with RC_PARAMS set to `rc_params` if given, and without
/// sharding variables: a worker's batch is part of the run's shard already, and sharding it
/// again would drop tests.
std::vector<std::string> environment_with(const std::optional<std::string>& rc_params);

/// The whole contents of the file at `path` (empty if it cannot be read).
std::string read_text(const std::filesystem::path& path);

}  // namespace startjoin::conformance
