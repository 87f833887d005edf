#include "failure_cause.hpp"

#include <sstream>
#include <string_view>

namespace startjoin::report_tool {

namespace {

// The runner's "REASON (LINK)" (expectations.cpp, cause()) taken apart.
failure_cause split_cause(std::string_view because) {
    const std::size_t open = because.rfind(" (http");
    if (open != std::string_view::npos && because.ends_with(")")) {
        return {std::string(because.substr(0, open)),
                std::string(because.substr(open + 2, because.size() - open - 3))};
    }
    return {std::string(because), ""};
}

// `text` without `prefix` and `suffix`, if it has both.
bool strip(std::string_view& text, std::string_view prefix, std::string_view suffix) {
    if (!text.starts_with(prefix) || !text.ends_with(suffix) ||
        text.size() < prefix.size() + suffix.size()) {
        return false;
    }
    text = text.substr(prefix.size(), text.size() - prefix.size() - suffix.size());
    return true;
}

}  // namespace

std::vector<failure_cause> causes_in(const std::string& message) {
    std::vector<failure_cause> causes;
    std::istringstream lines(message);
    std::string line;
    while (std::getline(lines, line)) {
        std::string_view text = line;
        while (text.starts_with(" ")) text.remove_prefix(1);
        if (strip(text, "expected failure: ", "") ||
            strip(text, "passed this time; it fails intermittently: ", "")) {
            causes.push_back(split_cause(text));
        } else if (const std::size_t at = text.find(" (expectation: ");
                   text.starts_with("expected ") && at != std::string_view::npos &&
                   text.ends_with(")")) {
            text = text.substr(at + 15, text.size() - at - 16);
            causes.push_back(split_cause(text));
        } else if (const std::size_t at = text.find("remove the expectation (");
                   at != std::string_view::npos && text.ends_with(")")) {
            text = text.substr(at + 24, text.size() - at - 25);
            causes.push_back(split_cause(text));
        } else if (const std::size_t at = text.find(" matched /");
                   at != std::string_view::npos &&
                   text.find("/: ", at + 10) != std::string_view::npos) {
            causes.push_back(split_cause(text.substr(text.find("/: ", at + 10) + 3)));
        }
    }
    return causes;
}

}  // namespace startjoin::report_tool
