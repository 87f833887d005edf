#include "deviations.hpp"

#include <regex>

namespace startjoin::conformance::properties {

std::string deviation_signature(const std::string& failure) {
    // Only the first line of what went wrong counts, not what explains it below (the rules an
    // ordering violation broke, by history entry) nor the transcript (the child's output, the
    // history): they differ from case to case.
    const std::string what = failure.substr(0, failure.find('\n'));
    static const std::regex handle(R"(\bp[0-9]+\b)");
    static const std::regex number(R"(-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?)");
    // "1 happens-before rule" and "2 happens-before rules" are one deviation: no word keeps a
    // final s (the signature is compared, never shown).
    static const std::regex plural(R"(([A-Za-z])s\b)");
    const std::string general =
        std::regex_replace(std::regex_replace(what, handle, "pN"), number, "N");
    return std::regex_replace(general, plural, "$1");
}

found_deviation* deviation_list::find(const std::string& failure) {
    const std::string signature = deviation_signature(failure);
    for (found_deviation& deviation : found_) {
        if (deviation.signature == signature) return &deviation;
    }
    return nullptr;
}

}  // namespace startjoin::conformance::properties
