// Every dictionary under fuzz/ (fuzz/*.dict, passed as arguments) is in
// libFuzzer's dictionary syntax, so -dict= loads it rather than stopping
// the run with "ParseDictionaryFile: error in line N". The rules are those
// of libFuzzer's ParseDictionaryFile / ParseOneDictionaryEntry
// (compiler-rt lib/fuzzer/FuzzerUtil.cpp), made stricter where libFuzzer
// would accept a line that AFL++ (-x) refuses or that adds nothing:
//   - a line is blank, a comment ('#' after optional spaces), or an entry
//     `[name=]"value"`; the name is letters, digits and '_' (AFL++'s rule;
//     libFuzzer ignores whatever precedes the quote); the closing quote is
//     the line's last character (no trailing text);
//   - every byte of the value is printable or a space (libFuzzer refuses a
//     raw control or 8-bit byte); '\' introduces only `\\`, `\"` or `\xHH`;
//   - a value is 1..64 bytes once unescaped (libFuzzer refuses an empty
//     value and silently drops one longer than its 64-byte word).
#include <gtest/gtest.h>

#include <cctype>
#include <cstddef>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::vector<std::string> g_files;

constexpr size_t kMaxEntryBytes = 64;

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One line: nullopt when it is blank or a comment, else the unescaped value
// of an entry, or `*error` set and an empty string when malformed.
std::optional<std::string> ParseLine(const std::string& line, std::string* error) {
  size_t i = 0;
  while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
  if (i == line.size() || line[i] == '#') return std::nullopt;
  const size_t open = line.find('"', i);
  if (open == std::string::npos) {
    *error = "no opening quote";
    return std::string();
  }
  if (open != i) {
    if (line[open - 1] != '=') {
      *error = "text before the value is not name=";
      return std::string();
    }
    if (open - 1 == i) {
      *error = "empty name before =";
      return std::string();
    }
    for (size_t k = i; k + 1 < open; ++k) {
      const unsigned char c = static_cast<unsigned char>(line[k]);
      if (!std::isalnum(c) && c != '_') {
        *error = "name has a character other than [A-Za-z0-9_]";
        return std::string();
      }
    }
  }
  if (line.size() < open + 2 || line.back() != '"') {
    *error = "the value does not end the line with a quote";
    return std::string();
  }
  std::string value;
  const size_t close = line.size() - 1;
  for (size_t k = open + 1; k < close; ++k) {
    const unsigned char c = static_cast<unsigned char>(line[k]);
    if (!std::isprint(c) && c != ' ') {
      *error = "a byte that is neither printable nor a space (use \\xHH)";
      return std::string();
    }
    if (c != '\\') {
      value.push_back(line[k]);
      continue;
    }
    if (k + 1 < close && (line[k + 1] == '\\' || line[k + 1] == '"')) {
      value.push_back(line[++k]);
      continue;
    }
    if (k + 3 < close && line[k + 1] == 'x' && HexDigit(line[k + 2]) >= 0 &&
        HexDigit(line[k + 3]) >= 0) {
      value.push_back(static_cast<char>(HexDigit(line[k + 2]) * 16 + HexDigit(line[k + 3])));
      k += 3;
      continue;
    }
    *error = "bad escape (only \\\\, \\\" and \\xHH)";
    return std::string();
  }
  if (value.empty()) {
    *error = "empty value";
    return std::string();
  }
  if (value.size() > kMaxEntryBytes) {
    *error = "value longer than 64 bytes";
    return std::string();
  }
  return value;
}

std::string ErrorOf(const std::string& line) {
  std::string error;
  (void)ParseLine(line, &error);
  return error;
}

// A whole dictionary: its entries, or `*error` = "LINE: message" for the
// first malformed line (as libFuzzer stops at the first one).
std::vector<std::string> ParseDictionary(std::istream& in, std::string* error) {
  std::vector<std::string> entries;
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    std::string line_error;
    std::optional<std::string> v = ParseLine(line, &line_error);
    if (!line_error.empty()) {
      *error = std::to_string(n) + ": " + line_error;
      return entries;
    }
    if (v.has_value()) entries.push_back(*std::move(v));
  }
  return entries;
}

