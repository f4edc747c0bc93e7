#include "agent/link/send.h"

#include "common/envelope/record_key.h"

namespace certshare::agent {

Result<std::vector<std::uint64_t>> SpoolRecords(Spool& spool,
                                                const std::vector<Composed>& records) {
  std::vector<Bytes> bytes;
  std::vector<std::string> keys;   // from the headers Compose sealed: nothing decoded again
  std::vector<std::string> notes;  // what the spool remembers once stored
  bytes.reserve(records.size());
  keys.reserve(records.size());
  notes.reserve(records.size());
  for (const Composed& r : records) {
    bytes.push_back(r.record);
    keys.push_back(envelope::EncodeRecordKey(envelope::RecordKeyOf(r.header)));
    notes.push_back(EncodeNote(NoteOf(r.header, r.content, r.leaf)));
  }
  return spool.AddKeyed(bytes, keys, notes);
}

std::uint64_t SendResult::Count(Outcome::Kind kind) const {
  std::uint64_t n = 0;
  for (const auto& [id, o] : own) n += o && o->kind == kind;
  return n;
}

SendResult ForwardRecords(Spool& spool, Forwarder::Connector connect,
                          const std::vector<std::uint64_t>& ids,
                          std::chrono::milliseconds idle_timeout, const std::atomic<bool>* stop,
                          const std::function<void(std::uint64_t)>& on_settled,
                          TrustRefresh* trust) {
  SendResult result;
  for (std::uint64_t id : ids) result.own.emplace(id, std::nullopt);
  Forwarder forwarder(spool, std::move(connect));
  forwarder.KeepTrustCurrent(trust);
  forwarder.OnOutcome([&](const Outcome& o) {
    auto it = result.own.find(o.spool_id);
    if (it == result.own.end()) {
      if (o.kind == Outcome::Kind::kRefused) {
        result.earlier_refused.push_back(o);
      } else {
        ++result.earlier_acked;
      }
      return;
    }
    if (!it->second) ++result.own_settled;
    it->second = o;
    if (on_settled) on_settled(result.own_settled);
  });
  result.drained = forwarder.Drain(idle_timeout, stop);
  return result;
}

Comparison CompareWithStored(Spool& spool, const Outcome& outcome, const PublishedNote& mine) {
  Comparison c;
  auto sent = spool.Sent(outcome.dedupe_key);
  if (!sent.ok() || !*sent || (*sent)->sequence != outcome.sequence) return c;
  std::optional<PublishedNote> stored = DecodeNote((*sent)->note);
  if (!stored) return c;
  c.known = true;
  c.stored = std::move(*stored);
  c.differs = Differences(c.stored, mine);
  return c;
}

}  // namespace certshare::agent
