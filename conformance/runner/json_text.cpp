#include "json_text.hpp"

#include "visible_text.hpp"

namespace startjoin::conformance {
namespace {

nlohmann::json with_valid_text(const nlohmann::json& value) {
    if (value.is_string()) return valid_utf8_text(value.get_ref<const std::string&>());
    if (value.is_array()) {
        nlohmann::json copy = nlohmann::json::array();
        for (const auto& element : value) copy.push_back(with_valid_text(element));
        return copy;
    }
    if (value.is_object()) {
        nlohmann::json copy = nlohmann::json::object();
        for (const auto& [key, element] : value.items())
            copy[valid_utf8_text(key)] = with_valid_text(element);
        return copy;
    }
    return value;
}

}  // namespace

std::string json_text(const nlohmann::json& value, int indent) {
    try {
        return value.dump(indent);
    } catch (const nlohmann::json::type_error&) {
        // Only invalid UTF-8 makes dump() throw; copying is left to that rare case.
        return with_valid_text(value).dump(indent);
    }
}

}  // namespace startjoin::conformance
