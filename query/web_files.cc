#include "query/web_files.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace talentflow::query {
namespace fs = std::filesystem;

absl::StatusOr<std::string> ResolveWebPath(const std::string& dir, absl::string_view path) {
  if (absl::StrContains(path, '\\') || absl::StrContains(path, '\0')) {
    return absl::InvalidArgumentError(absl::StrCat("path ", path, ": backslashes and NUL are not allowed"));
  }
  for (absl::string_view segment : absl::StrSplit(path, '/')) {
    if (segment == "." || segment == "..") {
      return absl::InvalidArgumentError(absl::StrCat("path ", path, ": \".\" and \"..\" segments are not allowed"));
    }
  }
  std::error_code ec;
  const fs::path root = fs::canonical(dir, ec);
  if (ec) return absl::NotFoundError(absl::StrCat("web folder ", dir, ": ", ec.message()));
  const fs::path index = root / "index.html";
  absl::string_view relative = path;
  while (absl::ConsumePrefix(&relative, "/")) {
  }
  if (relative.empty()) return index.string();
  const fs::path wanted = fs::weakly_canonical(root / std::string(relative), ec);
  if (ec) return index.string();
  // A symlink inside the folder may point outside it: compare the resolved paths.
  const std::string root_prefix = root.string() + "/";
  if (!absl::StartsWith(wanted.string(), root_prefix)) {
    return absl::InvalidArgumentError(absl::StrCat("path ", path, ": outside the web folder"));
  }
  if (fs::is_regular_file(wanted, ec)) return wanted.string();
  if (fs::is_directory(wanted, ec)) return index.string();
  const absl::string_view last = relative.substr(relative.rfind('/') == absl::string_view::npos ? 0 : relative.rfind('/') + 1);
  if (absl::StrContains(last, '.')) return absl::NotFoundError(absl::StrCat("path ", path, ": no such file"));
  return index.string();
}

absl::string_view WebContentType(absl::string_view file) {
  const size_t dot = file.rfind('.');
  const std::string ext = absl::AsciiStrToLower(dot == absl::string_view::npos ? "" : file.substr(dot + 1));
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "json" || ext == "map") return "application/json";
  if (ext == "woff2") return "font/woff2";
  if (ext == "ico") return "image/x-icon";
  if (ext == "txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

std::string DefaultWebDir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  return (exe.parent_path().parent_path() / "web").string();
}

}  // namespace talentflow::query
