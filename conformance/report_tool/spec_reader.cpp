#include "spec_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "data_dirs.hpp"
#include "report_file.hpp"

namespace startjoin::report_tool {

namespace {

// "join() with a timeout" -> "join-with-a-timeout": letters and digits, runs of anything else
// as one hyphen.
std::string slug_of(const std::string& title) {
    std::string slug;
    for (const char c : title) {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            slug += c;
        } else if (c >= 'A' && c <= 'Z') {
            slug += static_cast<char>(c - 'A' + 'a');
        } else if (!slug.empty() && slug.back() != '-') {
            slug += '-';
        }
    }
    while (!slug.empty() && slug.back() == '-') slug.pop_back();
    return slug.empty() ? "section" : slug;
}

void trim_blank_lines(std::string& text) {
    while (text.starts_with("\n")) text.erase(0, 1);
    while (text.ends_with("\n\n")) text.pop_back();
}

}  // namespace

const clause_text* spec_text::find(const std::string& id) const {
    const auto found = std::find_if(clauses.begin(), clauses.end(),
                                    [&](const clause_text& clause) { return clause.id == id; });
    return found == clauses.end() ? nullptr : &*found;
}

spec_text parse_spec_text(const std::string& text, const std::string& path) {
    // The runner's heading syntax (spec_document.cpp): "### [section.name] title".
    static const std::regex clause_heading(R"(^###\s+\[([a-z0-9-]+\.[a-z0-9-]+)\]\s*(.*?)\s*$)");
    static const std::regex closing_heading(R"(^#{1,3}\s+(.*?)\s*$)");
    spec_text spec{path, {}, {}};
    std::map<std::string, int> slugs;
    std::istringstream input(text);
    std::string line;
    int number = 0;
    bool in_fence = false;
    clause_text* open = nullptr;  // the clause whose text the lines belong to
    while (std::getline(input, line)) {
        ++number;
        if (line.starts_with("```")) in_fence = !in_fence;
        std::smatch match;
        if (!in_fence && std::regex_match(line, match, clause_heading)) {
            const std::string id = match[1];
            if (const clause_text* earlier = spec.find(id)) {
                throw report_error(
                    fmt::format("{}:{}: clause [{}] is defined twice (first at line {})", path,
                                number, id, earlier->line));
            }
            if (spec.sections.empty()) spec.sections.push_back({"", "section", {}});
            spec.sections.back().clauses.push_back(id);
            spec.clauses.push_back({id, match[2], spec.sections.back().slug, "", number});
            open = &spec.clauses.back();
        } else if (!in_fence && std::regex_match(line, match, closing_heading)) {
            open = nullptr;
            if (line.starts_with("## ")) {
                std::string slug = slug_of(match[1]);
                if (const int seen = slugs[slug]++; seen > 0) slug += fmt::format("-{}", seen + 1);
                spec.sections.push_back({match[1], slug, {}});
            }
        } else if (open != nullptr) {
            open->markdown += line + "\n";
        }
    }
    if (spec.clauses.empty()) {
        throw report_error(path + ": defines no clause (no heading \"### [section.name] title\")");
    }
    for (clause_text& clause : spec.clauses) trim_blank_lines(clause.markdown);
    std::erase_if(spec.sections,
                  [](const spec_section& section) { return section.clauses.empty(); });
    return spec;
}

spec_text read_spec_text(const std::filesystem::path& path) {
    std::error_code error;
    const std::filesystem::path file =
        std::filesystem::is_directory(path, error) ? path / "start-join.md" : path;
    std::ifstream input(file);
    if (!input) throw report_error(file.string() + ": cannot read the spec");
    std::stringstream text;
    text << input.rdbuf();
    if (input.bad()) throw report_error(file.string() + ": cannot read the spec");
    return parse_spec_text(text.str(), file.string());
}

std::filesystem::path default_spec_path() {
    const std::vector<std::filesystem::path> candidates =
        conformance::data_candidates(STARTJOIN_INSTALLED_SPEC_DIR, STARTJOIN_SPEC_DIR);
    const auto directory = conformance::first_directory(candidates);
    return (directory ? *directory : candidates.back()) / "start-join.md";
}

}  // namespace startjoin::report_tool
