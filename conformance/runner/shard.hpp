// Sharding: one run takes a fixed part of the selected tests, so that CI jobs on several
// machines together run the whole suite once. --shard K/N numbers shards from 1 (K = 1..N, as
// Playwright, Jest and GitLab's CI_NODE_INDEX do); GoogleTest's GTEST_SHARD_INDEX numbers them
// from 0, so GTEST_TOTAL_SHARDS=N GTEST_SHARD_INDEX=K-1 is the same shard as --shard K/N.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace startjoin::conformance {

struct test_shard {
    int number = 1;  ///< 1-based: 1..total
    int total = 1;
    friend bool operator==(const test_shard&, const test_shard&) = default;
};

/// "K/N" as --shard takes it. Throws std::invalid_argument saying what is wrong.
test_shard parse_shard(std::string_view text);

/// The shard GTEST_TOTAL_SHARDS and GTEST_SHARD_INDEX name, none if neither is set. Throws
/// std::invalid_argument if only one is set or they are not a shard (GTEST_SHARD_INDEX must be
/// 0 .. GTEST_TOTAL_SHARDS - 1).
std::optional<test_shard> shard_from_environment();

/// The shard of the run: --shard's, the environment's, or none. Throws std::invalid_argument
/// if both are given and name different shards.
std::optional<test_shard> resolve_shard(const std::optional<test_shard>& flag,
                                        const std::optional<test_shard>& environment);

/// The tests of `tests` (the selected tests in gtest's order) that `which` runs: the I-th test
/// goes to shard I mod N + 1, as GoogleTest assigns them. Deterministic, and every test is in
/// exactly one shard.
std::vector<std::string> tests_of_shard(const std::vector<std::string>& tests,
                                        const test_shard& which);

/// Takes GoogleTest's sharding variables out of this process's environment, so that neither
/// gtest in this process nor a worker or lister started from it shards again what the runner
/// has already sharded; first touches GTEST_SHARD_STATUS_FILE, if set, as a runner that
/// understands sharding does. The reason if that file cannot be written, else none.
std::optional<std::string> take_sharding_environment();

/// The names take_sharding_environment() removes, for children built from a saved environment.
bool is_sharding_variable(std::string_view entry);

}  // namespace startjoin::conformance
