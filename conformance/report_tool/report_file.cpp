#include "report_file.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "report_format.hpp"

namespace startjoin::report_tool {

report_file read_report(const std::string& path) {
    if (std::filesystem::is_directory(path))
        throw report_error(path + ": is a folder, not a report");
    std::ifstream file(path);
    if (!file) throw report_error(path + ": cannot read the report");
    nlohmann::json document;
    try {
        document = nlohmann::json::parse(file);
    } catch (const nlohmann::json::parse_error& error) {
        // what() gives the line and column of the error.
        throw report_error(fmt::format("{}: not valid JSON: {}", path, error.what()));
    }
    return report_from_json(path, std::move(document));
}

report_file report_from_json(const std::string& path, nlohmann::json document) {
    using conformance::report_format_name;
    using conformance::report_format_version;
    if (!document.is_object()) throw report_error(path + ": a report must be a JSON object");
    const auto format = document.find("format");
    if (format == document.end()) {
        throw report_error(fmt::format(
            "{}: has no \"format\": a version 1 report (from a runner before 0.2.0); this tool "
            "reads {} version {}",
            path, report_format_name, report_format_version));
    }
    if (!format->is_object() || format->value("name", "") != report_format_name ||
        !format->contains("version") || !(*format)["version"].is_number_integer()) {
        throw report_error(fmt::format("{}: \"format\" is {}, not a {} format", path,
                                       format->dump(), report_format_name));
    }
    if (const int version = (*format)["version"].get<int>(); version != report_format_version) {
        throw report_error(fmt::format("{}: {} version {}; this tool reads version {}", path,
                                       report_format_name, version, report_format_version));
    }
    report_file report{path, std::move(document), {}};
    const auto tests = report.document.find("tests");
    if (tests == report.document.end() || !tests->is_array()) {
        throw report_error(path + ": has no \"tests\" array");
    }
    for (std::size_t index = 0; index < tests->size(); ++index) {
        try {
            report.tests.push_back(conformance::test_outcome_from_json((*tests)[index]));
        } catch (const nlohmann::json::exception& error) {
            throw report_error(fmt::format("{}: test {}: {}", path, index, error.what()));
        }
    }
    if (!report.document.contains("driver") || !report.document["driver"].is_object()) {
        throw report_error(path + ": has no \"driver\" object");
    }
    return report;
}

std::vector<std::string> spec_clauses_of(const report_file& report) {
    std::vector<std::string> clauses;
    for (const nlohmann::json& clause : report.document.value("clauses", nlohmann::json::array())) {
        if (clause.is_object() && clause.value("status", "") != "UNDEFINED") {
            clauses.push_back(clause.value("id", ""));
        }
    }
    return clauses;
}

}  // namespace startjoin::report_tool
