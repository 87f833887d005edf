// The escaping under the JSON, JUnit and Markdown reports, on bytes a real run cannot easily
// produce in every place (invalid UTF-8 from a driver): they must stay visible and leave valid
// output.
#include <gtest/gtest.h>

#include <string>

#include "json_text.hpp"
#include "report_markdown.hpp"
#include "visible_text.hpp"
#include "xml_writer.hpp"

namespace startjoin::conformance {
namespace {

TEST(VisibleText, KeepsValidUtf8AndWhitespace) {
    EXPECT_EQ(visible_text("a\tb\nc\r \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
              "a\tb\nc\r \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
}

TEST(VisibleText, EscapesControlCharactersAndInvalidBytes) {
    EXPECT_EQ(visible_text(std::string("a\x01"
                                       "b\x7f"
                                       "c\0d",
                                       7)),
              "a\\x01b\\x7fc\\x00d");
    EXPECT_EQ(visible_text("\xff\xfe"), "\\xff\\xfe");
    EXPECT_EQ(visible_text("\xc3"), "\\xc3");                    // truncated sequence
    EXPECT_EQ(visible_text("\xc0\xaf"), "\\xc0\\xaf");           // overlong '/'
    EXPECT_EQ(visible_text("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
    EXPECT_EQ(visible_text("\xef\xbf\xbe"), "\\xef\\xbf\\xbe");  // U+FFFE, no XML character
    EXPECT_EQ(visible_text("\xe2\x82x"), "\\xe2\\x82x");         // resynchronizes at the next byte
}

TEST(ValidUtf8Text, EscapesOnlyBrokenUtf8) {
    // JSON carries any character (control characters as \u0001), but no broken UTF-8.
    EXPECT_EQ(valid_utf8_text("a\x01\x7f \xc3\xa9 \xef\xbf\xbe"),
              "a\x01\x7f \xc3\xa9 \xef\xbf\xbe");
    EXPECT_EQ(valid_utf8_text("\xff\xfe ok \xc3"), "\\xff\\xfe ok \\xc3");
}

TEST(JsonText, WritesBrokenUtf8AsVisibleEscapes) {
    const nlohmann::json report = {{"message", "stderr: \xff!"}, {"keys", {{"\xfe", 1}}}};
    EXPECT_EQ(json_text(report), R"({"keys":{"\\xfe":1},"message":"stderr: \\xff!"})");
    EXPECT_EQ(json_text(nlohmann::json{{"a", "\xc3\xa9"}}), "{\"a\":\"\xc3\xa9\"}");
}

TEST(XmlEscaped, EscapesMarkupAndKeepsWhitespaceThroughParsing) {
    EXPECT_EQ(xml_escaped("<a href=\"x\">&]]></a>", false),
              "&lt;a href=\"x\"&gt;&amp;]]&gt;&lt;/a&gt;");
    EXPECT_EQ(xml_escaped("\"a\"\n\tb\r", true), "&quot;a&quot;&#10;&#9;b&#13;");
    EXPECT_EQ(xml_escaped("x\x01y", false), "x\\x01y");
}

TEST(XmlWriter, NestsAndClosesElements) {
    xml_writer xml;
    xml.open("a", {{"n", "1"}});
    xml.element("b", {{"m", "<"}});
    xml.element("c", {}, "t&");
    xml.close();
    EXPECT_EQ(xml.document(),
              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<a n=\"1\">\n  <b m=\"&lt;\"/>\n  <c>t&amp;</c>\n</a>\n");
}

// A backslash is escaped too: unescaped, "\\|" would end the cell at its pipe. So the visible
// escape \x01 reads \\x01 in the Markdown source, and \x01 on the page.
TEST(MarkdownCell, StaysInOneCell) {
    EXPECT_EQ(markdown_cell("a|b `c` <d> & e\\\nf\x01\xff"),
              "a\\|b \\`c\\` &lt;d&gt; &amp; e\\\\ f\\\\x01\\\\xff");
    EXPECT_EQ(markdown_cell("\\|"), "\\\\\\|");
}

}  // namespace
}  // namespace startjoin::conformance
