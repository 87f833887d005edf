#pragma once

#include <optional>
#include <string>

namespace startjoin::conformance {

/// The seed RC_PARAMS gives ("seed=N" among its words), if any.
std::optional<std::string> seed_in(const std::string& rc_params);

/// A new seed for RapidCheck, from the system's random source.
std::string random_seed();

/// `rc_params` with "seed=SEED" added to its words.
std::string with_seed(const std::string& rc_params, const std::string& seed);

/// The seed a run with an expectations file uses when the user names none: a run that is
/// compared against known failures must be repeatable, so its properties generate the same
/// cases every time (the seed ctest passes too).
inline constexpr const char* seed_with_expectations = "1";

/// With an expectations file, unless `random` (--random-seed) or RC_PARAMS names a seed, adds
/// seed_with_expectations to RC_PARAMS before RapidCheck reads it.
void fix_seed_for_expectations(bool has_expectations, bool random);

}  // namespace startjoin::conformance
