#include "broker/trust_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/base/file_util.h"
#include "common/base/testing.h"
#include "common/trust/trust_test_util.h"

namespace certshare::broker {
namespace {

namespace tt = trust::testing;

class TrustStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root1_ = tt::SignRoot(tt::RootV1(), {tt::kRootEe, tt::kRootUa});
    root2_ = tt::SignRoot(tt::RootV2(), {tt::kRootEe, tt::kRootUa});
    reg1_ = tt::SignRegistry(tt::RegistryV1(), {tt::kRegistryA});
    reg2_ = tt::SignRegistry(tt::RegistryV2(reg1_), {tt::kRegistryA});
  }
  std::string Dir() const { return dir_.File("trust"); }
  std::unique_ptr<TrustStore> OpenStore() {
    auto store = TrustStore::Open(Dir(), root1_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }

  testing::TempDir dir_;
  std::string root1_, root2_, reg1_, reg2_;
};

TEST_F(TrustStoreTest, StartsFromThePinnedRootAndAppliesInOrder) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->registry(), nullptr);
  auto applied = store->Apply(reg1_, tt::Now());
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_TRUE(applied->changed);
  EXPECT_EQ(applied->kind, TrustStore::Kind::kRegistry);
  ASSERT_TRUE(store->Apply(root2_, tt::Now()).ok());
  applied = store->Apply(reg2_, tt::Now());
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  ASSERT_EQ(applied->key_changes.size(), 1u);
  EXPECT_EQ(store->registry()->version.version, 2u);
  EXPECT_EQ(store->root().root.version, 2u);
  // The same file again changes nothing.
  applied = store->Apply(reg2_, tt::Now());
  ASSERT_TRUE(applied.ok());
  EXPECT_FALSE(applied->changed);
}

TEST_F(TrustStoreTest, RefusesWhatAnAgentWouldRefuseAndKeepsWhatItHad) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_CODE(store->Apply(tt::SignRegistry(tt::RegistryV1(), {}), tt::Now()).status(),
              ErrorCode::kUnderThreshold);
  ASSERT_TRUE(store->Apply(reg1_, tt::Now()).ok());
  ASSERT_TRUE(store->Apply(reg2_, tt::Now()).ok());
  EXPECT_CODE(store->Apply(reg1_, tt::Now()).status(), ErrorCode::kRollback);
  trust::RegistryVersion gap = tt::RegistryV2(reg1_);
  gap.version = 4;
  EXPECT_CODE(store->Apply(tt::SignRegistry(gap, {tt::kRegistryA}), tt::Now()).status(),
              ErrorCode::kBrokenChain);
  // A root signed by one root key: under threshold.
  EXPECT_CODE(store->Apply(tt::SignRoot(tt::RootV2(), {tt::kRootEe}), tt::Now()).status(),
              ErrorCode::kUnderThreshold);
  EXPECT_CODE(store->Apply("{\"format\":\"x\"}", tt::Now()).status(), ErrorCode::kMalformedTrust);
  EXPECT_EQ(store->registry()->version.version, 2u);
  EXPECT_EQ(store->root().root.version, 1u);
}

TEST_F(TrustStoreTest, ReloadsTheStoredChainAtRestart) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Apply(reg1_, tt::Now()).ok());
    ASSERT_TRUE(store->Apply(root2_, tt::Now()).ok());
    ASSERT_TRUE(store->Apply(reg2_, tt::Now()).ok());
  }
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->root().root.version, 2u);
  ASSERT_NE(store->registry(), nullptr);
  EXPECT_EQ(store->registry()->version.version, 2u);
  // Served again byte for byte, from the agent's versions on.
  wire::TrustFiles all = store->FilesAfter(0, 0);
  EXPECT_EQ(all.latest_root, 2u);
  EXPECT_EQ(all.latest_registry, 2u);
  EXPECT_EQ(all.roots, (std::vector<std::string>{root1_, root2_}));
  EXPECT_EQ(all.registries, (std::vector<std::string>{reg1_, reg2_}));
  wire::TrustFiles after = store->FilesAfter(2, 1);
  EXPECT_TRUE(after.roots.empty());
  EXPECT_EQ(after.registries, (std::vector<std::string>{reg2_}));
  EXPECT_TRUE(store->FilesAfter(7, 9).registries.empty());
}

