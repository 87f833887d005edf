#include "report_markdown.hpp"

#include <fmt/format.h>

#include "fixture.hpp"
#include "visible_text.hpp"

namespace startjoin::conformance {
namespace {

// Why the clause has its status, in one line: the first line of the message of its first test
// whose status is the clause's (its worst). Nothing for a clause that passed.
std::string_view note_of(const clause_verdict& verdict) {
    if (verdict.status == "PASS" || verdict.status == "NOT RUN") return {};
    for (const test_outcome* test : verdict.tests) {
        if (test->status == verdict.status) return first_line(test->message);
    }
    return {};
}

}  // namespace

std::string markdown_cell(std::string_view text) {
    std::string cell;
    for (const char c : visible_text(text)) {
        switch (c) {
            case '|':
                cell += "\\|";
                break;
            case '`':
                cell += "\\`";
                break;
            case '\\':
                cell += "\\\\";
                break;
            case '<':
                cell += "&lt;";
                break;
            case '>':
                cell += "&gt;";
                break;
            case '&':
                cell += "&amp;";
                break;
            // A line break ends a table row.
            case '\n':
            case '\r':
                cell += ' ';
                break;
            default:
                cell += c;
        }
    }
    return cell;
}

std::string markdown_report(const std::vector<test_outcome>& outcomes,
                            const std::optional<hello_info>& hello) {
    const std::vector<clause_verdict> verdicts = clause_verdicts(outcomes);
    std::string text =
        fmt::format("### startjoin conformance of driver {}", markdown_cell(driver_command()));
    if (hello) {
        text += fmt::format(": {} {} (protocol {}, profile {})",
                            markdown_cell(hello->implementation), markdown_cell(hello->version),
                            hello->protocol, markdown_cell(hello->profile));
    }
    text += fmt::format("\n\n**{}**\n\n", markdown_cell(totals_text(outcomes, verdicts)));
    text += "| clause | tests | status | first message |\n|---|---|---|---|\n";
    for (const clause_verdict& verdict : verdicts) {
        text += fmt::format("| {} | {}/{} | {} | {} |\n", markdown_cell(verdict.id), verdict.passed,
                            verdict.tests.size(), verdict.status, markdown_cell(note_of(verdict)));
    }
    return text;
}

}  // namespace startjoin::conformance
