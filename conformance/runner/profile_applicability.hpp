// Which tests apply to a driver's profile (spec/protocol.md, "profile"): a `thread` driver has
// no memory isolation, pids or signals, so a test that checks a process-only clause says nothing
// about it. The fixture skips such a test with this reason; the listing leaves it out.
#pragma once

#include <optional>
#include <string>

namespace startjoin::conformance {

/// The profiles a driver can declare.
bool is_known_profile(const std::string& profile);

/// Why test `test` ("Suite.Test") does not apply to a driver of `profile`: it checks a clause
/// of the process profile only (the first such clause is named). None when it applies.
std::optional<std::string> profile_mismatch(const std::string& test, const std::string& profile);

}  // namespace startjoin::conformance