TEST_F(TrustStoreTest, AStoredFileThatNoLongerVerifiesStopsTheBroker) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Apply(reg1_, tt::Now()).ok());
    ASSERT_TRUE(store->Apply(reg2_, tt::Now()).ok());
  }
  // Someone with the host swaps version 2 for one only they signed.
  trust::RegistryVersion forged = tt::RegistryV2(reg1_);
  forged.members[0].card.name = "CERT Estonia (forged)";
  std::string path = Dir() + "/00000003-registry-2.json";
  ASSERT_TRUE(std::filesystem::exists(path));
  ASSERT_OK(files::WriteAtomic(path, tt::SignRegistry(forged, {tt::kRegistryB + 1})));
  auto reopened = TrustStore::Open(Dir(), root1_);
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), ErrorCode::kUnderThreshold);
  EXPECT_NE(reopened.status().message().find("00000003-registry-2.json"), std::string::npos)
      << reopened.status().ToString();
}

TEST_F(TrustStoreTest, ADataDirectoryOfAnotherRootIsRefused) {
  ASSERT_NE(OpenStore(), nullptr);
  trust::Root other = tt::RootV1();
  other.federation = "another-federation";
  auto reopened = TrustStore::Open(Dir(), tt::SignRoot(other, {tt::kRootEe, tt::kRootUa}));
  EXPECT_CODE(reopened.status(), ErrorCode::kInvalidConfig);
  // A pinned root under its threshold is refused before anything.
  EXPECT_CODE(TrustStore::Open(dir_.File("fresh"), tt::SignRoot(tt::RootV1(), {tt::kRootEe}))
                  .status(),
              ErrorCode::kUnderThreshold);
}

TEST_F(TrustStoreTest, AMissingEntryIsRefused) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Apply(reg1_, tt::Now()).ok());
    ASSERT_TRUE(store->Apply(reg2_, tt::Now()).ok());
  }
  std::filesystem::remove(Dir() + "/00000002-registry-1.json");
  EXPECT_CODE(TrustStore::Open(Dir(), root1_).status(), ErrorCode::kInvalidConfig);
}

TEST_F(TrustStoreTest, ExpiryIsReportedNotFatal) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Warnings(tt::Now()).size(), 1u);  // no registry version yet
  ASSERT_TRUE(store->Apply(reg1_, tt::Now()).ok());
  ASSERT_TRUE(store->Apply(tt::SignTimestampFor(reg1_, {tt::kRegistryA}), tt::Now()).ok());
  EXPECT_TRUE(store->Warnings(tt::Now()).empty());
  StixMillis later = *ParseTimestamp("2029-01-01T00:00:00Z");
  std::vector<std::string> warnings = store->Warnings(later);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(warnings[0].find("registry version 1 expired"), std::string::npos);
  EXPECT_NE(warnings[1].find("no fresh timestamp"), std::string::npos);
  // Applying an expired version is refused, as agents refuse it.
  EXPECT_CODE(store->Apply(reg2_, later).status(), ErrorCode::kTrustExpired);
}

TEST_F(TrustStoreTest, TimestampsAreVerifiedServedStoredAndDroppedByANewVersion) {
  std::string ts1 = tt::SignTimestampFor(reg1_, {tt::kRegistryA});
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    // Nothing to vouch for yet; then unsigned; then fine.
    EXPECT_CODE(store->Apply(ts1, tt::Now()).status(), ErrorCode::kBrokenChain);
    ASSERT_TRUE(store->Apply(reg1_, tt::Now()).ok());
    EXPECT_CODE(store->Apply(tt::SignTimestampFor(reg1_, {}), tt::Now()).status(),
                ErrorCode::kUnderThreshold);
    auto applied = store->Apply(ts1, tt::Now());
    ASSERT_TRUE(applied.ok()) << applied.status().ToString();
    EXPECT_EQ(applied->kind, TrustStore::Kind::kTimestamp);
    EXPECT_NE(store->timestamp_issued_ms(), 0u);
  }
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(store->FilesAfter(1, 1).timestamp, ts1);
    // A newer version: the timestamp no longer vouches, and is not served.
    ASSERT_TRUE(store->Apply(reg2_, tt::Now()).ok());
    EXPECT_EQ(store->FilesAfter(1, 2).timestamp, "");
  }
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->timestamp(), nullptr);
  // A stored timestamp that someone replaced stops the broker.
  ASSERT_OK(files::WriteAtomic(Dir() + "/timestamp.json",
                               tt::SignTimestampFor(reg2_, {tt::kRegistryB + 1})));
  EXPECT_CODE(TrustStore::Open(Dir(), root1_).status(), ErrorCode::kUnderThreshold);
}

}  // namespace
}  // namespace certshare::broker
