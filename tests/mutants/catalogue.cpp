#include "catalogue.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "startjoin/adapter/serve.hpp"

namespace startjoin::mutants {
namespace {

std::vector<mutant_entry>& storage() {
    static std::vector<mutant_entry> entries;
    return entries;
}

int serving_pid = 0;

class catalogued_implementation final : public adapter::reference_implementation {
  public:
    explicit catalogued_implementation(const mutant_entry& chosen) : chosen_(chosen) {}
    adapter::description describe() const override {
        adapter::description about = reference_implementation::describe();
        about.implementation += "+mutant:" + chosen_.name;
        std::erase_if(about.features, [&](const std::string& feature) {
            return std::find(chosen_.undeclared.begin(), chosen_.undeclared.end(), feature) !=
                   chosen_.undeclared.end();
        });
        return about;
    }
    std::unique_ptr<process_object> create(target what) override {
        return chosen_.make(std::move(what));
    }

  private:
    const mutant_entry& chosen_;
};

}  // namespace

registrar::registrar(mutant_entry entry) {
    auto& entries = storage();
    const auto after = std::find_if(entries.begin(), entries.end(), [&](const mutant_entry& each) {
        return each.name > entry.name;
    });
    entries.insert(after, std::move(entry));
}

const std::vector<mutant_entry>& catalogue() { return storage(); }

const mutant_entry* find_mutant(const std::string& name) {
    for (const mutant_entry& each : storage()) {
        if (each.name == name) return &each;
    }
    return nullptr;
}

void print_catalogue() {
    for (const mutant_entry& each : storage()) {
        std::printf("%s %s\n", each.name.c_str(), each.violates.c_str());
    }
}

int driver_pid() { return serving_pid; }

int serve_mutant(const mutant_entry& chosen) {
    serving_pid = static_cast<int>(::getpid());
    if (chosen.setup != nullptr) chosen.setup();
    catalogued_implementation implementation(chosen);
    adapter::serve_options options;
    // A case parent is the driver of its case: its pid is the one that tells parent from child.
    options.in_case_parent = [] { serving_pid = static_cast<int>(::getpid()); };
    if (chosen.before_case_fork != nullptr) options.before_case_fork = chosen.before_case_fork;
    return adapter::serve(implementation, options);
}

std::unique_ptr<process_object> make_reference(target what) {
    return std::make_unique<reference_process>(std::move(what));
}

}  // namespace startjoin::mutants
