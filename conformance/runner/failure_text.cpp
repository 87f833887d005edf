#include "failure_text.hpp"

#include <fmt/format.h>

#include <array>
#include <string_view>

namespace startjoin::conformance {
namespace {

constexpr std::string_view exception_head = "C++ exception with description \"";
// gtest names where the exception came from: the test body, SetUp(), TearDown() and so on.
constexpr std::string_view exception_middle = "\" thrown in ";
constexpr std::string_view failed_line = "Failed\n";

std::string_view message_of(const ::testing::TestPartResult& part) {
    return part.message() != nullptr ? std::string_view(part.message()) : std::string_view();
}

bool is_thrown_exception(std::string_view text) {
    return text.starts_with(exception_head) && text.rfind(exception_middle) != std::string::npos;
}

bool ends_with_any(std::string_view text, std::array<std::string_view, 3> endings) {
    for (const std::string_view ending : endings) {
        if (text.ends_with(ending)) return true;
    }
    return false;
}

}  // namespace

std::string readable_failure(const ::testing::TestPartResult& part) {
    const std::string_view text = message_of(part);
    if (is_thrown_exception(text)) {
        const std::size_t end = text.rfind(exception_middle);
        return std::string(text.substr(exception_head.size(), end - exception_head.size()));
    }
    if (text.starts_with(failed_line)) return std::string(text.substr(failed_line.size()));
    return std::string(text);
}

std::string failure_location(const ::testing::TestPartResult& part) {
    if (part.file_name() == nullptr || is_thrown_exception(message_of(part))) return "";
    const std::string_view file = part.file_name();
    // ADD_FAILURE() in the runner's sources reports a verdict the message explains; an
    // assertion (EXPECT_EQ, ...) in a test's source names the check that failed.
    const bool runner_source = ends_with_any(file, {".cpp", ".hpp", ".h"});
    if (runner_source && message_of(part).starts_with(failed_line)) return "";
    return part.line_number() >= 0 ? fmt::format("{}:{}", file, part.line_number())
                                   : std::string(file);
}

}  // namespace startjoin::conformance
