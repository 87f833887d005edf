// Leaves no process behind: the runner is a child subreaper, so every descendant of a driver
// that loses its parent becomes the runner's child, and reap_all_children() kills and reaps them.
#pragma once

#include <string>
#include <vector>

#include "timeouts.hpp"

namespace startjoin::conformance {

/// Makes orphaned descendants of this process its children (PR_SET_CHILD_SUBREAPER).
void become_subreaper();

/// SIGKILLs and reaps every child of this process, and the children it inherits meanwhile,
/// until none is left or `deadline` passes. Returns a description of each process that could
/// not be reaped in time (empty on success).
std::vector<std::string> reap_all_children(clock::time_point deadline);

}  // namespace startjoin::conformance
