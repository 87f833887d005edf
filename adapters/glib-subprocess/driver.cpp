// startjoin-driver-glib-subprocess [--protocol 1|2]: GLib's GSubprocess behind the driver
// protocol. With protocol 2 (the default) the kit's case server forks every case parent before
// any GLib state exists (glib_subprocess_adapter.hpp).
#include "glib_subprocess_adapter.hpp"
#include "startjoin/adapter/serve.hpp"

int main(int argc, char** argv) {
    startjoin::adapter::serve_options options;
    if (!startjoin::adapter::parse_serve_arguments(argc, argv, options)) return 2;
    startjoin::adapter::glib_subprocess::glib_subprocess_implementation glib;
    return startjoin::adapter::serve(glib, options);
}
