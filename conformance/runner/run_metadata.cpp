#include "run_metadata.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <thread>

namespace startjoin::conformance {
namespace {

struct run_state {
    std::chrono::system_clock::time_point started = std::chrono::system_clock::now();
    // The duration is measured on the steady clock: the wall clock may be set during a run.
    std::chrono::steady_clock::time_point started_steady = std::chrono::steady_clock::now();
    nlohmann::json options = nlohmann::json::object();
    nlohmann::json seed;  // null until noted: a run may have no RapidCheck seed to tell
};

run_state& state() {
    static run_state run;
    return run;
}

std::string iso8601_utc(std::chrono::system_clock::time_point when) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    char text[sizeof "2026-01-01T00:00:00Z"];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

nlohmann::json machine_json() {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    nlohmann::json machine = {{"hostname", host}, {"cpus", std::thread::hardware_concurrency()}};
    struct utsname names {};
    if (::uname(&names) == 0) {
        machine["sysname"] = names.sysname;
        machine["release"] = names.release;
        machine["machine"] = names.machine;
    }
    return machine;
}

}  // namespace

void start_run_clock() {
    state().started = std::chrono::system_clock::now();
    state().started_steady = std::chrono::steady_clock::now();
}

void note_run_options(nlohmann::json options) { state().options = std::move(options); }

void note_run_seed(std::string seed) { state().seed = std::move(seed); }

nlohmann::json run_json() {
    const std::chrono::duration<double> elapsed =
        std::chrono::steady_clock::now() - state().started_steady;
    return {{"runner_version", STARTJOIN_VERSION},
            {"started", iso8601_utc(state().started)},
            {"seconds", elapsed.count()},
            {"machine", machine_json()},
            {"seed", state().seed},
            {"options", state().options}};
}

}  // namespace startjoin::conformance
