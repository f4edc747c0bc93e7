// Private to common/crypto: makes sure libsodium is initialised before any
// operation, so that a caller who forgot crypto::Init() still gets correct
// (not merely working) primitives.
#pragma once

namespace certshare::crypto::internal {

// Calls Init() once; aborts the process if libsodium cannot initialise
// (no usable random source), as libsodium itself would. Cheap after the
// first call: one load of a function-local static.
void EnsureInit();

}  // namespace certshare::crypto::internal
