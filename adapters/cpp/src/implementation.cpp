#include "startjoin/adapter/implementation.hpp"

namespace startjoin::adapter {
namespace {
[[noreturn]] void unsupported(const char* operation) {
    throw operation_error("unsupported",
                          std::string(operation) + " is not supported by this driver");
}
}  // namespace

bool process_object::join(std::chrono::duration<double>) { unsupported("join(timeout)"); }
void process_object::terminate() { unsupported("terminate()"); }
void process_object::kill() { unsupported("kill()"); }
void process_object::close() { unsupported("close()"); }
void process_object::set_daemon(bool) { unsupported("set_daemon()"); }
bool process_object::daemon() { unsupported("daemon()"); }
void process_object::set_name(const std::string&) { unsupported("set_name()"); }
std::string process_object::name() { unsupported("name()"); }

}  // namespace startjoin::adapter
