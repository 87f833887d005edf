#include "observations.hpp"

#include <fmt/format.h>

#include "errors.hpp"

namespace startjoin::conformance {

held_join join_releasing(session& driver, const std::string& process, const std::string& gate) {
    held_join seen;
    const auto id = driver.send({{"op", "join"}, {"process", process}});
    std::optional<reply> answer = driver.await_within(id, timeouts::observation_window());
    seen.returned_while_held = answer.has_value();
    driver.release(gate);
    if (!answer) answer = driver.await(id);
    if (!answer->ok) {
        throw operation_refused(fmt::format("join({}) failed with {}: {}", process,
                                            answer->error_kind, answer->error_message));
    }
    return seen;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

}  // namespace startjoin::conformance
