#include "spec_document.hpp"

#include <algorithm>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>

namespace startjoin::conformance {

const spec_clause* spec_document::find(const std::string& id) const {
    return const_cast<spec_document*>(this)->find_mutable(id);
}

spec_clause* spec_document::find_mutable(const std::string& id) {
    const auto found = std::find_if(clauses.begin(), clauses.end(),
                                    [&](const spec_clause& c) { return c.id == id; });
    return found == clauses.end() ? nullptr : &*found;
}
void read_markdown(const std::string& text, const std::string& file, spec_document& into,
                   headings role) {
    static const std::regex clause_heading(R"(^###\s+\[([a-z0-9-]+\.[a-z0-9-]+)\]\s*(.*?)\s*$)");
    static const std::regex any_heading(R"(^#{1,6}\s)");
    std::istringstream input(text);
    std::string line;
    int number = 0;
    std::string current_clause;
    std::optional<scenario_block> open_block;
    bool in_other_fence = false;
    while (std::getline(input, line)) {
        ++number;
        if (open_block) {
            if (line.starts_with("```")) {
                into.scenarios.push_back(std::move(*open_block));
                open_block.reset();
            } else {
                open_block->lines.push_back(line);
            }
            continue;
        }
        if (line.starts_with("```")) {
            if (in_other_fence) {
                in_other_fence = false;
            } else if (line.substr(3).starts_with("scenario")) {
                if (current_clause.empty()) {
                    into.problems.emplace_back(file, number, "scenario block outside any clause");
                }
                open_block = scenario_block{current_clause, file, number + 1, {}};
            } else {
                in_other_fence = true;
            }
            continue;
        }
        if (in_other_fence) continue;
        std::smatch match;
        if (!current_clause.empty() &&
            line.find("(Profile `process` only.)") != std::string::npos) {
            if (spec_clause* clause = into.find_mutable(current_clause))
                clause->process_only = true;
        }
        if (std::regex_match(line, match, clause_heading) && role == headings::cite) {
            current_clause = match[1];
        } else if (std::regex_match(line, match, clause_heading)) {
            const std::string id = match[1];
            if (const spec_clause* earlier = into.find(id)) {
                into.problems.emplace_back(file, number,
                                           "clause [" + id + "] is defined twice (first at " +
                                               earlier->file + ":" + std::to_string(earlier->line) +
                                               ")");
            } else {
                into.clauses.push_back({id, match[2], file, number});
            }
            current_clause = id;
        } else if (std::regex_search(line, any_heading)) {
            current_clause.clear();  // a scenario belongs to the clause directly above it
        }
    }
    if (open_block) {
        into.problems.emplace_back(file, open_block->first_line - 1,
                                   "scenario block is never closed with ```");
    }
}

spec_document read_regressions(const std::filesystem::path& directory, const spec_document& spec) {
    spec_document document;
    std::error_code error;
    if (!std::filesystem::exists(directory, error)) return document;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
        if (entry.path().extension() == ".md" && entry.path().filename() != "README.md")
            files.push_back(entry.path());
    }
    if (error)
        throw std::runtime_error("cannot read the regressions directory " + directory.string() +
                                 ": " + error.message());
    std::sort(files.begin(), files.end());
    for (const auto& path : files) {
        std::ifstream file(path);
        std::stringstream text;
        text << file.rdbuf();
        if (!file) throw std::runtime_error("cannot read " + path.string());
        read_markdown(text.str(), "tests/regressions/" + path.filename().string(), document,
                      headings::cite);
    }
    for (const scenario_block& block : document.scenarios) {
        if (!block.clause.empty() && spec.find(block.clause) == nullptr) {
            document.problems.emplace_back(
                block.file, block.first_line - 1,
                "the scenario cites [" + block.clause + "], which the spec does not define");
        }
    }
    return document;
}

spec_document read_spec(const std::filesystem::path& directory) {
    std::vector<std::filesystem::path> files;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
        if (entry.path().extension() == ".md") files.push_back(entry.path());
    }
    if (error)
        throw std::runtime_error("cannot read the spec directory " + directory.string() + ": " +
                                 error.message());
    std::sort(files.begin(), files.end());
    spec_document document;
    for (const auto& path : files) {
        std::ifstream file(path);
        std::stringstream text;
        text << file.rdbuf();
        if (!file) throw std::runtime_error("cannot read " + path.string());
        read_markdown(text.str(), "spec/" + path.filename().string(), document);
    }
    if (document.clauses.empty()) {
        throw std::runtime_error("no clause (### [id] ...) found in " + directory.string());
    }
    return document;
}

}  // namespace startjoin::conformance
