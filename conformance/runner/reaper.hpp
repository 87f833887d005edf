// Leaves no process behind: the runner is a child subreaper, so every descendant of a driver
// that loses its parent becomes the runner's child, and reap_all_children() kills and reaps them.
#pragma once

#include <string>
#include <vector>

#include "timeouts.hpp"

namespace startjoin::conformance {

/// The parent of `pid` from /proc/PID/stat; -1 when it is gone.
int parent_of(int pid);

/// Leaves `pid` out of living_children() and reap_all_children() until forgiven: the case
/// server, a child of the runner that outlives every test (spec/protocol.md, "Cases").
void spare_from_reaping(int pid);
void stop_sparing(int pid);

/// Makes orphaned descendants of this process its children (PR_SET_CHILD_SUBREAPER).
void become_subreaper();

/// The children of this process that are still running (zombies excluded), after giving each up
/// to `settle` to finish dying (a child that was just sent SIGTERM). After a driver has ended,
/// these are the processes it left behind: the runner inherited them as their subreaper.
std::vector<int> living_children(clock::time_point settle);

/// SIGKILLs and reaps every child of this process, and the children it inherits meanwhile,
/// until none is left or `deadline` passes. Returns a description of each process that could
/// not be reaped in time (empty on success).
std::vector<std::string> reap_all_children(clock::time_point deadline);

}  // namespace startjoin::conformance
