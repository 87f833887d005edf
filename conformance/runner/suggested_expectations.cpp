#include "suggested_expectations.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

namespace startjoin::conformance {
namespace {

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string placeholder_reason(const std::string& observed) {
    return std::string(cause_placeholder) +
           ": replace this with why it fails (a source line, a documented behaviour, an "
           "upstream bug report). Observed: " +
           observed;
}

std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

}  // namespace

std::string case_pattern_for(const std::string& what) {
    // "[clause] " is matched by the clause field; the pattern is the text after it.
    std::string text = what;
    if (text.starts_with("[")) {
        if (const std::size_t close = text.find("] "); close != std::string::npos) {
            text = text.substr(close + 2);
        }
    }
    static const std::regex token(R"(\bp[0-9]+\b|-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?)");
    std::string pattern;
    std::size_t done = 0;
    const auto escaped = [](const std::string& plain) {
        std::string out;
        for (const char c : plain) {
            if (std::string_view(R"(\^$.|?*+()[]{}/)").find(c) != std::string_view::npos) {
                out += '\\';
            }
            out += c;
        }
        return out;
    };
    for (auto it = std::sregex_iterator(text.begin(), text.end(), token);
         it != std::sregex_iterator(); ++it) {
        pattern += escaped(text.substr(done, static_cast<std::size_t>(it->position()) - done));
        pattern += it->str().starts_with("p") ? "p[0-9]+" : "-?[0-9][0-9.eE+-]*";
        done = static_cast<std::size_t>(it->position() + it->length());
    }
    return pattern + escaped(text.substr(done));
}

std::string suggested_expectations(const std::vector<test_outcome>& outcomes,
                                   const std::optional<std::string>& current) {
    nlohmann::json entries = nlohmann::json::array();
    std::set<std::string> passed_unexpectedly;
    for (const test_outcome& outcome : outcomes) {
        if (outcome.status == "XPASS") passed_unexpectedly.insert(outcome.name);
    }
    if (current) {
        std::ifstream file(*current);
        const nlohmann::json kept = nlohmann::json::parse(file, nullptr, false);
        for (const nlohmann::json& entry : kept.is_array() ? kept : nlohmann::json::array()) {
            // A whole-test entry of a test that passed is stale; a known case stays (whether
            // it showed in this run is a matter of its cases: see `intermittent`).
            if (entry.is_object() && !entry.contains("case") &&
                passed_unexpectedly.contains(entry.value("test", ""))) {
                continue;
            }
            entries.push_back(entry);
        }
    }
    for (const test_outcome& outcome : outcomes) {
        if (outcome.status != "FAIL" && outcome.status != "TIMEOUT" && outcome.status != "CRASH") {
            continue;
        }
        bool named_every_deviation = outcome.status == "FAIL" && !outcome.deviations.empty();
        for (const auto& [clause, what] : outcome.deviations)
            named_every_deviation &= !clause.empty();
        if (named_every_deviation) {
            for (const auto& [clause, what] : outcome.deviations) {
                entries.push_back({{"test", outcome.name},
                                   {"clause", {clause}},
                                   {"case", case_pattern_for(first_line(what))},
                                   {"mode", "fail"},
                                   {"reason", placeholder_reason(first_line(what))}});
            }
            continue;
        }
        entries.push_back({{"test", outcome.name},
                           {"mode", lower(outcome.status)},
                           {"reason", placeholder_reason(first_line(outcome.message))}});
    }
    return entries.dump(2) + "\n";
}

}  // namespace startjoin::conformance
