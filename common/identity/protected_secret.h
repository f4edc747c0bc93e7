// Private to common/identity: the encrypted part of a protected secret file
// ("certshare-secret-v1-protected", docs/identity.md).
//
// The three secret keys, concatenated (sign_secret 64 bytes, box_secret 32,
// transport_secret 32), are sealed with XChaCha20-Poly1305 under a key
// derived from the passphrase (crypto::DeriveKeyFromPassphrase) with a
// random salt and nonce. The associated data binds the file's public
// fields (format, org, name, the three public keys, the KDF parameters and
// the salt), so editing any of them makes opening fail.
#pragma once

#include <functional>

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "common/base/status.h"
#include "common/crypto/passphrase.h"
#include "common/identity/identity.h"

namespace certshare::identity::internal {

// Writes "kdf", "kdf_opslimit", "kdf_memlimit", "salt", "nonce" and
// "encrypted_secrets" for `id`, protected by `passphrase`.
Status WriteProtectedSecrets(const Identity& id, const crypto::Passphrase& passphrase,
                             rapidjson::PrettyWriter<rapidjson::StringBuffer>& w);

// Opens those fields of `doc` into id->*_secret; id->card must already hold
// the file's card fields. The fields are checked first (kInvalidConfig for a
// malformed file), and only then is `passphrase` asked (its error returned
// as is). kDecryptFailed for a wrong passphrase or an altered file.
Status OpenProtectedSecrets(const rapidjson::Value& doc,
                            const std::function<Result<crypto::Passphrase>()>& passphrase,
                            Identity* id);

}  // namespace certshare::identity::internal
