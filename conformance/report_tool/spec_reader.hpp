// The spec's text for the dashboard's clause pages: each clause of spec/start-join.md (a heading
// "### [id] title") with the Markdown under it (rule, why, commonly wrong, example), grouped by
// the section ("## title") that holds it. The runner's spec_document.hpp reads the same headings
// for other ends (scenarios, traceability) and keeps no text.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace startjoin::report_tool {

struct clause_text {
    std::string id;        ///< without brackets: "join.after-exit"
    std::string title;     ///< the heading after the ID
    std::string section;   ///< the slug of its section
    std::string markdown;  ///< everything under the heading up to the next heading of level 1-3
    int line = 0;          ///< the heading's line
};

struct spec_section {
    std::string title;  ///< "join() with a timeout"
    std::string slug;   ///< "join-with-a-timeout", unique in the spec
    std::vector<std::string> clauses;
};

struct spec_text {
    std::string path;
    std::vector<spec_section> sections;  ///< those holding clauses, in the spec's order
    std::vector<clause_text> clauses;    ///< in the spec's order

    const clause_text* find(const std::string& id) const;
};

/// Reads the spec at `path`: a Markdown file, or a directory holding start-join.md. Throws
/// report_error naming the file when it cannot be read, defines a clause twice or defines none.
spec_text read_spec_text(const std::filesystem::path& path);

/// Parses the spec's Markdown `text`; `path` names it in errors.
spec_text parse_spec_text(const std::string& text, const std::string& path);

/// Where the spec is when no --spec names it: share/startjoin/spec/start-join.md beside an
/// installed startjoin-report, else the source tree's (the runner's data_dirs.hpp rules).
std::filesystem::path default_spec_path();

}  // namespace startjoin::report_tool
