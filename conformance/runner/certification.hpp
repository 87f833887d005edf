// Driver certification: before any conformance verdict counts, a short protocol check that the
// driver answers every operation it declares in the right shape, and reports errors with kinds.
// A driver that fails it is BROKEN: its answers could not be trusted to judge an implementation.
#pragma once

#include <string>
#include <vector>

namespace startjoin::conformance {

/// Runs the protocol check against a fresh driver started with `command`. Returns every
/// problem found, each naming the request and quoting what the driver answered; empty when the
/// driver is certified. Never judges the implementation's semantics (that is the suite's job),
/// only the protocol: shapes of values, kinds of errors, end of the conversation. Throws
/// driver_not_runnable when the command could not be run at all (a setup error).
std::vector<std::string> certify_driver(const std::string& command);

}  // namespace startjoin::conformance
