#include "verdicts.hpp"

#include <algorithm>

namespace startjoin::conformance {
namespace {

// A clause's status is its worst test's: a real failure first, then a stale expectation, then
// an expected failure; it passes if a test passed; it is skipped if every test was skipped;
// NOT RUN if none ran (a --gtest_filter or a shard left it out, or the run was interrupted
// before its tests: each of them is NOT RUN).
std::string clause_status(const std::vector<const test_outcome*>& tests) {
    for (const char* worst : {"BROKEN", "CRASH", "TIMEOUT", "FAIL", "XPASS", "XFAIL", "PASS"}) {
        for (const test_outcome* test : tests) {
            if (test->status == worst) return worst;
        }
    }
    for (const test_outcome* test : tests) {
        if (test->status == "SKIP") return "SKIP";
    }
    return "NOT RUN";
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
        verdict.status = in_spec(clause) ? clause_status(verdict.tests) : "UNDEFINED";
        for (const test_outcome* test : verdict.tests) {
            verdict.passed += test->status == "PASS";
            if (test->status == "SKIP" && verdict.reason.empty()) verdict.reason = test->message;
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
