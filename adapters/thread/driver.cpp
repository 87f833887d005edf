// startjoin-driver-thread: std::thread behind protocol v1, profile "thread".
#include "startjoin/adapter/serve.hpp"
#include "thread_adapter.hpp"

int main() {
    startjoin::adapter::thread::thread_implementation threads;
    return startjoin::adapter::serve(threads);
}
