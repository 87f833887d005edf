#include "site_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace startjoin::report_tool {

namespace {

using nlohmann::json;

std::string text_at(const json& object, const char* key) {
    if (!object.is_object() || !object.contains(key) || object[key].is_null()) return "";
    return object[key].get<std::string>();  // throws on another type: the caller names the file
}

run_info run_info_of(const report_file& report) {
    const json& document = report.document;
    const json& driver = document["driver"];
    const json run = document.value("run", json::object());
    const json machine = run.is_object() ? run.value("machine", json::object()) : json::object();
    const json options = run.is_object() ? run.value("options", json::object()) : json::object();
    run_info info;
    info.file = std::filesystem::path(report.path).filename().string();
    info.implementation = text_at(driver, "implementation");
    info.version = text_at(driver, "version");
    info.profile = text_at(driver, "profile");
    info.certification = text_at(document.value("certification", json::object()), "status");
    info.runner_version = text_at(run, "runner_version");
    info.started = text_at(run, "started");
    info.filter = text_at(options, "filter");
    if (info.filter == "*") info.filter.clear();
    std::string system = text_at(machine, "sysname");
    for (const char* key : {"release", "machine"}) {
        const std::string part = text_at(machine, key);
        if (!part.empty()) system += (system.empty() ? "" : " ") + part;
    }
    if (machine.is_object() && machine.contains("cpus")) {
        const int cpus = machine["cpus"].get<int>();
        system += fmt::format("{}{} CPU{}", system.empty() ? "" : ", ", cpus, cpus == 1 ? "" : "s");
    }
    info.machine = text_at(machine, "hostname");
    if (!system.empty()) info.machine += (info.machine.empty() ? "(" : " (") + system + ")";
    return info;
}

cited_test cited(const conformance::test_outcome& test, const std::string& clause) {
    cited_test result;
    result.name = test.name;
    const auto own = test.clause_statuses.find(clause);
    result.status = own != test.clause_statuses.end() ? own->second : test.status;
    if (result.status != "PASS" || test.status != "PASS") {
        result.message = test.message;
        result.causes = causes_in(test.message);
    }
    for (const auto& [deviation_clause, what] : test.deviations) {
        if (deviation_clause == clause) result.deviations.push_back(what);
    }
    return result;
}

column column_of(const spec_text& spec, const report_file& report) {
    column result;
    result.run = run_info_of(report);
    result.tests = report.tests;
    for (const clause_text& clause : spec.clauses) result.cells[clause.id] = cell{};
    for (const json& entry : report.document.value("clauses", json::array())) {
        const std::string id = entry.at("id").get<std::string>();
        const auto found = result.cells.find(id);
        if (found == result.cells.end()) continue;  // a clause of another version of the spec
        found->second.status = entry.at("status").get<std::string>();
        found->second.reason = text_at(entry, "reason");
    }
    for (const conformance::test_outcome& test : report.tests) {
        for (const std::string& clause : test.clauses) {
            const auto found = result.cells.find(clause);
            if (found != result.cells.end()) found->second.tests.push_back(cited(test, clause));
        }
    }
    for (auto& [id, each] : result.cells) {
        std::stable_partition(each.tests.begin(), each.tests.end(),
                              [](const cited_test& test) { return test.status != "PASS"; });
        if (each.status == "PASS") ++result.passed;
        if (each.status != "NOT RUN") ++result.ran;
    }
    return result;
}

// Each report against the one before it of the same implementation, the earlier start first
// (reports of one start keep the order they were given in).
std::vector<run_diff> diffs_of(const std::vector<column>& columns) {
    std::map<std::string, std::vector<std::size_t>> runs;
    for (std::size_t index = 0; index < columns.size(); ++index) {
        runs[columns[index].run.implementation].push_back(index);
    }
    std::vector<run_diff> diffs;
    for (auto& [implementation, indexes] : runs) {
        std::stable_sort(indexes.begin(), indexes.end(), [&](std::size_t a, std::size_t b) {
            return columns[a].run.started < columns[b].run.started;
        });
        for (std::size_t i = 1; i < indexes.size(); ++i) {
            diffs.push_back({indexes[i - 1], indexes[i],
                             diff_tests(columns[indexes[i - 1]].tests, columns[indexes[i]].tests)});
        }
    }
    return diffs;
}

}  // namespace

std::string run_info::label() const {
    if (implementation.empty()) return file;
    return version.empty() ? implementation : implementation + " " + version;
}

bool is_failing(const std::string& status) { return conformance::is_failure(status); }

site_model build_site_model(spec_text spec, const std::vector<report_file>& reports) {
    site_model model;
    model.spec = std::move(spec);
    for (const report_file& report : reports) {
        try {
            model.columns.push_back(column_of(model.spec, report));
        } catch (const json::exception& error) {
            throw report_error(
                fmt::format("{}: a field of \"driver\", \"run\" or \"clauses\" is of the wrong "
                            "type: {}",
                            report.path, error.what()));
        }
    }
    for (const clause_text& clause : model.spec.clauses) {
        const bool everywhere =
            !model.columns.empty() &&
            std::all_of(model.columns.begin(), model.columns.end(), [&](const column& each) {
                return each.cells.at(clause.id).status == "PASS";
            });
        if (everywhere) ++model.interop;
    }
    model.diffs = diffs_of(model.columns);
    return model;
}

}  // namespace startjoin::report_tool
