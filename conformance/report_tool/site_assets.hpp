// The dashboard's stylesheet and script: site/dashboard.css and site/dashboard.js of the
// sources, compiled in (site_assets.cpp.in) so that an installed startjoin-report needs no data
// files of its own for them.
#pragma once

#include <string_view>

namespace startjoin::report_tool {

extern const std::string_view dashboard_css;
extern const std::string_view dashboard_js;

}  // namespace startjoin::report_tool
