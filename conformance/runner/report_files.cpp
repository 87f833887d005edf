#include "report_files.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace startjoin::conformance {

std::optional<std::string> unwritable_reason(const std::string& path) {
    if (path.empty()) return "the path is empty";
    struct stat status {};
    if (::stat(path.c_str(), &status) == 0) {
        if (S_ISDIR(status.st_mode)) return "it is a folder";
        if (::access(path.c_str(), W_OK) != 0) return std::string(std::strerror(errno));
        return std::nullopt;
    }
    if (errno != ENOENT) return std::string(std::strerror(errno));
    // The file does not exist yet: its folder must, and must let us create it.
    std::filesystem::path folder = std::filesystem::path(path).parent_path();
    if (folder.empty()) folder = std::filesystem::path(".");
    if (::stat(folder.c_str(), &status) != 0) {
        if (errno == ENOENT) return fmt::format("folder '{}' does not exist", folder.string());
        return fmt::format("folder '{}': {}", folder.string(), std::strerror(errno));
    }
    if (!S_ISDIR(status.st_mode)) return fmt::format("'{}' is not a folder", folder.string());
    if (::access(folder.c_str(), W_OK | X_OK) != 0) {
        return fmt::format("folder '{}' is not writable: {}", folder.string(),
                           std::strerror(errno));
    }
    return std::nullopt;
}

void write_report_file(std::string_view flag, const std::string& path, const std::string& text) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << text;
    file.flush();
    if (!file) {
        fmt::print(stderr, "startjoin-conformance: cannot write the {} report to '{}': {}\n", flag,
                   path, unwritable_reason(path).value_or(std::strerror(errno)));
        std::exit(2);
    }
}

}  // namespace startjoin::conformance
