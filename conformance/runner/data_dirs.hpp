// Where the runner finds the spec and the regression scenarios when no flag names them. An
// installed runner finds them beside itself (<prefix>/bin and <prefix>/share/startjoin), so it
// works without the source tree; a runner in the build tree reads the source tree's.
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

namespace startjoin::conformance {

/// The directories to try, in order: `installed` taken relative to the directory of the
/// running executable (/proc/self/exe), then `compiled_in`.
std::vector<std::filesystem::path> data_candidates(const std::filesystem::path& installed,
                                                   const std::filesystem::path& compiled_in);

/// The first of `candidates` that is a directory, if any.
std::optional<std::filesystem::path> first_directory(
    const std::vector<std::filesystem::path>& candidates);

}  // namespace startjoin::conformance
