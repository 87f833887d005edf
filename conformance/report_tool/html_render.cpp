#include "html_render.hpp"

#include <md4c-html.h>

#include <stdexcept>

namespace startjoin::report_tool {

std::string escape_html(std::string_view text) {
    std::string html;
    html.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                html += "&amp;";
                break;
            case '<':
                html += "&lt;";
                break;
            case '>':
                html += "&gt;";
                break;
            case '"':
                html += "&quot;";
                break;
            case '\'':
                html += "&#39;";
                break;
            default:
                html += c;
        }
    }
    return html;
}

namespace {

// Where a URL starting at `start` ends: at white space, a quote or an angle bracket, less the
// punctuation that ends a sentence or closes the parentheses the runner puts around a link.
std::size_t url_end(std::string_view text, std::size_t start) {
    std::size_t end = start;
    while (end < text.size() && text[end] > ' ' && text[end] != '"' && text[end] != '\'' &&
           text[end] != '<' && text[end] != '>') {
        ++end;
    }
    while (end > start &&
           std::string_view(".,;:)]").find(text[end - 1]) != std::string_view::npos) {
        const bool balanced_parenthesis =
            text[end - 1] == ')' &&
            text.substr(start, end - start).find('(') != std::string_view::npos;
        if (balanced_parenthesis) break;
        --end;
    }
    return end;
}

}  // namespace

std::string linkify(std::string_view text) {
    std::string html;
    std::size_t done = 0;
    while (done < text.size()) {
        std::size_t found = text.find("http", done);
        while (found != std::string_view::npos && !text.substr(found).starts_with("http://") &&
               !text.substr(found).starts_with("https://")) {
            found = text.find("http", found + 4);
        }
        if (found == std::string_view::npos) break;
        const std::size_t end = url_end(text, found);
        const std::string_view scheme =
            text.substr(found).starts_with("https://") ? "https://" : "http://";
        if (end <= found + scheme.size()) {  // a bare "http://": no URL
            html += escape_html(text.substr(done, end - done));
            done = end;
            continue;
        }
        const std::string url = escape_html(text.substr(found, end - found));
        html += escape_html(text.substr(done, found - done));
        html += "<a href=\"" + url + "\" rel=\"noreferrer\">" + url + "</a>";
        done = end;
    }
    html += escape_html(text.substr(done));
    return html;
}

std::string markdown_to_html(std::string_view markdown) {
    std::string html;
    const auto append = [](const MD_CHAR* text, MD_SIZE size, void* into) {
        static_cast<std::string*>(into)->append(text, size);
    };
    if (md_html(markdown.data(), static_cast<MD_SIZE>(markdown.size()), append, &html,
                MD_DIALECT_GITHUB | MD_FLAG_NOHTML, 0) != 0) {
        // md4c fails only when it cannot allocate memory.
        throw std::runtime_error("md4c could not render the spec's Markdown");
    }
    return html;
}

}  // namespace startjoin::report_tool
