#include "profile.hpp"

namespace startjoin::conformance {
namespace {

struct account {
    phase_times spent{};
    phase current = phase::other;
    clock::time_point since = clock::now();

    // Closes the current stretch: its time goes to the phase that was running.
    void charge() {
        const clock::time_point now = clock::now();
        spent[static_cast<std::size_t>(current)] += seconds(now - since).count();
        since = now;
    }
};

account& the_account() {
    static account instance;
    return instance;
}

}  // namespace

std::string_view phase_name(phase which) {
    switch (which) {
        case phase::driver_start:
            return "driver start";
        case phase::handshake:
            return "handshake";
        case phase::commands:
            return "commands";
        case phase::events:
            return "events";
        case phase::windows:
            return "windows";
        case phase::teardown:
            return "teardown";
        case phase::other:
            return "other";
    }
    return "?";
}

phase_times current_phase_times() {
    account& books = the_account();
    books.charge();
    return books.spent;
}

void reset_phase_times() { the_account() = account{}; }

phase_scope::phase_scope(phase which) : outer_(the_account().current) {
    account& books = the_account();
    books.charge();
    books.current = which;
}

phase_scope::~phase_scope() {
    account& books = the_account();
    books.charge();
    books.current = outer_;
}

}  // namespace startjoin::conformance
