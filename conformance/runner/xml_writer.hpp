// A minimal writer of well-formed XML, for the JUnit report: elements, attributes and text,
// each escaped, with any bytes made valid first (visible_text.hpp). Debian packages no
// maintained C++ XML writer; this is all a report needs.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace startjoin::conformance {

/// `text` escaped for XML character data (in_attribute false) or a double-quoted attribute
/// value (in_attribute true), after visible_text(). In an attribute, tab, newline and carriage
/// return become character references, which attribute-value normalization would otherwise
/// turn into spaces; in text, a carriage return does, which end-of-line handling would drop.
std::string xml_escaped(std::string_view text, bool in_attribute);

/// Builds a document in memory, indented two spaces per level:
///     xml_writer xml;
///     xml.open("testsuites", {{"tests", "3"}});
///     xml.element("testcase", {{"name", "Join.Blocks"}});
///     xml.close();
///     write(xml.document());
class xml_writer {
  public:
    using attributes = std::vector<std::pair<std::string, std::string>>;

    xml_writer();

    /// Starts element `name`; its content follows until the matching close().
    void open(std::string_view name, const attributes& attributes = {});
    /// Ends the element opened last.
    void close();
    /// An element with no content (`<name a="1"/>`) or with text only (`<name>text</name>`).
    void element(std::string_view name, const attributes& attributes = {});
    void element(std::string_view name, const attributes& attributes, std::string_view text);

    /// The document so far; complete once every open() is closed.
    const std::string& document() const { return document_; }

  private:
    void start_tag(std::string_view name, const attributes& attributes);

    std::string document_;
    std::vector<std::string> open_;
};

}  // namespace startjoin::conformance
