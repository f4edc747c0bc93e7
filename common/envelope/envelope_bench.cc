// envelope_bench: records per second for Seal, Verify and Open, single
// records and batches of 64, AMBER with 2 recipients and a ~1 KiB payload.
// Run by hand on a quiet machine (Release or RelWithDebInfo build):
//   ./envelope_bench [seconds-per-figure]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

#include "common/envelope/envelope.h"

namespace certshare::envelope {
namespace {

using Clock = std::chrono::steady_clock;

struct Org {
  std::string id;
  crypto::SigningKeyPair sign = crypto::GenerateSigningKeyPair();
  crypto::BoxKeyPair box = crypto::GenerateBoxKeyPair();
};

// Calls `step` (which handles `per_call` records) until `seconds` pass;
// returns records per second.
double Rate(double seconds, std::size_t per_call,
            const std::function<void()>& step) {
  const auto start = Clock::now();
  const auto until = start + std::chrono::duration<double>(seconds);
  std::size_t records = 0;
  while (Clock::now() < until) {
    step();
    records += per_call;
  }
  const double elapsed =
      std::chrono::duration<double>(Clock::now() - start).count();
  return static_cast<double>(records) / elapsed;
}

void Die(const Status& s) {
  std::fprintf(stderr, "envelope_bench: %s\n", s.ToString().c_str());
  std::exit(1);
}

int Run(double seconds) {
  if (Status s = crypto::Init(); !s.ok()) Die(s);
  Org origin{"cert-a"}, b{"cert-b"}, c{"cert-c"};
  Draft draft;
  draft.stix_type = "indicator";
  draft.stix_id = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
  draft.modified = "2024-05-01T12:00:00.000Z";
  draft.tlp = Tlp::kAmber;
  draft.recipients = {{b.id, b.box.public_key}, {c.id, c.box.public_key}};
  draft.topics = {"sector:energy"};
  draft.payload =
      "{\"type\":\"indicator\",\"pattern\":\"" + std::string(1000, 'x') + "\"}";
  Sealer sealer(origin.id, origin.sign.secret_key, origin.box.secret_key);

  Result<Sealed> one = sealer.Seal(draft);
  if (!one.ok()) Die(one.status());
  Result<Record> single = Decode(one->record);
  if (!single.ok()) Die(single.status());

  const std::vector<Draft> drafts(64, draft);
  Result<std::vector<Sealed>> batch = sealer.SealBatch(drafts);
  if (!batch.ok()) Die(batch.status());
  std::vector<Record> batch_records;
  for (const Sealed& sealed : *batch) {
    Result<Record> r = Decode(sealed.record);
    if (!r.ok()) Die(r.status());
    batch_records.push_back(std::move(r).value());
  }

  auto open_one = [&](const Record& r) {
    Result<std::string> p = Open(r, b.id, b.box.secret_key,
                                 origin.sign.public_key, origin.box.public_key);
    if (!p.ok()) Die(p.status());
  };

  std::printf("payload %zu bytes, TLP:AMBER, 2 recipients, %.1f s per figure\n",
              draft.payload.size(), seconds);
  std::printf("%-28s %12s\n", "operation", "records/s");
  auto row = [](const char* name, double rate) {
    std::printf("%-28s %12.0f\n", name, rate);
  };
  row("seal (single)", Rate(seconds, 1, [&] {
        if (!sealer.Seal(draft).ok()) std::abort();
      }));
  row("seal (batch of 64)", Rate(seconds, 64, [&] {
        if (!sealer.SealBatch(drafts).ok()) std::abort();
      }));
  row("decode (single)", Rate(seconds, 1, [&] {
        if (!Decode(one->record).ok()) std::abort();
      }));
  row("verify (single)", Rate(seconds, 1, [&] {
        if (!Verify(*single, origin.sign.public_key).ok()) std::abort();
      }));
  row("verify (batch of 64, each)", Rate(seconds, 64, [&] {
        for (const Record& r : batch_records) {
          if (!Verify(r, origin.sign.public_key).ok()) std::abort();
        }
      }));
  row("open (single)", Rate(seconds, 1, [&] { open_one(*single); }));
  row("open (batch of 64, each)", Rate(seconds, 64, [&] {
        for (const Record& r : batch_records) open_one(r);
      }));
  return 0;
}

}  // namespace
}  // namespace certshare::envelope

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 1.0;
  return certshare::envelope::Run(seconds > 0 ? seconds : 1.0);
}
