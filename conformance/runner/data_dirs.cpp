#include "data_dirs.hpp"

#include <system_error>

namespace startjoin::conformance {

std::vector<std::filesystem::path> data_candidates(const std::filesystem::path& installed,
                                                   const std::filesystem::path& compiled_in) {
    std::vector<std::filesystem::path> candidates;
    std::error_code error;
    // The executable itself, not argv[0]: ctest, a PATH lookup or a symlink may have started it.
    const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", error);
    if (!error) candidates.push_back((executable.parent_path() / installed).lexically_normal());
    candidates.push_back(compiled_in);
    return candidates;
}

std::optional<std::filesystem::path> first_directory(
    const std::vector<std::filesystem::path>& candidates) {
    for (const std::filesystem::path& candidate : candidates) {
        std::error_code error;
        if (std::filesystem::is_directory(candidate, error)) return candidate;
    }
    return std::nullopt;
}

}  // namespace startjoin::conformance
