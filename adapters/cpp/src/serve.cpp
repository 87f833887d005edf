#include "startjoin/adapter/serve.hpp"

#include <unistd.h>

#include <algorithm>
#include <exception>
#include <functional>
#include <iostream>
#include <latch>
#include <map>
#include <system_error>
#include <thread>

#include "case_server.hpp"
#include "fd_io.hpp"
#include "inspect.hpp"
#include "startjoin/adapter/globals.hpp"
#include "startjoin/adapter/target.hpp"
#include "startjoin/protocol/constants.hpp"
#include "startjoin/protocol/error.hpp"

namespace startjoin::adapter {
namespace {

using nlohmann::json;
using protocol::protocol_error;

[[noreturn]] void bad_request(const std::string& message) {
    throw protocol_error("bad_request", message);
}

const json& field(const json& request, const char* name) {
    auto found = request.find(name);
    if (found == request.end()) bad_request(std::string("request lacks '") + name + "'");
    return *found;
}

std::string string_field(const json& request, const char* name) {
    const json& value = field(request, name);
    if (!value.is_string()) bad_request(std::string("'") + name + "' must be a string");
    return value.get<std::string>();
}

bool bool_field(const json& request, const char* name) {
    const json& value = field(request, name);
    if (!value.is_boolean()) bad_request(std::string("'") + name + "' must be true or false");
    return value.get<bool>();
}

// The optional feature (spec/protocol.md, "Features") each op needs; the others are base ops.
// An op whose feature the handshake does not declare is answered "unsupported", whatever the
// process_object overrides, so the handshake alone says what a driver can do.
const std::map<std::string, std::string> op_features = {
    {"terminate", "terminate"}, {"kill", "kill"},          {"close", "close"},
    {"drop", "drop"},
    {"set_daemon", "daemon"},   {"daemon", "daemon"},      {"name", "name"},
    {"set_global", "globals"},  {"get_global", "globals"}, {"count_fds", "count_fds"},
    {"getpid", "getpid"},       {"zombies", "zombies"},    {"join_threads", "join_threads"},
};

// One driver session: the process objects by handle, and what each op does to them.
class session {
  public:
    explicit session(implementation& impl) : impl_(impl), features_(impl.describe().features) {}

    // Runs one request and returns its "value" (null when the op returns nothing).
    json run(const std::string& op, const json& request) {
        if (op == "create") return create(request);
        if (op == "print") return print(request);
        if (op == "trace") {
            write_trace_event("parent", string_field(request, "event"));
            return nullptr;
        }
        if (op == "shutdown") {
            shutdown_requested_ = true;
            return nullptr;
        }
        if (const auto needs = op_features.find(op); needs != op_features.end()) {
            require_feature(needs->second, op);
        }
        if (op == "set_global") {
            globals::set(string_field(request, "name"), field(request, "value"));
            return nullptr;
        }
        if (op == "get_global") return globals::get(string_field(request, "name"));
        if (op == "count_fds") return detail::count_open_fds();
        if (op == "getpid") return ::getpid();
        if (op == "zombies") return detail::zombie_children();
        if (op == "drop") return drop(request);
        process_object& object = find(request);
        if (op == "start") return object.start(), nullptr;
        if (op == "join") return join(object, request);
        if (op == "is_alive") return object.is_alive();
        if (op == "exitcode") return optional_value(object.exitcode());
        if (op == "pid") return optional_value(object.pid());
        if (op == "terminate") return object.terminate(), nullptr;
        if (op == "kill") return object.kill(), nullptr;
        if (op == "close") return object.close(), nullptr;
        if (op == "set_daemon") return object.set_daemon(bool_field(request, "daemon")), nullptr;
        if (op == "daemon") return object.daemon();
        if (op == "name") return object.name();
        if (op == "join_threads") return join_threads(object, request);
        throw protocol_error("bad_request", "unknown op '" + op + "'");
    }

    bool shutdown_requested() const { return shutdown_requested_; }

  private:
    template <class T>
    static json optional_value(const std::optional<T>& value) {
        return value ? json(*value) : json(nullptr);
    }

