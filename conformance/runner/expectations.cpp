#include "expectations.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "suggested_expectations.hpp"

namespace startjoin::conformance {
namespace {

// `clause`: one clause ID, or a non-empty list of distinct ones.
template <class Problem>
std::vector<std::string> clause_ids(const nlohmann::json& value, const Problem& bad) {
    const char* shape = "'clause' must be a clause ID or a non-empty list of distinct clause IDs";
    if (value.is_string()) {
        if (value.get<std::string>().empty()) throw bad("'clause' must not be empty");
        return {value.get<std::string>()};
    }
    if (!value.is_array() || value.empty()) throw bad(shape);
    std::vector<std::string> ids;
    for (const nlohmann::json& id : value) {
        if (!id.is_string() || id.get<std::string>().empty()) throw bad(shape);
        if (std::find(ids.begin(), ids.end(), id.get<std::string>()) != ids.end()) {
            throw bad(fmt::format("'clause' names [{}] twice", id.get<std::string>()));
        }
        ids.push_back(id.get<std::string>());
    }
    return ids;
}

}  // namespace

bool expected_failure::names(const std::string& clause) const {
    return std::find(clauses.begin(), clauses.end(), clause) != clauses.end();
}

std::string expected_failure::clause_list() const {
    std::string list;
    for (const std::string& clause : clauses) list += (list.empty() ? "[" : ", [") + clause + "]";
    return list;
}

expectations expectations::read(const std::string& path) {
    // A folder opens as a stream and fails only on the first read, with a message that names
    // no file: say which file and why before reading.
    if (std::filesystem::is_directory(path))
        throw std::runtime_error("cannot read the expectations file " + path + ": it is a folder");
    std::ifstream file(path);
    if (!file) throw std::runtime_error("cannot read the expectations file " + path);
    nlohmann::json entries = nlohmann::json::parse(file, nullptr, false);
    if (entries.is_discarded() || !entries.is_array()) {
        throw std::runtime_error(path + ": must be a JSON array of expected failures");
    }
    expectations result;
    result.path_ = path;
    const std::set<std::string> known_fields = {"test", "clause",       "mode", "reason",
                                                "link", "intermittent", "case"};
    for (std::size_t index = 0; index < entries.size(); ++index) {
        const nlohmann::json& entry = entries[index];
        const auto bad = [&](const std::string& problem) {
            return std::runtime_error(fmt::format("{}: entry {}: {}", path, index, problem));
        };
        if (!entry.is_object()) throw bad("must be an object");
        for (const auto& [field, value] : entry.items()) {
            if (!known_fields.contains(field)) throw bad("unknown field '" + field + "'");
            if (field == "clause") continue;  // a string or a list: below
            if (field == "intermittent" ? !value.is_boolean() : !value.is_string()) {
                throw bad("'" + field + "' must be a " +
                          (field == "intermittent" ? "boolean" : "string"));
            }
        }
        expected_failure expected;
        expected.test = entry.value("test", "");
        if (entry.contains("clause")) expected.clauses = clause_ids(entry["clause"], bad);
        if (entry.contains("case")) {
            if (expected.test.empty() || expected.clauses.empty()) {
                throw bad(
                    "'case' needs a 'test' (the property) and a 'clause' (the one its failing "
                    "cases break)");
            }
        } else if (expected.test.empty() == expected.clauses.empty()) {
            throw bad("needs exactly one of 'test' and 'clause'");
        }
        std::string mode = entry.value("mode", "");
        std::transform(mode.begin(), mode.end(), mode.begin(), ::toupper);
        if (mode != "FAIL" && mode != "TIMEOUT" && mode != "CRASH") {
            throw bad("'mode' must be \"fail\", \"timeout\" or \"crash\"");
        }
        expected.mode = mode;
        expected.reason = entry.value("reason", "");
        if (expected.reason.empty()) throw bad("needs a 'reason': the real cause of the failure");
        if (expected.reason.starts_with(cause_placeholder)) {
            throw bad(
                fmt::format("({}) 'reason' is still the placeholder that "
                            "--suggest-expectations wrote: write the cause of the failure",
                            entry.value("test", entry.contains("clause") ? entry["clause"].dump()
                                                                         : std::string("?"))));
        }
        expected.link = entry.value("link", "");
        expected.intermittent = entry.value("intermittent", false);
        expected.case_text = entry.value("case", "");
        if (entry.contains("case")) {
            if (expected.case_text.empty()) throw bad("'case' must not be empty");
            if (expected.mode != "FAIL") throw bad("a 'case' entry's mode must be \"fail\"");
            try {
                expected.case_pattern = std::regex(expected.case_text);
            } catch (const std::regex_error& error) {
                throw bad(fmt::format("'case' is not a regular expression: {}", error.what()));
            }
        }
        result.entries_.push_back(std::move(expected));
    }
    return result;
}

const expected_failure* expectations::find(const std::string& name,
                                           const std::vector<std::string>& clauses) const {
    const expected_failure* by_clause = nullptr;
    for (const expected_failure& entry : entries_) {
        if (!entry.case_text.empty()) continue;
        if (entry.test == name) return &entry;
        if (!by_clause && std::any_of(clauses.begin(), clauses.end(),
                                      [&](const std::string& c) { return entry.names(c); }))
            by_clause = &entry;
    }
    return by_clause;
}

std::vector<const expected_failure*> expectations::known_cases(const std::string& name) const {
    std::vector<const expected_failure*> known;
    for (const expected_failure& entry : entries_) {
        if (!entry.case_text.empty() && entry.test == name) known.push_back(&entry);
    }
    return known;
}

std::vector<std::string> expectations::unmatched(
    const std::vector<std::string>& test_names,
    const std::vector<std::string>& cited_clauses) const {
    std::vector<std::string> stale;
    const auto has = [](const std::vector<std::string>& list, const std::string& item) {
        return std::find(list.begin(), list.end(), item) != list.end();
    };
    for (const expected_failure& entry : entries_) {
        if (!entry.test.empty() && !has(test_names, entry.test)) {
            stale.push_back(fmt::format("{}: test {} does not exist", path_, entry.test));
        }
        for (const std::string& clause : entry.clauses) {
            if (!has(cited_clauses, clause)) {
                stale.push_back(fmt::format("{}: no test checks clause [{}]", path_, clause));
            }
        }
    }
    return stale;
}

namespace {

std::string cause(const expected_failure& expectation) {
    return expectation.reason + (expectation.link.empty() ? "" : " (" + expectation.link + ")");
}

}  // namespace

std::string apply_known_cases(const std::vector<const expected_failure*>& known,
                              const known_case_tally& tally, const std::string& status,
                              std::string& message,
                              std::map<std::string, std::string>& clause_statuses) {
    std::string seen, stale;
    for (std::size_t i = 0; i < known.size(); ++i) {
        const int count = i < tally.seen.size() ? tally.seen[i] : 0;
        if (count > 0) {
            for (const std::string& clause : known[i]->clauses) clause_statuses[clause] = "XFAIL";
            seen +=
                fmt::format("\n  {} case{} of {} matched /{}/: {}", count, count == 1 ? "" : "s",
                            known[i]->clause_list(), known[i]->case_text, cause(*known[i]));
        } else if (status == "PASS" && !known[i]->intermittent && tally.ran_every_case) {
            for (const std::string& clause : known[i]->clauses) {
                if (!clause_statuses.contains(clause)) clause_statuses[clause] = "XPASS";
            }
            stale += fmt::format("\n  no case of {} matched /{}/: remove the expectation ({})",
                                 known[i]->clause_list(), known[i]->case_text, cause(*known[i]));
        }
    }
    std::string result = status;
    if (status == "PASS" && !stale.empty()) {
        result = "XPASS";
    } else if (status == "PASS" && !seen.empty()) {
        result = "XFAIL";
    }
    const std::string notes =
        (stale.empty() ? "" : "expected failures that did not happen:" + stale) +
        (stale.empty() || seen.empty() ? "" : "\n") +
        (seen.empty() ? ""
                      : "cases set aside as known deviations (the property searched on):" + seen);
    if (!notes.empty()) message = message.empty() ? notes : notes + "\n" + message;
    return result;
}

std::string apply_expectation(const expected_failure& expectation, const std::string& status,
                              std::string& message) {
    const std::string because = cause(expectation);
    if (status == "PASS" && expectation.intermittent) {
        message = fmt::format("passed this time; it fails intermittently: {}", because);
        return "PASS";
    }
    if (status == "PASS") {
        message = fmt::format("expected to {} but passed: remove the expectation ({})",
                              expectation.mode, because);
        return "XPASS";
    }
    if (status == expectation.mode) {
        message = fmt::format("expected failure: {}\n{}", because, message);
        return "XFAIL";
    }
    if (status == "SKIP") return status;
    message = fmt::format("expected {} but got {} (expectation: {})\n{}", expectation.mode, status,
                          because, message);
    return status;
}

}  // namespace startjoin::conformance
