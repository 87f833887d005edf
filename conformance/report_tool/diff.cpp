#include "diff.hpp"

#include <fmt/format.h>

#include <map>

namespace startjoin::report_tool {

using conformance::is_failure;
using conformance::test_outcome;

report_diff diff_tests(const std::vector<test_outcome>& old_tests,
                       const std::vector<test_outcome>& new_tests) {
    std::map<std::string, std::string> old_status, new_status;
    for (const test_outcome& test : old_tests) old_status[test.name] = test.status;
    for (const test_outcome& test : new_tests) new_status[test.name] = test.status;
    report_diff diff;
    for (const test_outcome& test : new_tests) {
        const auto found = old_status.find(test.name);
        if (found == old_status.end()) {
            (is_failure(test.status) ? diff.regressions : diff.added)
                .push_back({test.name, "", test.status});
            continue;
        }
        const std::string& before = found->second;
        if (before == test.status) continue;
        const status_change change{test.name, before, test.status};
        if (!is_failure(before) && is_failure(test.status)) {
            diff.regressions.push_back(change);
        } else if (is_failure(before) && !is_failure(test.status)) {
            diff.fixed.push_back(change);
        } else {
            diff.changed.push_back(change);
        }
    }
    for (const test_outcome& test : old_tests) {
        if (!new_status.contains(test.name)) diff.removed.push_back({test.name, test.status, ""});
    }
    return diff;
}

std::string diff_text(const report_diff& diff) {
    std::string text;
    const auto section = [&](const char* title, const std::vector<status_change>& changes) {
        if (changes.empty()) return;
        text += fmt::format("{} ({}):\n", title, changes.size());
        for (const status_change& change : changes) {
            text += fmt::format("  {}: {} -> {}\n", change.test,
                                change.old_status.empty() ? "(absent)" : change.old_status,
                                change.new_status.empty() ? "(absent)" : change.new_status);
        }
    };
    section("regressions", diff.regressions);
    section("fixed", diff.fixed);
    section("other status changes", diff.changed);
    section("added", diff.added);
    section("removed", diff.removed);
    text += fmt::format("{} regressions, {} fixed, {} other changes, {} added, {} removed\n",
                        diff.regressions.size(), diff.fixed.size(), diff.changed.size(),
                        diff.added.size(), diff.removed.size());
    return text;
}

}  // namespace startjoin::report_tool
