#include "agent/link/published.h"

#include <gtest/gtest.h>

namespace certshare::agent {
namespace {

TEST(PublishedTest, ContentDigestIgnoresLayoutAndMemberOrderNotValues) {
  const crypto::Hash256 a = ContentDigest(R"({"type":"incident","name":"x","labels":["a","b"]})");
  EXPECT_EQ(a, ContentDigest("{\n  \"name\": \"x\",\n  \"labels\": [\"a\", \"b\"],\n"
                             "  \"type\": \"incident\"\n}\n"));
  EXPECT_EQ(ContentDigest(R"({"o":{"b":1,"a":{"d":2,"c":3}}})"),
            ContentDigest(R"({"o":{"a":{"c":3,"d":2},"b":1}})"));
  EXPECT_NE(a, ContentDigest(R"({"type":"incident","name":"y","labels":["a","b"]})"));
  EXPECT_NE(a, ContentDigest(R"({"type":"incident","name":"x","labels":["b","a"]})"));
  EXPECT_NE(a, ContentDigest(R"({"type":"incident","name":"x","labels":["a","b"],"d":""})"));
  // Not JSON: hashed as it is, still deterministic.
  EXPECT_EQ(ContentDigest("not json"), ContentDigest("not json"));
  EXPECT_NE(ContentDigest("not json"), ContentDigest("not json "));
}

PublishedNote Note(Tlp tlp, bool encrypted, std::vector<std::string> to, const char* content) {
  envelope::Header h;
  h.tlp = tlp;
  h.encrypted = encrypted;
  h.recipients = std::move(to);
  return NoteOf(h, ContentDigest(content));
}

TEST(PublishedTest, NotesRoundTripWithSortedRecipients) {
  const PublishedNote note = Note(Tlp::kAmber, true, {"CERT-UA", "CERT-EU"}, "{}");
  EXPECT_EQ(note.recipients, (std::vector<std::string>{"CERT-EU", "CERT-UA"}));
  EXPECT_EQ(DecodeNote(EncodeNote(note)), note);
  const PublishedNote clear = Note(Tlp::kClear, false, {}, "{}");
  EXPECT_EQ(DecodeNote(EncodeNote(clear)), clear);
  EXPECT_EQ(DescribeRouting(note), "TLP:amber, to CERT-EU, CERT-UA, encrypted");
  EXPECT_EQ(DescribeRouting(clear), "TLP:clear, signed, not encrypted");
  // Not notes.
  EXPECT_EQ(DecodeNote(""), std::nullopt);
  EXPECT_EQ(DecodeNote(std::string(34, '\0') + "CERT-UA"), std::nullopt);  // no '\n'
  EXPECT_EQ(DecodeNote(std::string(1, '\x05') + std::string(33, '\0')), std::nullopt);
}

TEST(PublishedTest, NotesKeepTheLeafHashForReceipts) {
  PublishedNote note = Note(Tlp::kAmber, true, {"CERT-UA"}, "{}");
  note.leaf.emplace();
  note.leaf->fill(0xab);
  const std::string bytes = EncodeNote(note);
  EXPECT_EQ(static_cast<unsigned char>(bytes[0]), 0x80 | static_cast<unsigned>(Tlp::kAmber));
  EXPECT_EQ(DecodeNote(bytes), note);
  // A note written before receipts (no flag, no leaf) still decodes.
  PublishedNote old = note;
  old.leaf.reset();
  auto decoded = DecodeNote(EncodeNote(old));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_FALSE(decoded->leaf.has_value());
  EXPECT_EQ(decoded->recipients, note.recipients);
  // The flag without the 32 bytes it promises is not a note.
  EXPECT_EQ(DecodeNote(bytes.substr(0, 2 + 32 + 16)), std::nullopt);
  // Two seals of one document differ only in their leaves: not a difference.
  EXPECT_TRUE(Differences(note, old).empty());
}

TEST(PublishedTest, DifferencesNameWhatDiffers) {
  const PublishedNote stored = Note(Tlp::kAmber, true, {"CERT-UA"}, R"({"d":"40"})");
  EXPECT_TRUE(Differences(stored, Note(Tlp::kAmber, true, {"CERT-UA"}, R"({ "d" : "40" })"))
                  .empty());
  EXPECT_EQ(Differences(stored, Note(Tlp::kAmber, true, {"CERT-UA", "CERT-EU"}, R"({"d":"40"})")),
            (std::vector<std::string>{"recipients"}));
  EXPECT_EQ(Differences(stored, Note(Tlp::kAmber, true, {"CERT-UA"}, R"({"d":"400"})")),
            (std::vector<std::string>{"content"}));
  EXPECT_EQ(Differences(stored, Note(Tlp::kRed, true, {"CERT-EU"}, R"({"d":"400"})")),
            (std::vector<std::string>{"TLP", "recipients", "content"}));
  EXPECT_EQ(Differences(Note(Tlp::kGreen, true, {}, "{}"), Note(Tlp::kGreen, false, {}, "{}")),
            (std::vector<std::string>{"encryption"}));
}

}  // namespace
}  // namespace certshare::agent
