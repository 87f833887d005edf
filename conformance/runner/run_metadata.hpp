// The "run" object of the JSON report: which runner ran, when, for how long, on what machine,
// with which RapidCheck seed and which options. A report read months later (or merged with the
// reports of other shards) must say how it was made, so a result can be reproduced or told
// apart from a run on another machine.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace startjoin::conformance {

/// Starts the run's clock: the report's "started" and "seconds" count from here. Call first
/// thing in main().
void start_run_clock();

/// Remembers the command line options that decide what the run did ("options" in the report).
void note_run_options(nlohmann::json options);

/// Remembers the RapidCheck seed the properties ran with (as text: it is a 64-bit number).
void note_run_seed(std::string seed);

/// {"runner_version", "started", "seconds", "machine", "seed", "options"}; "seconds" is the
/// time since start_run_clock().
nlohmann::json run_json();

}  // namespace startjoin::conformance