    bool has_feature(const std::string& feature) const {
        return std::find(features_.begin(), features_.end(), feature) != features_.end();
    }

    void require_feature(const std::string& feature, const std::string& what) const {
        if (!has_feature(feature)) {
            throw protocol_error("unsupported", what + " needs feature '" + feature +
                                                    "', which this driver does not support");
        }
    }

    json create(const json& request) {
        target what;
        what.process = string_field(request, "process");
        if (objects_.contains(what.process))
            bad_request("process '" + what.process + "' exists already");
        what.steps = protocol::parse_script(field(request, "script"));
        for (const std::string& feature : protocol::features_of(what.steps)) {
            require_feature(feature, "the script of '" + what.process + "'");
        }
        if (request.contains("args")) what.args = request["args"];
        if (!what.args.is_array()) bad_request("'args' must be a JSON array");
        const bool has_daemon = request.contains("daemon");
        const bool daemon = has_daemon && bool_field(request, "daemon");
        if (has_daemon) require_feature("daemon", "create with 'daemon'");
        const bool has_name = request.contains("name");
        const std::string name = has_name ? string_field(request, "name") : std::string();
        if (has_name) require_feature("name", "create with 'name'");
        what.origin = &impl_;
        const std::string handle = what.process;
        std::unique_ptr<process_object> object = impl_.create(std::move(what));
        // Set before the object is registered: a refused setting leaves no process behind.
        if (has_daemon) object->set_daemon(daemon);
        if (has_name) object->set_name(name);
        objects_.emplace(handle, std::move(object));
        return nullptr;
    }

    static json print(const json& request) {
        const std::string text = string_field(request, "text");
        const std::string stream = request.value("stream", std::string("stdout"));
        // Through the normal buffered streams and never flushed here: user code would not.
        if (stream == "stdout") {
            std::cout << text << '\n';
        } else if (stream == "stderr") {
            std::cerr << text << '\n';
        } else {
            bad_request("'stream' must be \"stdout\" or \"stderr\"");
        }
        return nullptr;
    }

    json join(process_object& object, const json& request) const {
        if (!request.contains("timeout")) return object.join(), nullptr;
        const json& timeout = request["timeout"];
        if (!timeout.is_number()) bad_request("'timeout' must be a number of seconds");
        require_feature("join_timeout", "join with a timeout");
        return object.join(std::chrono::duration<double>(timeout.get<double>()));
    }

    // join() from N threads released together, then exitcode() in each: the value is the N
    // exit codes, or the first thread's error (by thread index) if any join failed.
    static json join_threads(process_object& object, const json& request) {
        const json& threads = field(request, "threads");
        if (!threads.is_number_integer() || threads.get<long long>() < 1 ||
            threads.get<long long>() > 64) {
            bad_request("'threads' must be an integer in 1..64");
        }
        const auto count = static_cast<std::size_t>(threads.get<long long>());
        std::vector<std::optional<int>> codes(count);
        std::vector<std::exception_ptr> errors(count);
        std::latch all_ready(static_cast<std::ptrdiff_t>(count));
        {
            std::vector<std::jthread> joiners;
            joiners.reserve(count);
            for (std::size_t index = 0; index < count; ++index) {
                try {
                    joiners.emplace_back([&, index] {
                        all_ready.arrive_and_wait();  // every thread calls join() at about once
                        try {
                            object.join();
                            codes[index] = object.exitcode();
                        } catch (...) {
                            errors[index] = std::current_exception();
                        }
                    });
                } catch (...) {
                    // No thread for this index and those after it: release the ones started.
                    all_ready.count_down(static_cast<std::ptrdiff_t>(count - index));
                    throw;
                }
            }
        }  // the jthreads join here
        for (const std::exception_ptr& error : errors) {
            if (error) std::rethrow_exception(error);
        }
        json value = json::array();
        for (const std::optional<int>& code : codes) value.push_back(optional_value(code));
        return value;
    }

