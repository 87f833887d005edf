// std::thread behind the C++ adapter interface, profile "thread": the target runs in a thread
// of the driver's own process, sharing its memory, descriptors and pid. See README.md for how
// each operation maps onto std::thread and what the suite finds.
#pragma once

#include <atomic>
#include <memory>
#include <thread>

#include "startjoin/adapter/implementation.hpp"

namespace startjoin::adapter::thread {

/// How one run of a target ended, written by its thread as its last action.
struct outcome {
    /// Set (release) once the target has ended and `code` holds its exit code.
    std::atomic<bool> done{false};
    int code = 0;
};

/// One std::thread. create() default-constructs it (a std::thread that represents no thread);
/// start() move-assigns a thread running the target into it; join() is std::thread::join().
/// std::thread has no is_alive, exit code or pid: the adapter defines them (README.md).
class thread_object : public process_object {
  public:
    explicit thread_object(target what);

    void start() override;
    void join() override;
    bool is_alive() override;
    std::optional<int> exitcode() override;
    std::optional<long long> pid() override;

  private:
    target what_;
    std::shared_ptr<outcome> outcome_;  // of the latest start(); null before the first
    std::thread thread_;
};

/// Creates thread_object instances.
class thread_implementation : public implementation {
  public:
    description describe() const override;
    std::unique_ptr<process_object> create(target what) override;
};

}  // namespace startjoin::adapter::thread
