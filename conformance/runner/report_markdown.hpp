// The per-clause summary as GitHub-flavoured Markdown (--report-markdown), for a CI job's page:
// `--report-markdown "$GITHUB_STEP_SUMMARY"` shows it under the job.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reporting.hpp"

namespace startjoin::conformance {

/// `text` made safe for one cell of a Markdown table: on one line, with `|`, backticks and
/// backslashes escaped, HTML's `<`, `>` and `&` as entities (GitHub renders inline HTML), and
/// bytes that are no text shown as `\xNN` (visible_text.hpp).
std::string markdown_cell(std::string_view text);

/// A heading naming the driver, the summary's totals line, and a table with one row per clause
/// (clause, passed/total, status, and for a clause that failed or was skipped the first line of
/// the message of its first test with that status).
std::string markdown_report(const std::vector<test_outcome>& outcomes,
                            const std::optional<hello_info>& hello);

}  // namespace startjoin::conformance