TEST(DictSyntax, AcceptsEntriesCommentsAndBlanks) {
  std::string error;
  EXPECT_EQ(ParseLine("# comment", &error), std::nullopt);
  EXPECT_EQ(ParseLine("  # indented comment", &error), std::nullopt);
  EXPECT_EQ(ParseLine("   ", &error), std::nullopt);
  EXPECT_EQ(ParseLine("", &error), std::nullopt);
  EXPECT_EQ(ParseLine("\"ab\"", &error), std::string("ab"));
  EXPECT_EQ(ParseLine("\"a b\"", &error), std::string("a b"));
  EXPECT_EQ(ParseLine("kw_1=\"\\x41\\\\\\\"\"", &error), std::string("A\\\""));
  EXPECT_EQ(ParseLine("x=\"\\x00\\xfF\"", &error), std::string("\x00\xff", 2));
  EXPECT_EQ(ParseLine("n=\"" + std::string(64, 'a') + "\"", &error), std::string(64, 'a'));
  EXPECT_EQ(error, "");
}

TEST(DictSyntax, RejectsMalformedLines) {
  EXPECT_EQ(ErrorOf("abc"), "no opening quote");
  EXPECT_EQ(ErrorOf("a b=\"x\""), "name has a character other than [A-Za-z0-9_]");
  EXPECT_EQ(ErrorOf("a-b=\"x\""), "name has a character other than [A-Za-z0-9_]");
  EXPECT_EQ(ErrorOf("name \"x\""), "text before the value is not name=");
  EXPECT_EQ(ErrorOf("=\"x\""), "empty name before =");
  EXPECT_EQ(ErrorOf("n=\"x"), "the value does not end the line with a quote");
  EXPECT_EQ(ErrorOf("n=\"x\" # trailing"), "the value does not end the line with a quote");
  EXPECT_EQ(ErrorOf("n=\""), "the value does not end the line with a quote");
  EXPECT_EQ(ErrorOf("n=\"\\q\""), "bad escape (only \\\\, \\\" and \\xHH)");
  EXPECT_EQ(ErrorOf("n=\"\\x4\""), "bad escape (only \\\\, \\\" and \\xHH)");
  EXPECT_EQ(ErrorOf("n=\"\\x4g\""), "bad escape (only \\\\, \\\" and \\xHH)");
  EXPECT_EQ(ErrorOf("n=\"a\\\""), "bad escape (only \\\\, \\\" and \\xHH)");
  EXPECT_EQ(ErrorOf("n=\"a\tb\""), "a byte that is neither printable nor a space (use \\xHH)");
  EXPECT_EQ(ErrorOf("n=\"\x80\""), "a byte that is neither printable nor a space (use \\xHH)");
  EXPECT_EQ(ErrorOf("n=\"\""), "empty value");
  EXPECT_EQ(ErrorOf("n=\"" + std::string(65, 'a') + "\""), "value longer than 64 bytes");
}

TEST(DictSyntax, WholeDictionaryStopsAtTheFirstMalformedLine) {
  std::istringstream good("# c\n\na=\"\\x01\"\n\"b\"\n");
  std::string error;
  EXPECT_EQ(ParseDictionary(good, &error), (std::vector<std::string>{"\x01", "b"}));
  EXPECT_EQ(error, "");

  std::istringstream bad("# c\na=\"x\"\nb=\"\\z\"\nc=\"y\"\n");
  EXPECT_EQ(ParseDictionary(bad, &error), (std::vector<std::string>{"x"}));
  EXPECT_EQ(error, "3: bad escape (only \\\\, \\\" and \\xHH)");
}

TEST(DictFiles, EveryDictionaryParses) {
  ASSERT_FALSE(g_files.empty()) << "no dictionary passed";
  for (const std::string& path : g_files) {
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << "cannot read " << path;
    std::string error;
    const std::vector<std::string> entries = ParseDictionary(in, &error);
    EXPECT_EQ(error, "") << path;
    EXPECT_FALSE(entries.empty()) << path << " has no entry";
  }
}

}  // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) g_files.emplace_back(argv[i]);
  return RUN_ALL_TESTS();
}
