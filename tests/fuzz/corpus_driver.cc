// A main() for a fuzz target in the normal (gcc) build: runs the target's
// LLVMFuzzerTestOneInput once over every file in the folders it is given
// (the seed corpus and the crashes kept as regressions), so every input a
// fuzzer ever found stays a ctest test. libFuzzer is not needed.
//
//   <name>_fuzz_corpus DIR...   missing folders are skipped; no file at all
//                               is an error (the test would prove nothing)
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::size_t ran = 0;
  for (int i = 1; i < argc; ++i) {
    const fs::path dir(argv[i]);
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      std::printf("skipping %s (no such folder)\n", argv[i]);
      continue;
    }
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      std::ifstream in(file, std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
      if (!in.good() && !in.eof()) {
        std::fprintf(stderr, "cannot read %s\n", file.c_str());
        return 1;
      }
      // Name the input before running it: if it crashes, the log says which.
      std::printf("%s\n", file.c_str());
      std::fflush(stdout);
      // A heap copy of exactly the input's size, so ASan sees any
      // overread; never a null pointer, even for an empty file (as libFuzzer).
      std::unique_ptr<uint8_t[]> data(new uint8_t[bytes.size()]);
      std::copy(bytes.begin(), bytes.end(), data.get());
      LLVMFuzzerTestOneInput(data.get(), bytes.size());
      ++ran;
    }
  }
  if (ran == 0) {
    std::fprintf(stderr, "no corpus file found\n");
    return 1;
  }
  std::printf("%zu inputs ran without a finding\n", ran);
  return 0;
}
