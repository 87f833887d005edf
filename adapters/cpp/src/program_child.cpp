#include "startjoin/adapter/program_child.hpp"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "startjoin/adapter/target.hpp"

namespace startjoin::adapter {

std::vector<std::string> encode_target_arguments(const target& what) {
    std::vector<std::string> argv = {what.process, protocol::to_json(what.steps).dump()};
    std::string types;
    std::vector<std::string> values;
    for (const nlohmann::json& argument : what.args) {
        types += argument.is_string() ? 's' : 'j';
        values.push_back(argument.is_string() ? argument.get<std::string>() : argument.dump());
    }
    argv.push_back(types);
    argv.insert(argv.end(), values.begin(), values.end());
    return argv;
}

target decode_target_arguments(const std::vector<std::string>& argv) {
    if (argv.size() < 3) throw std::invalid_argument("expected HANDLE SCRIPT TYPES ARG...");
    target what;
    what.process = argv[0];
    what.steps = protocol::parse_script(nlohmann::json::parse(argv[1]));
    const std::string& types = argv[2];
    if (types.size() != argv.size() - 3) {
        throw std::invalid_argument("TYPES '" + types + "' does not have one letter per argument");
    }
    for (std::size_t index = 0; index < types.size(); ++index) {
        const std::string& value = argv[3 + index];
        if (types[index] == 's') {
            what.args.push_back(value);
        } else if (types[index] == 'j') {
            what.args.push_back(nlohmann::json::parse(value));
        } else {
            throw std::invalid_argument("TYPES '" + types + "' has a letter other than s and j");
        }
    }
    return what;
}

int run_program_child(int argc, char** argv, implementation& origin) {
    target what;
    try {
        what = decode_target_arguments(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const std::exception& error) {
        std::cerr << (argc > 0 ? argv[0] : "startjoin program child")
                  << ": malformed arguments: " << error.what() << '\n';
        return 2;
    }
    what.origin = &origin;
    // Deliberately no try/catch: an uncaught error is C++'s (std::terminate, SIGABRT).
    run_target(what, ending{.exit = [](int code) { std::exit(code); }, .raise = {}});
    return 0;
}

std::string program_beside_this_one(const std::string& name) {
    return (std::filesystem::read_symlink("/proc/self/exe").parent_path() / name).string();
}

}  // namespace startjoin::adapter
