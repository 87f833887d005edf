#include "merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "report_format.hpp"
#include "verdicts.hpp"

namespace startjoin::report_tool {
namespace {

using conformance::test_outcome;

// The union of the inputs' tests; a test run by two shards must have ended the same way in both.
std::vector<test_outcome> merged_tests(const std::vector<report_file>& inputs) {
    std::vector<test_outcome> tests;
    std::map<std::string, std::pair<std::size_t, const report_file*>> seen;  // name -> index, file
    for (const report_file& input : inputs) {
        for (const test_outcome& test : input.tests) {
            const auto found = seen.find(test.name);
            if (found == seen.end()) {
                seen.emplace(test.name, std::pair{tests.size(), &input});
                tests.push_back(test);
                continue;
            }
            const test_outcome& first = tests[found->second.first];
            if (first.status != test.status) {
                throw report_error(fmt::format("test {} is {} in {} but {} in {}", test.name,
                                               first.status, found->second.second->path,
                                               test.status, input.path));
            }
        }
    }
    return tests;
}

// Every clause of the spec, in the first input's order; a clause only a later input knows comes
// after them (all inputs should come from one spec, but a missing clause must not be lost).
std::vector<std::string> merged_spec_clauses(const std::vector<report_file>& inputs) {
    std::vector<std::string> clauses;
    for (const report_file& input : inputs) {
        for (const std::string& clause : spec_clauses_of(input)) {
            if (std::find(clauses.begin(), clauses.end(), clause) == clauses.end())
                clauses.push_back(clause);
        }
    }
    return clauses;
}

nlohmann::json merged_certification(const std::vector<report_file>& inputs) {
    std::vector<std::string> problems;
    bool broken = false;
    for (const report_file& input : inputs) {
        const nlohmann::json certification =
            input.document.value("certification", nlohmann::json::object());
        broken |= certification.value("status", "certified") != "certified";
        for (const nlohmann::json& problem :
             certification.value("problems", nlohmann::json::array())) {
            const std::string text = problem.get<std::string>();
            if (std::find(problems.begin(), problems.end(), text) == problems.end())
                problems.push_back(text);
        }
    }
    return {{"status", broken ? "BROKEN" : "certified"}, {"problems", problems}};
}

// The first input's run, started at the earliest start, lasting as long as all runs together.
// ISO 8601 UTC times of one format compare as text.
nlohmann::json merged_run(const std::vector<report_file>& inputs) {
    nlohmann::json run = inputs.front().document.value("run", nlohmann::json::object());
    double seconds = 0.0;
    for (const report_file& input : inputs) {
        const nlohmann::json other = input.document.value("run", nlohmann::json::object());
        seconds += other.value("seconds", 0.0);
        const std::string started = other.value("started", "");
        if (!started.empty() &&
            (!run.contains("started") || started < run["started"].get<std::string>()))
            run["started"] = started;
    }
    run["seconds"] = seconds;
    return run;
}

}  // namespace

nlohmann::json merge_reports(const std::vector<report_file>& inputs) {
    if (inputs.empty()) throw report_error("merge needs at least one report");
    const report_file& first = inputs.front();
    for (const report_file& input : inputs) {
        if (input.document["driver"] != first.document["driver"]) {
            throw report_error(fmt::format("{} and {} are reports of different drivers: {} and {}",
                                           first.path, input.path, first.document["driver"].dump(),
                                           input.document["driver"].dump()));
        }
    }
    const std::vector<test_outcome> tests = merged_tests(inputs);
    const auto verdicts = conformance::clause_verdicts(tests, merged_spec_clauses(inputs));
    nlohmann::json test_entries = nlohmann::json::array();
    for (const test_outcome& test : tests) test_entries.push_back(conformance::to_json(test));
    nlohmann::json merged_from = nlohmann::json::array();
    for (const report_file& input : inputs) merged_from.push_back(input.path);
    return {{"format",
             {{"name", conformance::report_format_name},
              {"version", conformance::report_format_version}}},
            {"run", merged_run(inputs)},
            {"driver", first.document["driver"]},
            {"certification", merged_certification(inputs)},
            {"tests", test_entries},
            {"clauses", conformance::clauses_json(verdicts)},
            {"totals", conformance::totals_json(tests, verdicts)},
            {"merged_from", merged_from}};
}

}  // namespace startjoin::report_tool
