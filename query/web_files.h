// Which file of the web dashboard's folder answers a GET: the file itself, or the page
// (index.html) for the dashboard's client-side routes (/orgs/<org>, /orgs/<org>/teams/<team>, …).
// Never a file outside the folder. Pure path logic plus a stat; no HTTP.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace talentflow::query {

// The file that answers GET `path` (the request's decoded path, starting with "/") in `dir`:
// - an existing regular file under `dir` (symlinks followed, and the result still under `dir`);
// - "<dir>/index.html" for "/", a directory, or a missing path whose last segment has no dot
//   (a client-side route);
// NotFound for a missing path whose last segment has a dot (e.g. /assets/gone.js: a file a stale
// page asks for, which must not be answered with HTML); InvalidArgument naming the path for a
// "." or ".." segment, a backslash or a NUL (nothing outside `dir` is ever served).
// REQUIRES: `dir` exists.
absl::StatusOr<std::string> ResolveWebPath(const std::string& dir, absl::string_view path);

// The Content-Type of a file by its extension: html, js/mjs, css, svg, png, json, map, woff2, ico,
// txt; else application/octet-stream.
absl::string_view WebContentType(absl::string_view file);

// The folder the dashboard is built to beside a binary: "<parent of the binary's folder>/web"
// (build/query/talentflow-query -> build/web). Empty when the binary's path cannot be read.
std::string DefaultWebDir();

}  // namespace talentflow::query
