// What the driver can observe about its own process through /proc, for the `count_fds` and
// `zombies` ops (spec/protocol.md).
#pragma once

#include <sys/types.h>

#include <vector>

namespace startjoin::adapter::detail {

/// The number of descriptors open in this process, not counting the one used to list them.
/// Throws std::system_error.
int count_open_fds();

/// The pids of this process's children that are zombies (terminated, not yet reaped), in
/// ascending order. Throws std::system_error.
std::vector<pid_t> zombie_children();

}  // namespace startjoin::adapter::detail
