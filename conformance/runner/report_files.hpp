// The report files of the command line (--report-json, --report-junit, --report-markdown): where
// they go, whether they can be written, and writing them. All three share this, so that they
// fail the same way: before any test runs, or, if the file system changed meanwhile, at the end.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace startjoin::conformance {

/// The report files the command line asks for; none set writes none.
struct report_paths {
    std::optional<std::string> json, junit, markdown;
    std::optional<std::string> suggested_expectations;  ///< --suggest-expectations
};

/// Why a report cannot be written to `path` ("folder 'out' does not exist", "it is a folder"),
/// or none if it can: its folder exists and is writable, and the file, if it exists, is a
/// writable non-folder. Creates and changes nothing, so that a usage error leaves no trace.
std::optional<std::string> unwritable_reason(const std::string& path);

/// Writes `text` to `path`, replacing it at once (a temporary file beside it, renamed over it;
/// what is not a regular file, like /dev/stdout, is written in place). Exits with status 2
/// naming `flag` and the path if it cannot: a report the caller asked for and silently lacks is
/// worse than none.
void write_report_file(std::string_view flag, const std::string& path, const std::string& text);

}  // namespace startjoin::conformance
