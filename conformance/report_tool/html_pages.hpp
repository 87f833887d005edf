// The markup of the dashboard's pages, from the page model: the matrix (index.html), one page
// per clause (clauses/ID.html) and the diff page (diff.html). Every string of a report is
// escaped here (html_render.hpp); the pages use dashboard.css and dashboard.js beside index.html.
#pragma once

#include <string>

#include "site_model.hpp"

namespace startjoin::report_tool {

/// index.html: the scores, the interop figure, the filters and the clause x report matrix, each
/// cell's details (tests, messages, causes) in a hidden element that dashboard.js shows on
/// click.
std::string matrix_page(const site_model& model);

/// clauses/ID.html: the clause's text from the spec and every report's result for it.
std::string clause_page(const site_model& model, const clause_text& clause);

/// diff.html: per two reports of one implementation, what changed, new failures first.
std::string diff_page(const site_model& model);

/// The CSS class of a status: "status-pass", "status-not-run"; "status-other" for a status this
/// tool does not know.
std::string status_class(const std::string& status);

}  // namespace startjoin::report_tool
