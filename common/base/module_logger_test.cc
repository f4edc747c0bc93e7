#include "common/base/module_logger.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

namespace certshare {
namespace {

// Module loggers write through the default logger's sinks, under their
// own name, at the level and pattern set for all.
class ModuleLoggerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    saved_ = spdlog::default_logger();
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("", sink));
    spdlog::set_pattern("%l %n: %v");
    spdlog::set_level(spdlog::level::info);
  }
  void TearDown() override {
    spdlog::drop("test-a");
    spdlog::drop("test-b");
    spdlog::set_default_logger(saved_);
  }
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> saved_;
};

TEST_F(ModuleLoggerTest, LinesSayTheirModuleInTheDefaultStream) {
  ModuleLogger("test-a")->info("one {}", 1);
  ModuleLogger("test-b")->warn("two");
  spdlog::info("three");
  EXPECT_EQ(out_.str(), "info test-a: one 1\nwarning test-b: two\ninfo : three\n");
}

TEST_F(ModuleLoggerTest, OneLoggerPerName) {
  EXPECT_EQ(ModuleLogger("test-a"), ModuleLogger("test-a"));
  EXPECT_NE(ModuleLogger("test-a"), ModuleLogger("test-b"));
}

TEST_F(ModuleLoggerTest, LevelAndPatternSetLaterApplyToEveryModule) {
  auto a = ModuleLogger("test-a");
  spdlog::set_level(spdlog::level::warn);
  a->info("hidden");
  a->warn("shown");
  spdlog::set_pattern("[%n] %v");
  a->error("again");
  EXPECT_EQ(out_.str(), "warning test-a: shown\n[test-a] again\n");
}

}  // namespace
}  // namespace certshare
