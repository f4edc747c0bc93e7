// certshare::agent — identifiers for the STIX objects the builders make.
//
// STIX 2.1 (§2.9) ids are "<type>--<RFC 4122 UUID>". Objects an analyst
// creates get a random UUIDv4 (from libsodium's generator, through
// certshare::crypto). Objects that must carry the same id whoever builds them
// and whenever (the organisation's own identity, the shared sector and
// country objects) get a name-based UUIDv5 (RFC 4122 §4.3: SHA-1 over a
// namespace and a name) under kCertshareNamespace, so that any tool can
// recompute them, e.g. in Python: uuid.uuid5(uuid.UUID(ns), "org:CERT-EE").
//
// Thread-safe: no shared state.
#pragma once

#include <string>
#include <string_view>

namespace certshare::agent {

// The namespace of every name-based id certshare derives. Never change it:
// the ids of every organisation's identity object depend on it.
inline constexpr std::string_view kCertshareNamespace =
    "b006fa24-9c77-4e53-be16-0c198082af03";

// A fresh random UUIDv4, lower-case, e.g. "0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061".
std::string NewUuid4();

// The UUIDv5 of `name` under `namespace_uuid` (which must be a UUID in the
// 8-4-4-4-12 hex form; an ill-formed namespace yields an empty string).
std::string Uuid5(std::string_view namespace_uuid, std::string_view name);

// "<type>--<fresh UUIDv4>".
std::string NewStixId(std::string_view type);

// "<type>--<UUIDv5 of name under kCertshareNamespace>".
std::string NamedStixId(std::string_view type, std::string_view name);

}  // namespace certshare::agent
