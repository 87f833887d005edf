#include "test_listing.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <sstream>

#include "clauses.hpp"
#include "json_text.hpp"
#include "profile_applicability.hpp"
#include "self_process.hpp"

namespace startjoin::conformance {

namespace fs = std::filesystem;

nlohmann::json test_listing(const std::vector<std::string>& tests) {
    nlohmann::json listed = nlohmann::json::array();
    for (const std::string& test : tests) {
        std::vector<std::string> clauses, sections;
        if (const auto found = clauses_by_test().find(test); found != clauses_by_test().end()) {
            clauses = found->second;
        }
        for (const std::string& clause : clauses) {
            const std::string section = section_of(clause);
            if (std::find(sections.begin(), sections.end(), section) == sections.end()) {
                sections.push_back(section);
            }
        }
        listed.push_back({{"name", test}, {"clauses", clauses}, {"sections", sections}});
    }
    return {{"tests", std::move(listed)}};
}

std::vector<std::string> selected_tests(const options& parsed) {
    const temporary_directory directory;
    std::vector<std::string> arguments = {self_executable, "--gtest_list_tests",
                                          "--spec",        parsed.spec,
                                          "--regressions", parsed.regressions};
    for (const std::string& flag : parsed.gtest_flags) {
        if (!gtest_flag_is(flag, "output")) arguments.push_back(flag);
    }
    const fs::path output = directory.path() / "list.out";
    const child lister = spawn_self(arguments, environment_with(std::nullopt), output);
    const std::optional<int> status = wait_or_kill(lister, deadline_after(scaled(seconds(60))));
    const std::string text = read_text(output);
    if (!status || !WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
        fmt::print(stderr, "startjoin-conformance: cannot list the tests to run: {}\n{}",
                   status ? how_it_ended(*status) : "it did not end", text);
        std::exit(2);
    }
    // "Suite." lines, then "  Test" lines; either may end in "  # GetParam() = ...".
    std::vector<std::string> tests;
    std::string suite;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        const std::string name = line.substr(0, line.find("  #"));
        if (name.empty()) continue;
        if (name[0] != ' ') {
            suite = name.substr(0, name.find_last_not_of(' ') + 1);
        } else {
            tests.push_back(suite + name.substr(name.find_first_not_of(' ')));
        }
    }
    return tests;
}

std::optional<std::vector<std::string>> selected_tests_or_complain(const options& parsed) {
    std::vector<std::string> tests;
    try {
        tests = selected_tests(parsed);
    } catch (const std::exception& error) {
        fmt::print(stderr, "startjoin-conformance: cannot list the tests: {}\n", error.what());
        return std::nullopt;
    }
    if (tests.empty()) {
        fmt::print(stderr,
                   "startjoin-conformance: --gtest_filter={} selects no test "
                   "(--gtest_list_tests lists them)\n",
                   ::testing::GTEST_FLAG(filter));
        return std::nullopt;
    }
    return tests;
}

int print_test_listing(const options& parsed) {
    // Registering no test is as much a mistyped filter as running none (main.cpp).
    auto tests = selected_tests_or_complain(parsed);
    if (!tests) return 2;
    if (parsed.driver_profile) {
        // A run skips these with the reason; a listing for registration leaves them out, so
        // that a thread implementation's ctest shows only the tests that say something about it.
        std::erase_if(*tests, [&](const std::string& test) {
            return profile_mismatch(test, *parsed.driver_profile).has_value();
        });
        if (tests->empty()) {
            fmt::print(stderr,
                       "startjoin-conformance: --gtest_filter={} selects no test that applies "
                       "to profile {}\n",
                       ::testing::GTEST_FLAG(filter), *parsed.driver_profile);
            return 2;
        }
    }
    fmt::print("{}\n", json_text(test_listing(*tests)));
    return 0;
}

}  // namespace startjoin::conformance