    // The program lets go of the object: its destructor runs now, as when user code's last
    // reference goes out of scope, and the handle is unknown afterwards.
    json drop(const json& request) {
        find(request);
        objects_.erase(string_field(request, "process"));
        return nullptr;
    }

    process_object& find(const json& request) {
        const std::string handle = string_field(request, "process");
        auto found = objects_.find(handle);
        if (found == objects_.end()) bad_request("unknown process '" + handle + "'");
        return *found->second;
    }

    implementation& impl_;
    std::vector<std::string> features_;
    std::map<std::string, std::unique_ptr<process_object>> objects_;
    bool shutdown_requested_ = false;
};

json error_reply(const json& id, const std::string& kind, const std::string& message) {
    return {{"id", id}, {"ok", false}, {"error", {{"kind", kind}, {"message", message}}}};
}

json answer(session& current, const std::string& line) {
    json request;
    try {
        request = json::parse(line);
    } catch (const json::parse_error& error) {
        return error_reply(nullptr, "bad_request",
                           std::string("request is not JSON: ") + error.what());
    }
    const json id = request.is_object() ? request.value("id", json(nullptr)) : json(nullptr);
    try {
        if (!request.is_object()) bad_request("request must be a JSON object");
        const json value = current.run(string_field(request, "op"), request);
        json reply = {{"id", id}, {"ok", true}};
        if (!value.is_null()) reply["value"] = value;
        return reply;
    } catch (const operation_error& error) {
        return error_reply(id, error.kind(), error.what());
    } catch (const protocol_error& error) {
        return error_reply(id, error.kind(), error.what());
    } catch (const std::exception& error) {
        return error_reply(id, "internal", error.what());
    }
}

void send_hello(const implementation& impl, const serve_options& options) {
    const description about = impl.describe();
    std::vector<std::string> features = about.features;
    if (options.protocol >= 2) features.push_back("cases");
    const json hello = {{"hello", "startjoin"},
                        {"protocol", options.protocol},
                        {"implementation", about.implementation},
                        {"version", about.version},
                        {"profile", about.profile},
                        {"features", features}};
    detail::write_all(protocol::reply_fd, hello.dump() + "\n", "write of the handshake");
}

// Answers requests until shutdown or end of file, starting with `first` when there is one.
void serve_requests(implementation& impl, detail::line_reader& requests,
                    std::optional<std::string> first) {
    session current(impl);
    for (auto line = std::move(first); line; line = requests.next()) {
        const json reply = answer(current, *line);
        detail::write_all(protocol::reply_fd, reply.dump() + "\n", "write of a reply");
        if (current.shutdown_requested()) break;
    }
}

}  // namespace

int serve(implementation& impl, const serve_options& options) {
    try {
        send_hello(impl, options);
        detail::line_reader requests(protocol::request_fd);
        std::optional<std::string> first = requests.next();
        if (first && options.protocol >= 2 && detail::is_case_request(*first)) {
            if (!detail::serve_cases(requests, *first, options.before_case_fork)) return 0;
            // A case parent: new channels on fds 3 and 4, and a driver's life from its handshake.
            if (options.in_case_parent) options.in_case_parent();
            send_hello(impl, options);
            detail::line_reader case_requests(protocol::request_fd);
            serve_requests(impl, case_requests, case_requests.next());
            return 0;
        }
        serve_requests(impl, requests, std::move(first));
    } catch (const std::system_error& error) {
        std::cerr << "startjoin driver: protocol channel failed: " << error.what() << '\n';
        return 2;
    }
    return 0;
}

bool parse_serve_arguments(int argc, char** argv, serve_options& options) {
    for (int i = 1; i < argc; ++i) {
        const std::string argument = argv[i];
        if (argument == "--protocol" && i + 1 < argc) {
            const std::string value = argv[++i];
            if (value == "1" || value == "2") {
                options.protocol = value[0] - '0';
                continue;
            }
        }
        std::cerr << "startjoin driver: unknown argument '" << argument
                  << "' (usage: [--protocol 1|2])\n";
        return false;
    }
    return true;
}

}  // namespace startjoin::adapter
