// startjoin-report merge A.json B.json ... -o OUT.json
// startjoin-report diff OLD.json NEW.json
// startjoin-report html REPORT.json... -o SITE/ [--spec PATH]
// Works on the JSON reports of startjoin-conformance (--report-json): merges the reports of
// shards into one, lists what changed between two runs, or builds the dashboard of any number of
// runs. Exit status: 0 done (diff: no regression), 1 diff found a regression, 2 usage or input
// error (nothing written).
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "diff.hpp"
#include "merge.hpp"
#include "report_file.hpp"
#include "site_model.hpp"
#include "site_writer.hpp"
#include "spec_reader.hpp"

namespace {

using namespace startjoin::report_tool;

constexpr const char* usage =
    "usage: startjoin-report merge REPORT.json... -o OUT.json\n"
    "       startjoin-report diff OLD.json NEW.json\n"
    "       startjoin-report html REPORT.json... -o SITE/ [--spec PATH]\n"
    "\n"
    "Reads JSON reports of startjoin-conformance (--report-json, format version 2).\n"
    "  merge  the reports of shards of one driver as one report: the union of the tests,\n"
    "         clause verdicts and totals recomputed, \"merged_from\" naming the inputs\n"
    "  diff   what changed per test: regressions first, then fixed, other changes, added,\n"
    "         removed\n"
    "  html   a static site (open SITE/index.html, no server needed): the clause x report\n"
    "         matrix with scores and interop, a page per clause with its text from the spec,\n"
    "         what changed between reports of one implementation. --spec: spec/start-join.md\n"
    "         or its folder (default: the installed spec, else the source tree's)\n"
    "Exit status: 0 done (diff: no regression), 1 diff found a regression, 2 usage or\n"
    "input error.\n";

int usage_error(const std::string& problem) {
    fmt::print(stderr, "startjoin-report: {}\n{}", problem, usage);
    return 2;
}

int merge(const std::vector<std::string>& arguments) {
    std::vector<std::string> paths;
    std::string output;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        if (arguments[i] == "-o" || arguments[i] == "--output") {
            if (i + 1 == arguments.size()) return usage_error(arguments[i] + " needs a file name");
            output = arguments[++i];
        } else if (arguments[i].starts_with("-")) {
            return usage_error("unknown option " + arguments[i]);
        } else {
            paths.push_back(arguments[i]);
        }
    }
    if (output.empty()) return usage_error("merge needs -o OUT.json");
    if (paths.empty()) return usage_error("merge needs at least one report");
    std::vector<report_file> inputs;
    for (const std::string& path : paths) inputs.push_back(read_report(path));
    const std::string text = merge_reports(inputs).dump(2) + "\n";
    std::ofstream file(output, std::ios::trunc);
    file << text;
    file.flush();
    if (!file) throw report_error(output + ": cannot write the merged report");
    return 0;
}

int diff(const std::vector<std::string>& arguments) {
    if (arguments.size() != 2) return usage_error("diff needs two reports: OLD.json NEW.json");
    const report_file old_report = read_report(arguments[0]);
    const report_file new_report = read_report(arguments[1]);
    const report_diff changes = diff_tests(old_report.tests, new_report.tests);
    fmt::print("{}", diff_text(changes));
    return changes.has_regression() ? 1 : 0;
}

int html(const std::vector<std::string>& arguments) {
    std::vector<std::string> paths;
    std::string output, spec;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        if (arguments[i] == "-o" || arguments[i] == "--output" || arguments[i] == "--spec") {
            if (i + 1 == arguments.size()) return usage_error(arguments[i] + " needs a path");
            (arguments[i] == "--spec" ? spec : output) = arguments[i + 1];
            ++i;
        } else if (arguments[i].starts_with("-")) {
            return usage_error("unknown option " + arguments[i]);
        } else {
            paths.push_back(arguments[i]);
        }
    }
    if (output.empty()) return usage_error("html needs -o SITE/ (the folder to write)");
    if (paths.empty()) return usage_error("html needs at least one report");
    // Every input is read and checked before anything is written.
    spec_text text =
        read_spec_text(spec.empty() ? default_spec_path() : std::filesystem::path(spec));
    std::vector<report_file> inputs;
    for (const std::string& path : paths) inputs.push_back(read_report(path));
    const site_model model = build_site_model(std::move(text), inputs);
    write_site(model, output);
    fmt::print("{}: {} report{}, {} clauses, interop {}/{}\n",
               (std::filesystem::path(output) / "index.html").string(), inputs.size(),
               inputs.size() == 1 ? "" : "s", model.spec.clauses.size(), model.interop,
               model.spec.clauses.size());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> arguments(argv + 1, argv + argc);
    if (arguments.empty()) return usage_error("no command");
    if (arguments[0] == "--help" || arguments[0] == "-h") {
        fmt::print("{}", usage);
        return 0;
    }
    const std::vector<std::string> rest(arguments.begin() + 1, arguments.end());
    try {
        if (arguments[0] == "merge") return merge(rest);
        if (arguments[0] == "diff") return diff(rest);
        if (arguments[0] == "html") return html(rest);
    } catch (const report_error& error) {
        fmt::print(stderr, "startjoin-report: {}\n", error.what());
        return 2;
    } catch (const nlohmann::json::exception& error) {
        // A field of the wrong type that read_report does not check (in "run", say).
        fmt::print(stderr, "startjoin-report: a report has a field of the wrong type: {}\n",
                   error.what());
        return 2;
    }
    return usage_error("unknown command " + arguments[0]);
}
