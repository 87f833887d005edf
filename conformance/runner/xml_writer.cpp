#include "xml_writer.hpp"

#include "visible_text.hpp"

namespace startjoin::conformance {

std::string xml_escaped(std::string_view text, bool in_attribute) {
    const std::string visible = visible_text(text);
    std::string escaped;
    escaped.reserve(visible.size());
    for (const char c : visible) {
        switch (c) {
            case '&':
                escaped += "&amp;";
                break;
            case '<':
                escaped += "&lt;";
                break;
            // Always, so that "]]>" can never appear in character data.
            case '>':
                escaped += "&gt;";
                break;
            case '"':
                escaped += in_attribute ? "&quot;" : "\"";
                break;
            case '\r':
                escaped += "&#13;";
                break;
            case '\n':
                escaped += in_attribute ? "&#10;" : "\n";
                break;
            case '\t':
                escaped += in_attribute ? "&#9;" : "\t";
                break;
            default:
                escaped += c;
        }
    }
    return escaped;
}

xml_writer::xml_writer() : document_("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") {}

void xml_writer::start_tag(std::string_view name, const attributes& attributes) {
    document_.append(2 * open_.size(), ' ');
    document_ += '<';
    document_ += name;
    for (const auto& [key, value] : attributes) {
        document_ += ' ' + key + "=\"" + xml_escaped(value, true) + '"';
    }
}

void xml_writer::open(std::string_view name, const attributes& attributes) {
    start_tag(name, attributes);
    document_ += ">\n";
    open_.emplace_back(name);
}

void xml_writer::close() {
    const std::string name = std::move(open_.back());
    open_.pop_back();
    document_.append(2 * open_.size(), ' ');
    document_ += "</" + name + ">\n";
}

void xml_writer::element(std::string_view name, const attributes& attributes) {
    start_tag(name, attributes);
    document_ += "/>\n";
}

void xml_writer::element(std::string_view name, const attributes& attributes,
                         std::string_view text) {
    start_tag(name, attributes);
    document_ += '>' + xml_escaped(text, false) + "</";
    document_ += name;
    document_ += ">\n";
}

}  // namespace startjoin::conformance
