#include "site_writer.hpp"

#include <fstream>

#include "html_pages.hpp"
#include "site_assets.hpp"

namespace startjoin::report_tool {

namespace {

void write_file(const std::filesystem::path& path, std::string_view text) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << text;
    file.flush();
    if (!file) throw report_error(path.string() + ": cannot write the page");
}

void make_folder(const std::filesystem::path& folder) {
    std::error_code error;
    std::filesystem::create_directories(folder, error);
    if (error || !std::filesystem::is_directory(folder)) {
        throw report_error(folder.string() + ": cannot make the site's folder" +
                           (error ? ": " + error.message() : ""));
    }
}

}  // namespace

void write_site(const site_model& model, const std::filesystem::path& folder) {
    make_folder(folder);
    make_folder(folder / "clauses");
    write_file(folder / "dashboard.css", dashboard_css);
    write_file(folder / "dashboard.js", dashboard_js);
    write_file(folder / "index.html", matrix_page(model));
    write_file(folder / "diff.html", diff_page(model));
    for (const clause_text& clause : model.spec.clauses) {
        write_file(folder / "clauses" / (clause.id + ".html"), clause_page(model, clause));
    }
}

}  // namespace startjoin::report_tool
