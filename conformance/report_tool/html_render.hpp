// Text into HTML for the dashboard: every string from a report goes through escape_html or
// linkify (a failure message holding "<script>" must show as text, never run), and the spec's
// Markdown through md4c with raw HTML turned off.
#pragma once

#include <string>
#include <string_view>

namespace startjoin::report_tool {

/// `text` with & < > " ' as character references: safe as element content and as a quoted
/// attribute value.
std::string escape_html(std::string_view text);

/// escape_html(text), with each http:// or https:// URL in it made a link (the only schemes
/// linked, so a report cannot smuggle in a javascript: URL).
std::string linkify(std::string_view text);

/// The HTML of CommonMark `markdown` (GitHub's tables and autolinks too), raw HTML blocks and
/// spans escaped rather than passed through. Example:
///     markdown_to_html("**Rule.** `join()` blocks") ==
///         "<p><strong>Rule.</strong> <code>join()</code> blocks</p>\n"
std::string markdown_to_html(std::string_view markdown);

}  // namespace startjoin::report_tool
