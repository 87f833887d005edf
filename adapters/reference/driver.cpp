// startjoin-driver-reference [--protocol 1|2]: the reference implementation behind the driver
// protocol. Protocol 2 (the default) serves cases from a case server; `--protocol 1` keeps an
// old driver's behaviour, so the suite can check that such drivers still work.
#include "reference_adapter.hpp"
#include "startjoin/adapter/serve.hpp"

int main(int argc, char** argv) {
    startjoin::adapter::serve_options options;
    if (!startjoin::adapter::parse_serve_arguments(argc, argv, options)) return 2;
    startjoin::adapter::reference_implementation reference;
    return startjoin::adapter::serve(reference, options);
}
