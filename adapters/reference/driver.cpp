// startjoin-driver-reference: the reference implementation behind protocol v1.
#include "reference_adapter.hpp"
#include "startjoin/adapter/serve.hpp"

int main() {
    startjoin::adapter::reference_implementation reference;
    return startjoin::adapter::serve(reference);
}
