// Boost.Process (boost::process::child, v1 API) behind the C++ adapter interface.
//
// Boost.Process launches programs, not functions, so every child is the helper program
// startjoin-boost-child (child.cpp), which interprets the target script. The script and the
// arguments travel as the helper's argv (startjoin/adapter/program_child.hpp), through Boost's own
// argument passing (bp::args), so the suite checks that they arrive intact. See README.md for how each operation maps onto Boost and
// what the suite finds.
#pragma once

#include <boost/process/child.hpp>
#include <string>
#include <vector>

#include "startjoin/adapter/implementation.hpp"

namespace startjoin::adapter::boost_process {

/// One boost::process::child. create() default-constructs it (Boost's "empty child"); start()
/// move-assigns a launched child into it; every other operation is the matching member call on
/// it, with no precondition added by the adapter.
class boost_process_object : public process_object {
  public:
    boost_process_object(target what, std::string helper);

    void start() override;
    void join() override;
    bool join(std::chrono::duration<double> timeout) override;
    bool is_alive() override;
    std::optional<int> exitcode() override;
    std::optional<long long> pid() override;
    void terminate() override;
    void kill() override;

  private:
    target what_;
    std::string helper_;
    boost::process::child child_;
};

/// Creates boost_process_object instances that run the helper found next to this program.
class boost_process_implementation : public implementation {
  public:
    /// The helper is `startjoin-boost-child` in the directory of /proc/self/exe.
    boost_process_implementation();

    description describe() const override;
    std::unique_ptr<process_object> create(target what) override;

  private:
    std::string helper_;
};

}  // namespace startjoin::adapter::boost_process
