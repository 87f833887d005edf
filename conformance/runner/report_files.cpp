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

namespace {

// Writes `text` to `path` itself: for what is not a regular file (/dev/stdout, a pipe), where a
// rename would replace the device's name instead of writing to it.
bool write_in_place(const std::string& path, const std::string& text) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << text;
    file.flush();
    return static_cast<bool>(file);
}

// Writes `text` beside `path` and renames it over `path`: a reader (a CI step, startjoin-report
// merge) sees the previous report or the whole new one, never a half-written file, and a run
// killed while writing leaves the previous report whole rather than truncated.
bool write_and_rename(const std::string& path, const std::string& text) {
    const std::string temporary = fmt::format("{}.{}.tmp", path, ::getpid());
    if (!write_in_place(temporary, text)) {
        ::unlink(temporary.c_str());
        return false;
    }
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        const int error = errno;
        ::unlink(temporary.c_str());
        errno = error;
        return false;
    }
    return true;
}

}  // namespace

void write_report_file(std::string_view flag, const std::string& path, const std::string& text) {
    struct stat status {};
    const bool special = ::stat(path.c_str(), &status) == 0 && !S_ISREG(status.st_mode);
    const bool written = special ? write_in_place(path, text) : write_and_rename(path, text);
    if (!written) {
        fmt::print(stderr, "startjoin-conformance: cannot write the {} report to '{}': {}\n", flag,
                   path, unwritable_reason(path).value_or(std::strerror(errno)));
        std::exit(2);
    }
}

}  // namespace startjoin::conformance
