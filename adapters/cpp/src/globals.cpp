#include "startjoin/adapter/globals.hpp"

#include <map>
#include <mutex>

namespace startjoin::adapter::globals {
namespace {

// Function-local statics: usable from any static initializer, constructed once.
std::mutex& store_mutex() {
    static std::mutex mutex;
    return mutex;
}

std::map<std::string, nlohmann::json>& store() {
    static std::map<std::string, nlohmann::json> values;
    return values;
}

}  // namespace

void set(const std::string& name, nlohmann::json value) {
    const std::lock_guard lock(store_mutex());
    store()[name] = std::move(value);
}

nlohmann::json get(const std::string& name) {
    const std::lock_guard lock(store_mutex());
    const auto found = store().find(name);
    return found == store().end() ? nlohmann::json(nullptr) : found->second;
}

}  // namespace startjoin::adapter::globals
