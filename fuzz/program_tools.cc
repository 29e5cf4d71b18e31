#include "fuzz/program_tools.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "tools/cli/cli.h"

namespace ndisconf::fuzz {

bool ReadWholeFile(const std::string& path, std::string* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  out->assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return !f.bad();
}

bool WriteWholeFile(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  f.close();
  return static_cast<bool>(f);
}

namespace {

bool Flag(const std::string& arg, const std::string& name, std::string* value) {
  const std::string prefix = "--" + name + "=";
  if (arg.compare(0, prefix.size(), prefix) != 0) return false;
  *value = arg.substr(prefix.size());
  return true;
}

std::optional<uint64_t> Unsigned(const std::string& s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

}  // namespace

std::optional<int> RunProgramTextCommand(int argc, char** argv, const ProgramText& form) {
  if (argc < 2) return std::nullopt;
  const std::string cmd = argv[1];
  const bool print = cmd == "print" && argc == 3;
  if (!print && !(cmd == "parse" && argc == 4)) return std::nullopt;
  const std::string in = cli::UserPath(argv[2]);
  std::string data;
  if (!ReadWholeFile(in, &data)) {
    std::fprintf(stderr, "%s: cannot read %s\n", form.tool, in.c_str());
    return 2;
  }
  if (print) {
    const std::string text = form.print(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }
  std::vector<uint8_t> bytes;
  ProgramTextError e;
  if (!form.parse(data, &bytes, &e)) {
    std::fprintf(stderr, "%s:%zu:%zu: %s\n", argv[2], e.line, e.column,
                 cli::Printable(e.message).c_str());
    return 1;
  }
  const std::string out = cli::UserPath(argv[3]);
  if (!WriteWholeFile(out, bytes)) {
    std::fprintf(stderr, "%s: cannot write %s\n", form.tool, out.c_str());
    return 2;
  }
  return 0;
}

int RandomWalkMain(int argc, char** argv, const RandomWalk& walk) {
  const auto usage = [&] {
    std::fprintf(stderr, "usage: %s --seed=N --max_total_time=SECONDS [--out=FILE]\n", walk.tool);
    return 2;
  };
  std::optional<uint64_t> seed, seconds;
  std::string out_path;
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    std::string v;
    if (Flag(arg, "seed", &v)) {
      seed = Unsigned(v);
      if (!seed) return usage();
    } else if (Flag(arg, "max_total_time", &v)) {
      seconds = Unsigned(v);
      if (!seconds) return usage();
    } else if (Flag(arg, "out", &v) && !v.empty()) {
      out_path = cli::UserPath(v);
    } else {
      return usage();
    }
  }
  if (!seed || !seconds) return usage();
  nic::SplitMix64 rng(*seed);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(*seconds);
  uint64_t programs = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::vector<uint8_t> p = walk.program(rng);
    const std::optional<WalkVerdict> v = walk.run(p);
    if (!v) return 2;  // the message naming the implementations is out
    ++programs;
    if (v->rule.empty()) continue;
    std::fprintf(stderr, "ndisconf-violation: %s check=%s event=%llu\n%s\n", v->rule.c_str(),
                 v->check.c_str(), static_cast<unsigned long long>(v->event), v->message.c_str());
    const std::string text = walk.describe(p);
    std::fputs(text.c_str(), stderr);
    std::fprintf(stderr, "random-walk: programs=%llu\n", static_cast<unsigned long long>(programs));
    if (!out_path.empty() && !WriteWholeFile(out_path, p))
      std::fprintf(stderr, "random-walk: cannot write %s\n", out_path.c_str());
    return 1;
  }
  std::fprintf(stderr, "random-walk: programs=%llu\n", static_cast<unsigned long long>(programs));
  return 0;
}

}  // namespace ndisconf::fuzz
