// The JSON text of a report. Messages carry what drivers and implementations printed, which may
// be any bytes; nlohmann::json refuses to write a string that is not valid UTF-8, and the whole
// report would be lost for one stray byte. Such bytes are written as visible `\xNN` instead.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace startjoin::conformance {

/// `value` as JSON text (indented by `indent` spaces, or on one line when negative), every
/// string and key in it made valid UTF-8 by valid_utf8_text().
std::string json_text(const nlohmann::json& value, int indent = -1);

}  // namespace startjoin::conformance
