// `startjoin-report html`: the dashboard written as static files, to be opened from file:// with
// no server and no network: index.html (the matrix), diff.html, clauses/ID.html per clause, and
// the dashboard.css and dashboard.js they share (site/ in the sources, compiled into the tool).
#pragma once

#include <filesystem>

#include "site_model.hpp"

namespace startjoin::report_tool {

/// Writes the site of `model` into `folder`, creating it if need be; files of an earlier site
/// there are replaced. Throws report_error naming the path that cannot be written.
void write_site(const site_model& model, const std::filesystem::path& folder);

}  // namespace startjoin::report_tool
