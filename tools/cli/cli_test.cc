// Unit tests of the tools' shared command-line helpers.
#include "tools/cli/cli.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

namespace ndisconf::cli {
namespace {

// Sets an environment variable for one test and restores it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old, had_ = true;
    if (value == nullptr) {
      unsetenv(name);
    } else {
      setenv(name, value, 1);
    }
  }
  ~ScopedEnv() {
    if (had_) {
      setenv(name_, old_.c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::string old_;
  bool had_ = false;
};

TEST(UserPathTest, RelativePathResolvesAgainstBazelRunWorkingDirectory) {
  ScopedEnv wd("BUILD_WORKING_DIRECTORY", "/home/u/project");
  EXPECT_EQ(UserPath("out/r.json"), "/home/u/project/out/r.json");
  EXPECT_EQ(UserPath("x.trace"), "/home/u/project/x.trace");
  EXPECT_EQ(UserPath("../x.trace"), "/home/u/project/../x.trace");
}

TEST(UserPathTest, AbsoluteAndEmptyPathsStayAsGiven) {
  ScopedEnv wd("BUILD_WORKING_DIRECTORY", "/home/u/project");
  EXPECT_EQ(UserPath("/tmp/r.json"), "/tmp/r.json");
  EXPECT_EQ(UserPath(""), "");
}

TEST(UserPathTest, WithoutBazelRunPathsStayRelative) {
  ScopedEnv wd("BUILD_WORKING_DIRECTORY", nullptr);
  EXPECT_EQ(UserPath("out/r.json"), "out/r.json");
  ScopedEnv empty("BUILD_WORKING_DIRECTORY", "");
  EXPECT_EQ(UserPath("out/r.json"), "out/r.json");
}

TEST(UserPathTest, TrailingSlashIsNotDoubled) {
  ScopedEnv wd("BUILD_WORKING_DIRECTORY", "/w/");
  EXPECT_EQ(UserPath("a"), "/w/a");
}

TEST(OutputColumnsTest, ColumnsVariableWinsWhenValid) {
  ScopedEnv columns("COLUMNS", "132");
  EXPECT_EQ(OutputColumns(-1, 100), 132u);
}

TEST(OutputColumnsTest, InvalidColumnsOrNoTerminalGivesFallback) {
  for (const char* bad : {"", "abc", "12", "80x", "100000"}) {
    ScopedEnv columns("COLUMNS", bad);
    EXPECT_EQ(OutputColumns(-1, 100), 100u) << "COLUMNS=" << bad;
  }
}

TEST(ColorWantedTest, NeverOnANonTerminal) {
  ScopedEnv no_color("NO_COLOR", nullptr);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  EXPECT_FALSE(ColorWanted(fds[1]));
  close(fds[0]);
  close(fds[1]);
}

TEST(PrintableTest, ControlAndNonAsciiBytesAreEscaped) {
  EXPECT_EQ(Printable("ok 'x'"), "ok 'x'");
  EXPECT_EQ(Printable(std::string_view("a\x07"
                                       "b\x1b[31m\xff\0",
                                       10)),
            "a\\x07b\\x1b[31m\\xff\\x00");
  EXPECT_EQ(Printable("back\\slash\n"), "back\\\\slash\\x0a");
}

}  // namespace
}  // namespace ndisconf::cli
