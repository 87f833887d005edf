#include "reporting.hpp"

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "clauses.hpp"
#include "fixture.hpp"
#include "startjoin/protocol/constants.hpp"

namespace startjoin::conformance {
namespace {

std::optional<hello_info>& last_driver() {
    static std::optional<hello_info> hello;
    return hello;
}

// The errors of errors.hpp carry their status as a marker in the message; the most telling one
// wins when a test has several failures.
std::string status_of(const ::testing::TestResult& result, std::string& message) {
    if (result.Skipped()) {
        for (int i = 0; i < result.total_part_count(); ++i) {
            const auto& part = result.GetTestPartResult(i);
            if (part.skipped() && part.message() != nullptr) message += part.message();
        }
        return "SKIP";
    }
    if (!result.Failed()) return "PASS";
    const auto rank = [](const std::string& status) {
        return status == "BROKEN" ? 3 : status == "CRASH" ? 2 : status == "TIMEOUT" ? 1 : 0;
    };
    std::string status = "FAIL";
    for (int i = 0; i < result.total_part_count(); ++i) {
        const auto& part = result.GetTestPartResult(i);
        if (!part.failed()) continue;
        const std::string text = part.message() != nullptr ? part.message() : "";
        if (!message.empty()) message += "\n";
        message += text;
        for (const std::string marked : {"BROKEN", "CRASH", "TIMEOUT"}) {
            if (text.find("[" + marked + "]") != std::string::npos && rank(marked) > rank(status)) {
                status = marked;
            }
        }
    }
    return status;
}

// A clause's status is its worst test's: a real failure first, then a stale expectation, then
// an expected failure; it passes if a test passed; it is skipped if every test was skipped;
// NOT RUN if none ran (a --gtest_filter left it out).
std::string clause_status(const std::vector<const test_outcome*>& tests) {
    for (const char* worst : {"BROKEN", "CRASH", "TIMEOUT", "FAIL", "XPASS", "XFAIL", "PASS"}) {
        for (const test_outcome* test : tests) {
            if (test->status == worst) return worst;
        }
    }
    return tests.empty() ? "NOT RUN" : "SKIP";
}

// The tally a property test recorded (property_test::record_known_cases); none is all zeros.
known_case_tally tally_of(const ::testing::TestResult& result, std::size_t known) {
    known_case_tally tally;
    tally.seen.assign(known, 0);
    for (int i = 0; i < result.test_property_count(); ++i) {
        const ::testing::TestProperty& property = result.GetTestProperty(i);
        const std::string key = property.key(), value = property.value();
        if (key == ran_every_case_key) tally.ran_every_case = value == "yes";
        if (key != known_cases_seen_key) continue;
        std::size_t index = 0, start = 0;
        while (index < known && start <= value.size()) {
            const std::size_t comma = std::min(value.find(',', start), value.size());
            tally.seen[index++] = std::stoi(value.substr(start, comma - start));
            start = comma + 1;
        }
    }
    return tally;
}

}  // namespace

bool is_failure(const std::string& status) {
    return status == "FAIL" || status == "TIMEOUT" || status == "CRASH" || status == "BROKEN" ||
           status == "XPASS";
}

void note_driver(const hello_info& hello) { last_driver() = hello; }

void report_listener::OnTestEnd(const ::testing::TestInfo& info) {
    test_outcome outcome;
    outcome.name = std::string(info.test_suite_name()) + "." + info.name();
    if (const auto found = clauses_by_test().find(outcome.name); found != clauses_by_test().end()) {
        outcome.clauses = found->second;
    }
    outcome.status = status_of(*info.result(), outcome.message);
    if (const auto known = expected_.known_cases(outcome.name); !known.empty()) {
        outcome.status = apply_known_cases(known, tally_of(*info.result(), known.size()),
                                           outcome.status, outcome.message);
    } else if (const expected_failure* expectation =
                   expected_.find(outcome.name, outcome.clauses)) {
        outcome.status = apply_expectation(*expectation, outcome.status, outcome.message);
    }
    outcomes_.push_back(std::move(outcome));
}

int report_listener::exit_status() const {
    for (const test_outcome& outcome : outcomes_) {
        if (is_failure(outcome.status)) return 1;
    }
    return 0;
}

void report_listener::OnTestProgramEnd(const ::testing::UnitTest&) {
    std::map<std::string, std::vector<const test_outcome*>> by_clause;
    for (const test_outcome& outcome : outcomes_) {
        for (const std::string& clause : outcome.clauses) by_clause[clause].push_back(&outcome);
    }
    // Every clause of the spec, in its order, then any clause a test cites that the spec lacks
    // (the traceability test fails on those).
    std::vector<std::string> order;
    for (const spec_clause& clause : current_spec().clauses) order.push_back(clause.id);
    for (const auto& [clause, tests] : by_clause) {
        if (current_spec().find(clause) == nullptr) order.push_back(clause);
    }

    const auto& hello = last_driver();
    fmt::print("\nstartjoin conformance of driver `{}`", driver_command());
    if (hello) {
        fmt::print(": {} {} (protocol {}, profile {})", hello->implementation, hello->version,
                   protocol::version, hello->profile);
    }
    fmt::print("\n  {:<36} {:>7}  {}\n", "clause", "tests", "status");
    std::map<std::string, int> clause_totals, test_totals;
    nlohmann::json clauses = nlohmann::json::array();
    for (const std::string& clause : order) {
        const std::vector<const test_outcome*>& tests = by_clause[clause];
        const std::string status = current_spec().find(clause) ? clause_status(tests) : "UNDEFINED";
        int passed = 0;
        std::string reason;
        nlohmann::json names = nlohmann::json::array();
        for (const test_outcome* test : tests) {
            passed += test->status == "PASS";
            names.push_back(test->name);
            if (test->status == "SKIP" && reason.empty()) reason = test->message;
        }
        ++clause_totals[status];
        fmt::print("  {:<36} {:>3}/{:<3}  {}{}\n", "[" + clause + "]", passed, tests.size(), status,
                   status == "SKIP" ? " (" + reason + ")" : "");
        nlohmann::json entry = {{"id", clause}, {"status", status}, {"tests", names}};
        if (status == "SKIP") entry["reason"] = reason;
        clauses.push_back(std::move(entry));
    }
    nlohmann::json tests = nlohmann::json::array();
    for (const test_outcome& outcome : outcomes_) {
        ++test_totals[outcome.status];
        tests.push_back({{"name", outcome.name},
                         {"clauses", outcome.clauses},
                         {"status", outcome.status},
                         {"message", outcome.message}});
        if (is_failure(outcome.status)) fmt::print("  {} {}\n", outcome.status, outcome.name);
    }
    const auto count = [](const std::map<std::string, int>& totals, const char* status) {
        const auto found = totals.find(status);
        return found == totals.end() ? 0 : found->second;
    };
    int failed = 0;
    for (const auto& [status, number] : clause_totals) {
        failed += is_failure(status) || status == "UNDEFINED" ? number : 0;
    }
    fmt::print(
        "{} clauses: {} passed, {} failed, {} expected failures, {} skipped, {} not run; "
        "{} tests: {} passed\n",
        order.size(), count(clause_totals, "PASS"), failed, count(clause_totals, "XFAIL"),
        count(clause_totals, "SKIP"), count(clause_totals, "NOT RUN"), outcomes_.size(),
        count(test_totals, "PASS"));

    if (!json_path_) return;
    nlohmann::json report = {{"driver",
                              {{"command", driver_command()},
                               {"protocol", protocol::version},
                               {"implementation", hello ? hello->implementation : ""},
                               {"version", hello ? hello->version : ""},
                               {"profile", hello ? hello->profile : ""}}},
                             {"tests", tests},
                             {"clauses", clauses},
                             {"totals", {{"tests", test_totals}, {"clauses", clause_totals}}}};
    std::ofstream file(*json_path_);
    file << report.dump(2) << '\n';
    if (!file) {
        fmt::print(stderr, "startjoin-conformance: cannot write the report to {}\n", *json_path_);
        std::exit(2);  // a report the caller asked for and silently lacks is worse than none
    }
}

}  // namespace startjoin::conformance
