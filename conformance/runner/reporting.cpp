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

// The errors of errors.hpp carry their status as a marker at the start of the message.
std::string status_of(const ::testing::TestResult& result, std::string& message) {
    if (result.Skipped()) {
        for (int i = 0; i < result.total_part_count(); ++i) {
            const auto& part = result.GetTestPartResult(i);
            if (part.skipped() && part.message() != nullptr) message += part.message();
        }
        return "SKIP";
    }
    if (!result.Failed()) return "PASS";
    std::string status = "FAIL";
    for (int i = 0; i < result.total_part_count(); ++i) {
        const auto& part = result.GetTestPartResult(i);
        if (!part.failed()) continue;
        const std::string text = part.message() != nullptr ? part.message() : "";
        if (!message.empty()) message += "\n";
        message += text;
        if (text.find("[BROKEN]") != std::string::npos)
            status = "BROKEN";
        else if (text.find("[TIMEOUT]") != std::string::npos && status != "BROKEN")
            status = "TIMEOUT";
    }
    return status;
}

// A clause fails if any of its tests fails (the worst failure names it); it passes if a test
// passed and none failed; it is skipped if every test of it was skipped; NOT RUN if none ran
// (a --gtest_filter left it out).
std::string clause_status(const std::vector<const test_outcome*>& tests) {
    for (const char* worst : {"BROKEN", "TIMEOUT", "FAIL"}) {
        for (const test_outcome* test : tests) {
            if (test->status == worst) return worst;
        }
    }
    for (const test_outcome* test : tests) {
        if (test->status == "PASS") return "PASS";
    }
    return tests.empty() ? "NOT RUN" : "SKIP";
}

bool is_failure(const std::string& status) { return status != "PASS" && status != "SKIP"; }

}  // namespace

void note_driver(const hello_info& hello) { last_driver() = hello; }

void report_listener::OnTestEnd(const ::testing::TestInfo& info) {
    test_outcome outcome;
    outcome.name = std::string(info.test_suite_name()) + "." + info.name();
    if (const auto found = clauses_by_test().find(outcome.name); found != clauses_by_test().end()) {
        outcome.clauses = found->second;
    }
    outcome.status = status_of(*info.result(), outcome.message);
    outcomes_.push_back(std::move(outcome));
}

void report_listener::OnTestProgramEnd(const ::testing::UnitTest&) {
    std::map<std::string, std::vector<const test_outcome*>> by_clause;
    for (const test_outcome& outcome : outcomes_) {
        for (const std::string& clause : outcome.clauses) by_clause[clause].push_back(&outcome);
    }
    // Every clause of the spec, in its order, then any clause a test cites that the spec lacks
    // (the traceability test fails on those).
    std::vector<std::string> order;
    for (const spec_clause& clause : spec_.clauses) order.push_back(clause.id);
    for (const auto& [clause, tests] : by_clause) {
        if (spec_.find(clause) == nullptr) order.push_back(clause);
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
        const std::string status = spec_.find(clause) ? clause_status(tests) : "UNDEFINED";
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
    const int passed = count(clause_totals, "PASS"), skipped = count(clause_totals, "SKIP"),
              not_run = count(clause_totals, "NOT RUN");
    fmt::print("{} clauses: {} passed, {} failed, {} skipped, {} not run; {} tests: {} passed\n",
               order.size(), passed, static_cast<int>(order.size()) - passed - skipped - not_run,
               skipped, not_run, outcomes_.size(), count(test_totals, "PASS"));

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
