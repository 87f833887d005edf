// tiny-driver: tiny::process behind startjoin's driver protocol, built on startjoin's C++ adapter
// kit: one process_object subclass, one implementation subclass, and serve().
#include <unistd.h>

#include <memory>
#include <startjoin/adapter/serve.hpp>
#include <startjoin/adapter/target.hpp>
#include <startjoin/protocol/constants.hpp>
#include <stdexcept>

#include "tiny_process.hpp"

namespace {

namespace adapter = startjoin::adapter;

class tiny_object : public adapter::process_object {
  public:
    explicit tiny_object(adapter::target what)
        : process_([what = std::move(what)] {
              // The protocol channels belong to the driver's parent side (spec/protocol.md).
              ::close(startjoin::protocol::request_fd);
              ::close(startjoin::protocol::reply_fd);
              adapter::run_target(what, {.exit = tiny::exit_child, .raise = {}});
              return 0;
          }) {}

    void start() override {
        refusing_misuse([&] { process_.start(); });
    }
    void join() override {
        refusing_misuse([&] { process_.join(); });
    }
    bool is_alive() override { return process_.is_alive(); }
    std::optional<int> exitcode() override { return process_.exitcode(); }
    std::optional<long long> pid() override { return process_.pid(); }

  private:
    // tiny::process reports misuse (a second start, join before start) as std::logic_error.
    template <class Operation>
    static void refusing_misuse(Operation operation) {
        try {
            operation();
        } catch (const std::logic_error& error) {
            throw adapter::operation_error("invalid_state", error.what());
        }
    }

    tiny::process process_;
};

// No optional feature: the tests that need join(timeout), terminate(), ... are skipped.
class tiny_implementation : public adapter::implementation {
  public:
    adapter::description describe() const override {
        return {.implementation = "tiny", .version = "1.0", .profile = "process", .features = {}};
    }
    std::unique_ptr<adapter::process_object> create(adapter::target what) override {
        return std::make_unique<tiny_object>(std::move(what));
    }
};

}  // namespace

int main(int argc, char** argv) {
    adapter::serve_options options;
    if (!adapter::parse_serve_arguments(argc, argv, options)) return 2;
    tiny_implementation tiny;
    return adapter::serve(tiny, options);
}
