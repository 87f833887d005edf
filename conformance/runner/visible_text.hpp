// Text from drivers and implementations (failure messages, captured stderr) may hold any bytes.
// Report formats that CI systems read (JUnit XML, Markdown) must stay valid, and a byte a
// reader cannot show must still be seen: such bytes become visible escapes, never dropped.
#pragma once

#include <string>
#include <string_view>

namespace startjoin::conformance {

/// `text` as valid UTF-8 holding only characters XML 1.0 allows: every byte of an invalid UTF-8
/// sequence, every control character but tab, newline and carriage return, and U+FFFE/U+FFFF
/// become `\xNN` (one per byte), so "a\x01b" reads `a\x01b`. A backslash is kept as it is.
std::string visible_text(std::string_view text);

/// `text` as valid UTF-8: every byte of an invalid sequence becomes `\xNN`, everything else is
/// kept (for JSON, which can carry any character but no broken UTF-8).
std::string valid_utf8_text(std::string_view text);

/// The first line of `text` (up to the first newline), for one-line summaries.
std::string_view first_line(std::string_view text);

}  // namespace startjoin::conformance
