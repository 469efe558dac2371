// Which file answers a GET of the dashboard (query/web_files.h), in a folder made here, and the
// HTTP listen address parser of the gateway.
#include "query/web_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "query/http_gateway.h"

namespace talentflow::query {
namespace {
namespace fs = std::filesystem;

class WebFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("web_files_test." + std::to_string(::getpid()));
    fs::remove_all(base_);
    web_ = fs::canonical(fs::temp_directory_path()) / ("web_files_test." + std::to_string(::getpid())) / "web";
    fs::create_directories(web_ / "assets");
    Write(web_ / "index.html", "<html>");
    Write(web_ / "assets" / "app.js", "js");
    Write(base_ / "secret.txt", "secret");
    fs::create_symlink(base_ / "secret.txt", web_ / "leak.txt");
  }
  void TearDown() override { fs::remove_all(base_); }
  static void Write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

  fs::path base_;
  fs::path web_;
};

TEST_F(WebFilesTest, ServesFiles) {
  EXPECT_EQ(*ResolveWebPath(web_.string(), "/assets/app.js"), (web_ / "assets" / "app.js").string());
  EXPECT_EQ(*ResolveWebPath(web_.string(), "/index.html"), (web_ / "index.html").string());
}

TEST_F(WebFilesTest, RoutesAndFoldersFallBackToThePage) {
  const std::string index = (web_ / "index.html").string();
  EXPECT_EQ(*ResolveWebPath(web_.string(), "/"), index);
  EXPECT_EQ(*ResolveWebPath(web_.string(), "/assets"), index);
  EXPECT_EQ(*ResolveWebPath(web_.string(), "/orgs/openai"), index);
  EXPECT_EQ(*ResolveWebPath(web_.string(), "/orgs/openai/teams/sora"), index);
  EXPECT_EQ(*ResolveWebPath(web_.string(), "/orgs/openai/flows"), index);
}

TEST_F(WebFilesTest, MissingFileWithExtensionIsNotFound) {
  EXPECT_TRUE(absl::IsNotFound(ResolveWebPath(web_.string(), "/assets/gone.js").status()));
}

TEST_F(WebFilesTest, NothingOutsideTheFolder) {
  for (const char* path : {"/../secret.txt", "/assets/../../secret.txt", "/./index.html", "/..", "/a\\..\\b"}) {
    EXPECT_TRUE(absl::IsInvalidArgument(ResolveWebPath(web_.string(), path).status())) << path;
  }
  EXPECT_EQ(ResolveWebPath(web_.string(), "/../secret.txt").status().message(),
            "path /../secret.txt: \".\" and \"..\" segments are not allowed");
  // A symlink inside the folder that points out of it.
  EXPECT_EQ(ResolveWebPath(web_.string(), "/leak.txt").status().message(), "path /leak.txt: outside the web folder");
}

TEST(WebContentType, ByExtension) {
  EXPECT_EQ(WebContentType("/w/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(WebContentType("/w/app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(WebContentType("/w/app.css"), "text/css; charset=utf-8");
  EXPECT_EQ(WebContentType("/w/logo.svg"), "image/svg+xml");
  EXPECT_EQ(WebContentType("/w/shot.PNG"), "image/png");
  EXPECT_EQ(WebContentType("/w/app.js.map"), "application/json");
  EXPECT_EQ(WebContentType("/w/font.woff2"), "font/woff2");
  EXPECT_EQ(WebContentType("/w/blob"), "application/octet-stream");
}

TEST(ParseHostPort, TakesHostAndPort) {
  EXPECT_EQ(*ParseHostPort("127.0.0.1:7413", "--http-listen"), std::make_pair(std::string("127.0.0.1"), 7413));
  EXPECT_EQ(*ParseHostPort("[::1]:80", "--http-listen"), std::make_pair(std::string("::1"), 80));
  EXPECT_EQ(*ParseHostPort("0.0.0.0:0", "--http-listen"), std::make_pair(std::string("0.0.0.0"), 0));
  for (const char* bad : {"7413", ":7413", "host:", "host:99999", "[::1:80", "host:port"}) {
    EXPECT_TRUE(absl::IsInvalidArgument(ParseHostPort(bad, "--http-listen").status())) << bad;
  }
  EXPECT_EQ(ParseHostPort("7413", "--http-listen").status().message(),
            "--http-listen 7413: expected HOST:PORT (e.g. 127.0.0.1:7413, [::1]:7413)");
}

}  // namespace
}  // namespace talentflow::query
