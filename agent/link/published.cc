#include "agent/link/published.h"

#include <algorithm>

#include "common/base/json.h"

namespace certshare::agent {

namespace {

// Sorts every object's members by name. Depth is bounded by json::Parse.
void SortMembers(rapidjson::Value* value) {
  if (value->IsObject()) {
    std::sort(value->MemberBegin(), value->MemberEnd(), [](const auto& a, const auto& b) {
      return std::string_view(a.name.GetString(), a.name.GetStringLength()) <
             std::string_view(b.name.GetString(), b.name.GetStringLength());
    });
    for (auto& member : value->GetObject()) SortMembers(&member.value);
  } else if (value->IsArray()) {
    for (auto& item : value->GetArray()) SortMembers(&item);
  }
}

}  // namespace

crypto::Hash256 ContentDigest(std::string_view stix_json) {
  rapidjson::Document doc;
  if (!json::Parse(stix_json, &doc).ok()) return crypto::Hash({AsBytes(stix_json)});
  return ContentDigest(doc);
}

crypto::Hash256 ContentDigest(rapidjson::Value& document) {
  SortMembers(&document);
  const std::string canonical = json::Write(document);
  return crypto::Hash({AsBytes(canonical)});
}

// The flag in the note's first byte that says a leaf hash follows.
constexpr unsigned kHasLeaf = 0x80;

PublishedNote NoteOf(const envelope::Header& header, const crypto::Hash256& content,
                     std::optional<crypto::Hash256> leaf) {
  PublishedNote note;
  note.leaf = leaf;
  note.tlp = header.tlp;
  note.encrypted = header.encrypted;
  note.recipients = header.recipients;
  std::sort(note.recipients.begin(), note.recipients.end());
  note.content = content;
  return note;
}

std::string EncodeNote(const PublishedNote& note) {
  std::string out;
  out.push_back(static_cast<char>(static_cast<unsigned>(note.tlp) | (note.leaf ? kHasLeaf : 0)));
  out.push_back(note.encrypted ? 1 : 0);
  out.append(reinterpret_cast<const char*>(note.content.data()), note.content.size());
  if (note.leaf) out.append(reinterpret_cast<const char*>(note.leaf->data()), note.leaf->size());
  for (const std::string& r : note.recipients) out += r + "\n";
  return out;
}

std::optional<PublishedNote> DecodeNote(std::string_view bytes) {
  constexpr std::size_t kHash = crypto::Hash256{}.size();
  const unsigned flags_tlp = bytes.empty() ? 0 : static_cast<unsigned char>(bytes[0]);
  const bool has_leaf = (flags_tlp & kHasLeaf) != 0;
  const std::size_t fixed = 2 + kHash + (has_leaf ? kHash : 0);
  if (bytes.size() < fixed || (flags_tlp & ~kHasLeaf) > 4 ||
      static_cast<unsigned char>(bytes[1]) > 1) {
    return std::nullopt;
  }
  PublishedNote note;
  note.tlp = static_cast<Tlp>(flags_tlp & ~kHasLeaf);
  note.encrypted = bytes[1] == 1;
  std::copy(bytes.begin() + 2, bytes.begin() + 2 + kHash, note.content.begin());
  if (has_leaf) {
    note.leaf.emplace();
    std::copy(bytes.begin() + 2 + kHash, bytes.begin() + fixed, note.leaf->begin());
  }
  std::string_view rest = bytes.substr(fixed);
  while (!rest.empty()) {
    const std::size_t nl = rest.find('\n');
    if (nl == std::string_view::npos || nl == 0) return std::nullopt;
    note.recipients.emplace_back(rest.substr(0, nl));
    rest.remove_prefix(nl + 1);
  }
  return note;
}

std::vector<std::string> Differences(const PublishedNote& stored, const PublishedNote& other) {
  std::vector<std::string> out;
  if (stored.tlp != other.tlp) out.push_back("TLP");
  if (stored.encrypted != other.encrypted) out.push_back("encryption");
  if (stored.recipients != other.recipients) out.push_back("recipients");
  if (stored.content != other.content) out.push_back("content");
  return out;
}

std::string DescribeRouting(const PublishedNote& note) {
  std::string out = "TLP:" + std::string(TlpName(note.tlp));
  for (std::size_t i = 0; i < note.recipients.size(); ++i) {
    out += (i == 0 ? ", to " : ", ") + note.recipients[i];
  }
  return out + (note.encrypted ? ", encrypted" : ", signed, not encrypted");
}

}  // namespace certshare::agent
