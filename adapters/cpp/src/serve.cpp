#include "startjoin/adapter/serve.hpp"

#include <functional>
#include <iostream>
#include <map>
#include <system_error>

#include "fd_io.hpp"
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

// One driver session: the process objects by handle, and what each op does to them.
class session {
  public:
    explicit session(implementation& impl) : impl_(impl) {}

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
        process_object& object = find(request);
        if (op == "start") return object.start(), nullptr;
        if (op == "join") return join(object, request);
        if (op == "is_alive") return object.is_alive();
        if (op == "exitcode") return optional_value(object.exitcode());
        if (op == "pid") return optional_value(object.pid());
        if (op == "terminate") return object.terminate(), nullptr;
        if (op == "kill") return object.kill(), nullptr;
        if (op == "close") return object.close(), nullptr;
        throw protocol_error("unsupported", "unknown op '" + op + "'");
    }

    bool shutdown_requested() const { return shutdown_requested_; }

  private:
    template <class T>
    static json optional_value(const std::optional<T>& value) {
        return value ? json(*value) : json(nullptr);
    }

    json create(const json& request) {
        target what;
        what.process = string_field(request, "process");
        if (objects_.contains(what.process))
            bad_request("process '" + what.process + "' exists already");
        what.steps = protocol::parse_script(field(request, "script"));
        if (request.contains("args")) what.args = request["args"];
        if (!what.args.is_array()) bad_request("'args' must be a JSON array");
        const std::string handle = what.process;
        objects_.emplace(handle, impl_.create(std::move(what)));
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

    static json join(process_object& object, const json& request) {
        if (!request.contains("timeout")) return object.join(), nullptr;
        const json& timeout = request["timeout"];
        if (!timeout.is_number()) bad_request("'timeout' must be a number of seconds");
        return object.join(std::chrono::duration<double>(timeout.get<double>()));
    }

    process_object& find(const json& request) {
        const std::string handle = string_field(request, "process");
        auto found = objects_.find(handle);
        if (found == objects_.end()) bad_request("unknown process '" + handle + "'");
        return *found->second;
    }

    implementation& impl_;
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

}  // namespace

int serve(implementation& impl) {
    const description about = impl.describe();
    try {
        const json hello = {{"hello", "startjoin"},
                            {"protocol", protocol::version},
                            {"implementation", about.implementation},
                            {"version", about.version},
                            {"profile", about.profile},
                            {"features", about.features}};
        detail::write_all(protocol::reply_fd, hello.dump() + "\n", "write of the handshake");
        session current(impl);
        detail::line_reader requests(protocol::request_fd);
        while (auto line = requests.next()) {
            const json reply = answer(current, *line);
            detail::write_all(protocol::reply_fd, reply.dump() + "\n", "write of a reply");
            if (current.shutdown_requested()) break;
        }
    } catch (const std::system_error& error) {
        std::cerr << "startjoin driver: protocol channel failed: " << error.what() << '\n';
        return 2;
    }
    return 0;
}

}  // namespace startjoin::adapter
