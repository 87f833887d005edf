// startjoin-driver-boost-process: Boost.Process (boost::process::child) behind protocol v1.
#include <fcntl.h>

#include "boost_process_adapter.hpp"
#include "startjoin/adapter/serve.hpp"
#include "startjoin/protocol/constants.hpp"

int main() {
    // The protocol channels belong to this process alone (spec/protocol.md, "Channels"). Boost
    // execs every child without closing inherited descriptors, so they must not survive exec.
    for (const int fd : {startjoin::protocol::request_fd, startjoin::protocol::reply_fd}) {
        ::fcntl(fd, F_SETFD, ::fcntl(fd, F_GETFD) | FD_CLOEXEC);
    }
    startjoin::adapter::boost_process::boost_process_implementation boost_process;
    return startjoin::adapter::serve(boost_process);
}
