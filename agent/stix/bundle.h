// certshare::agent::Bundle — a STIX 2.1 bundle being assembled: what the
// builders add, and objects attached from files, merged without repeats.
//
// Versions (STIX 2.1 §3.6): an object is identified by `id` plus `modified`
// (or `created` for objects that have no `modified`, such as marking
// definitions; or `id` alone for cyber-observables, which are not
// versioned). Adding an object whose id and version are already present is
// a no-op when the two are equal JSON values, and kInvalidArgument when
// they differ (two different objects cannot be the same version). Several
// versions of one id may sit in one bundle.
//
// Not thread-safe. Values added must use allocator().
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/base/status.h"

namespace certshare::agent {

class Bundle {
 public:
  // A bundle with a fresh random id.
  Bundle();
  Bundle(const Bundle&) = delete;
  Bundle& operator=(const Bundle&) = delete;

  rapidjson::Document::AllocatorType& allocator() { return doc_.GetAllocator(); }

  // Adds one STIX object (moved from `object`, which must be an object with
  // a string `id`).
  Status Add(rapidjson::Value&& object);

  // Adds every object of a document: a bundle, a single object, or a JSON
  // array of objects. The text is parsed strictly (json::Parse); `source`
  // names it in messages. Returns how many objects were new.
  Result<std::size_t> AddDocument(std::string_view text, std::string_view source);

  const std::string& id() const { return id_; }
  std::size_t size() const { return Objects().Size(); }
  const rapidjson::Value& Objects() const;
  // The first object of `type`, or nullptr.
  const rapidjson::Value* FindFirst(std::string_view type) const;

  const rapidjson::Document& document() const { return doc_; }
  // Serialised with two-space indentation, ending in a newline.
  std::string ToJson() const;

 private:
  std::string id_;
  rapidjson::Document doc_;
  // (id, version) of every object, in insertion order.
  std::vector<std::pair<std::string, std::string>> keys_;
};

// The version key of an object: its `modified`, else `created`, else "".
std::string VersionOf(const rapidjson::Value& object);

// Serialises any value with two-space indentation, ending in a newline.
std::string ToPrettyJson(const rapidjson::Value& value);

}  // namespace certshare::agent
