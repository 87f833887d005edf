// Reads the spec's Markdown: its clauses (headings "### [id] statement") and its scenario blocks
// (fenced blocks tagged "scenario"), each attributed to the clause it follows.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace startjoin::conformance {

/// A problem at a place in a file; what() reads "spec/start-join.md:42: reason".
class located_error : public std::runtime_error {
  public:
    located_error(const std::string& file, int line, const std::string& reason)
        : std::runtime_error(file + ":" + std::to_string(line) + ": " + reason),
          file_(file),
          line_(line),
          reason_(reason) {}
    const std::string& file() const { return file_; }
    int line() const { return line_; }
    const std::string& reason() const { return reason_; }

  private:
    std::string file_;
    int line_;
    std::string reason_;
};

struct spec_clause {
    std::string id;  ///< without brackets: "join.after-exit"
    std::string title;
    std::string file;
    int line = 0;
    /// The rule says "(Profile `process` only.)": drivers of other profiles skip its tests.
    bool process_only = false;
};

struct scenario_block {
    std::string clause;  ///< the clause whose section holds the block
    std::string file;
    int first_line = 0;  ///< line of the first statement (the line after the fence)
    std::vector<std::string> lines;
};

struct spec_document {
    std::vector<spec_clause> clauses;
    std::vector<scenario_block> scenarios;
    /// Problems of the document itself: a duplicate clause ID, an unclosed fence, a scenario
    /// outside any clause. Each is reported as a failing test rather than stopping the run.
    std::vector<located_error> problems;

    const spec_clause* find(const std::string& id) const;
    spec_clause* find_mutable(const std::string& id);
};

/// Reads every *.md file of `directory`, in name order. Throws std::runtime_error naming the
/// path when the directory or a file cannot be read.
spec_document read_spec(const std::filesystem::path& directory);

/// What a `### [id] title` heading does in a Markdown file.
enum class headings {
    define,  ///< the spec: it defines clause `id`
    cite,    ///< tests/regressions/: it cites clause `id` of the spec for the blocks below it
};

/// Reads one Markdown text; `file` names it in messages.
void read_markdown(const std::string& text, const std::string& file, spec_document& into,
                   headings role = headings::define);

/// Reads the regression scenarios of `directory`: every *.md file but README.md, in name order,
/// whose headings cite clauses of `spec` (a heading citing an undefined clause is a problem).
/// Returns scenarios and problems only. A missing directory holds no regressions.
spec_document read_regressions(const std::filesystem::path& directory, const spec_document& spec);

}  // namespace startjoin::conformance
