#include "visible_text.hpp"

#include <fmt/format.h>

namespace startjoin::conformance {
namespace {

// The length of the well-formed UTF-8 sequence at the start of `text` (RFC 3629: no overlong
// forms, no surrogates, nothing past U+10FFFF), or 0 if there is none; its code point in `code`.
std::size_t utf8_length(std::string_view text, char32_t& code) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(0);
    std::size_t length = 0;
    if (lead < 0x80) {
        code = lead;
        return 1;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2, code = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3, code = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4, code = lead & 0x07;
    } else {
        return 0;
    }
    if (text.size() < length) return 0;
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(i) & 0xC0) != 0x80) return 0;
        code = (code << 6) | (byte(i) & 0x3F);
    }
    const bool overlong = (length == 3 && code < 0x800) || (length == 4 && code < 0x10000);
    const bool surrogate = code >= 0xD800 && code <= 0xDFFF;
    return overlong || surrogate || code > 0x10FFFF ? 0 : length;
}

// XML 1.0's Char production, minus nothing: the characters a report may carry as they are.
bool allowed_in_xml(char32_t code) {
    return code == 0x9 || code == 0xA || code == 0xD || (code >= 0x20 && code <= 0xD7FF) ||
           (code >= 0xE000 && code <= 0xFFFD) || (code >= 0x10000 && code <= 0x10FFFF);
}

// `text` with every byte that `keep` rejects written as `\xNN`: a valid character that is not
// kept shows all its bytes; a broken sequence shows one byte and resynchronizes at the next.
template <typename Keep>
std::string escaped_unless(std::string_view text, Keep keep) {
    std::string visible;
    visible.reserve(text.size());
    while (!text.empty()) {
        char32_t code = 0;
        std::size_t length = utf8_length(text, code);
        if (length > 0 && keep(code)) {
            visible.append(text.substr(0, length));
        } else {
            length = length > 0 ? length : 1;
            for (std::size_t i = 0; i < length; ++i) {
                visible += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[i]));
            }
        }
        text.remove_prefix(length);
    }
    return visible;
}

}  // namespace

std::string visible_text(std::string_view text) {
    return escaped_unless(text, [](char32_t code) { return allowed_in_xml(code) && code != 0x7F; });
}

std::string valid_utf8_text(std::string_view text) {
    return escaped_unless(text, [](char32_t) { return true; });
}

std::string_view first_line(std::string_view text) { return text.substr(0, text.find('\n')); }

}  // namespace startjoin::conformance
