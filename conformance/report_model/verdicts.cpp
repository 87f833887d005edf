#include "verdicts.hpp"

#include <algorithm>
#include <optional>

namespace startjoin::conformance {
namespace {

// A clause's status is its worst test's: a real failure first, then a stale expectation, then
// an expected failure; it passes if a test passed; it is skipped if every test was skipped;
// NOT RUN if none ran (a --gtest_filter or a shard left it out, or the run was interrupted
// before its tests: each of them is NOT RUN).
std::string clause_status(const std::vector<std::string>& statuses) {
    for (const char* worst : {"BROKEN", "CRASH", "TIMEOUT", "FAIL", "XPASS", "XFAIL", "PASS"}) {
        if (std::find(statuses.begin(), statuses.end(), worst) != statuses.end()) return worst;
    }
    if (std::find(statuses.begin(), statuses.end(), "SKIP") != statuses.end()) return "SKIP";
    return "NOT RUN";
}

// What `test` says of `clause`, one of those it cites; nothing when it left the clause
// undecided (a property whose failing check broke another clause).
std::optional<std::string> status_for(const test_outcome& test, const std::string& clause) {
    if (test.clause_statuses.empty()) return test.status;
    const auto found = test.clause_statuses.find(clause);
    if (found == test.clause_statuses.end()) return std::nullopt;
    return found->second;
}

// A clause whose own tests, those that check it alone, were all skipped (a feature the driver
// does not declare: their reason says which) is not tested, whatever else cites it: a property
// that passes, or fails for another clause, tells nothing of a feature it never used.
std::optional<std::string> untested_reason(const std::vector<const test_outcome*>& tests) {
    std::optional<std::string> reason;
    for (const test_outcome* test : tests) {
        if (test->clauses.size() != 1) continue;
        if (test->status != "SKIP") return std::nullopt;
        if (!reason) reason = test->message;
    }
    return reason;
}

}  // namespace

std::vector<clause_verdict> clause_verdicts(const std::vector<test_outcome>& outcomes,
                                            const std::vector<std::string>& spec_clauses) {
    std::map<std::string, std::vector<const test_outcome*>> by_clause;
    for (const test_outcome& outcome : outcomes) {
        for (const std::string& clause : outcome.clauses) by_clause[clause].push_back(&outcome);
    }
    const auto in_spec = [&](const std::string& clause) {
        return std::find(spec_clauses.begin(), spec_clauses.end(), clause) != spec_clauses.end();
    };
    // Every clause of the spec, in its order, then any clause a test cites that the spec lacks
    // (the traceability test fails on those).
    std::vector<std::string> order = spec_clauses;
    for (const auto& [clause, tests] : by_clause) {
        if (!in_spec(clause)) order.push_back(clause);
    }
    std::vector<clause_verdict> verdicts;
    for (const std::string& clause : order) {
        clause_verdict verdict;
        verdict.id = clause;
        verdict.tests = std::move(by_clause[clause]);
        std::vector<std::string> statuses;
        for (const test_outcome* test : verdict.tests) {
            if (const auto status = status_for(*test, clause)) statuses.push_back(*status);
        }
        verdict.passed = static_cast<int>(std::count(statuses.begin(), statuses.end(), "PASS"));
        if (!in_spec(clause)) {
            verdict.status = "UNDEFINED";
        } else if (const auto reason = untested_reason(verdict.tests)) {
            verdict.status = "SKIP";
            verdict.reason = *reason;
        } else {
            verdict.status = clause_status(statuses);
            for (const test_outcome* test : verdict.tests) {
                if (test->status == "SKIP" && verdict.reason.empty())
                    verdict.reason = test->message;
            }
        }
        verdicts.push_back(std::move(verdict));
    }
    return verdicts;
}

nlohmann::json clauses_json(const std::vector<clause_verdict>& verdicts) {
    nlohmann::json clauses = nlohmann::json::array();
    for (const clause_verdict& verdict : verdicts) {
        nlohmann::json names = nlohmann::json::array();
        for (const test_outcome* test : verdict.tests) names.push_back(test->name);
        nlohmann::json entry = {{"id", verdict.id}, {"status", verdict.status}, {"tests", names}};
        if (verdict.status == "SKIP") entry["reason"] = verdict.reason;
        clauses.push_back(std::move(entry));
    }
    return clauses;
}

nlohmann::json totals_json(const std::vector<test_outcome>& outcomes,
                           const std::vector<clause_verdict>& verdicts) {
    std::map<std::string, int> clause_totals, test_totals;
    for (const clause_verdict& verdict : verdicts) ++clause_totals[verdict.status];
    for (const test_outcome& outcome : outcomes) ++test_totals[outcome.status];
    return {{"tests", test_totals}, {"clauses", clause_totals}};
}

}  // namespace startjoin::conformance
