#include "shard.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace startjoin::conformance {
namespace {

constexpr const char* total_variable = "GTEST_TOTAL_SHARDS";
constexpr const char* index_variable = "GTEST_SHARD_INDEX";
constexpr const char* status_file_variable = "GTEST_SHARD_STATUS_FILE";

// A whole decimal number with nothing around it ("3", not " 3", "3x" or "").
std::optional<int> whole_number(std::string_view text) {
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

test_shard parse_shard(std::string_view text) {
    const auto slash = text.find('/');
    const auto number =
        slash == std::string_view::npos ? std::nullopt : whole_number(text.substr(0, slash));
    const auto total =
        slash == std::string_view::npos ? std::nullopt : whole_number(text.substr(slash + 1));
    if (!number || !total) {
        throw std::invalid_argument(
            fmt::format("--shard needs K/N, the K-th of N shards (such as 1/3), not '{}'", text));
    }
    if (*total < 1) {
        throw std::invalid_argument(
            fmt::format("--shard {}: N, the number of shards, must be at least 1", text));
    }
    if (*number < 1 || *number > *total) {
        // The likeliest mistake is a 0-based index, as GTEST_SHARD_INDEX takes it.
        throw std::invalid_argument(
            fmt::format("--shard {}: shards are numbered from 1, so K must be 1 to {} (--shard "
                        "1/{} .. {}/{}; GTEST_SHARD_INDEX=0 is --shard 1/N)",
                        text, *total, *total, *total, *total));
    }
    return {*number, *total};
}

std::optional<test_shard> shard_from_environment() {
    const char* total_text = std::getenv(total_variable);
    const char* index_text = std::getenv(index_variable);
    if (total_text == nullptr && index_text == nullptr) return std::nullopt;
    if (total_text == nullptr || index_text == nullptr) {
        throw std::invalid_argument(fmt::format("{} is set but {} is not; set both or neither",
                                                total_text ? total_variable : index_variable,
                                                total_text ? index_variable : total_variable));
    }
    const auto total = whole_number(total_text);
    const auto index = whole_number(index_text);
    if (!total || !index || *total < 1 || *index < 0 || *index >= *total) {
        throw std::invalid_argument(
            fmt::format("{}={} and {}={} are not a shard: they need 0 <= {} < {} (whole numbers)",
                        total_variable, total_text, index_variable, index_text, index_variable,
                        total_variable));
    }
    return test_shard{*index + 1, *total};
}

std::optional<test_shard> resolve_shard(const std::optional<test_shard>& flag,
                                        const std::optional<test_shard>& environment) {
    if (flag && environment && *flag != *environment) {
        throw std::invalid_argument(fmt::format(
            "--shard {}/{} contradicts {}={} {}={} (that is --shard {}/{}); give one of them",
            flag->number, flag->total, total_variable, environment->total, index_variable,
            environment->number - 1, environment->number, environment->total));
    }
    return flag ? flag : environment;
}

std::vector<std::string> tests_of_shard(const std::vector<std::string>& tests,
                                        const test_shard& which) {
    std::vector<std::string> taken;
    for (std::size_t i = which.number - 1; i < tests.size(); i += which.total) {
        taken.push_back(tests[i]);
    }
    return taken;
}

std::optional<std::string> take_sharding_environment() {
    if (const char* path = std::getenv(status_file_variable)) {
        std::ofstream file(path, std::ios::trunc);
        if (!file) {
            return fmt::format("cannot write {}={}: {}", status_file_variable, path,
                               std::strerror(errno));
        }
    }
    for (const char* name : {total_variable, index_variable, status_file_variable}) {
        ::unsetenv(name);
    }
    return std::nullopt;
}

bool is_sharding_variable(std::string_view entry) {
    for (const char* name : {total_variable, index_variable, status_file_variable}) {
        if (entry.starts_with(std::string(name) + "=")) return true;
    }
    return false;
}

}  // namespace startjoin::conformance
