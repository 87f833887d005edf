#include "history.hpp"

#include <fmt/format.h>

namespace startjoin::conformance {

using nlohmann::json;

std::string history_entry::describe() const {
    if (type == kind::returned) {
        if (data.value("ok", true)) {
            if (data.contains("value"))
                return fmt::format("parent: {} returned {}", event, data["value"].dump());
            return fmt::format("parent: {} returned", event);
        }
        return fmt::format("parent: {} failed ({})", event, data.value("kind", std::string("?")));
    }
    if (type == kind::released) {
        const int count = data.value("count", 1);
        return count == 1 ? fmt::format("runner: released gate {}", event)
                          : fmt::format("runner: released gate {} x{}", event, count);
    }
    json extra = data;
    extra.erase("from");
    extra.erase("event");
    if (extra.empty()) return fmt::format("{}: {}", from, event);
    return fmt::format("{}: {} {}", from, event, extra.dump());
}

std::string operation_name(const std::string& op, const std::string& process) {
    return process.empty() ? op + "()" : fmt::format("{}({})", op, process);
}

std::optional<std::size_t> find_event(const std::vector<history_entry>& history,
                                      const std::string& from, const std::string& event) {
    for (std::size_t i = 0; i < history.size(); ++i) {
        const history_entry& entry = history[i];
        if (entry.type == history_entry::kind::trace && entry.from == from && entry.event == event)
            return i;
    }
    return std::nullopt;
}

std::optional<std::size_t> find_return(const std::vector<history_entry>& history,
                                       const std::string& operation) {
    for (std::size_t i = 0; i < history.size(); ++i) {
        const history_entry& entry = history[i];
        if (entry.type == history_entry::kind::returned && entry.event == operation) return i;
    }
    return std::nullopt;
}

std::string describe_history(const std::vector<history_entry>& history) {
    std::string text;
    if (history.empty()) text += "    (nothing)\n";
    for (std::size_t i = 0; i < history.size(); ++i) {
        text += fmt::format("    {:>2}. {}\n", i + 1, history[i].describe());
    }
    return text;
}

}  // namespace startjoin::conformance
