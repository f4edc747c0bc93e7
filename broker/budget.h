// certshare::broker::Budget — the bytes of records the broker holds for
// its peers, from a record's PUBLISH until its ACK or ERROR is taken
// (RecordCost: its bytes, plus the job around it), per organisation and in
// total, against Options::max_buffered_bytes_per_org and
// Options::max_buffered_bytes (docs/broker.md, "Limits"). The broker
// charges before it holds anything (TryCharge) and releases exactly what
// it charged.
//
// Thread-safety: none; the broker's socket thread owns it.
#pragma once

#include <cstddef>
#include <map>
#include <string>

namespace certshare::broker {

class Budget {
 public:
  Budget(std::size_t total_limit, std::size_t per_org_limit)
      : total_limit_(total_limit), per_org_limit_(per_org_limit) {}

  // Charges `bytes` to `org` if that keeps both the organisation and the
  // total within their limits; otherwise charges nothing and returns false.
  bool TryCharge(const std::string& org, std::size_t bytes);
  // Gives back what TryCharge took. REQUIRES: `bytes` was charged to `org`.
  void Release(const std::string& org, std::size_t bytes);

  // Whether `headroom` more bytes would pass the total limit (the broker
  // stops reading requests while a largest frame would).
  bool TotalFull(std::size_t headroom) const { return total_ + headroom > total_limit_; }

  std::size_t total() const { return total_; }
  std::size_t Of(const std::string& org) const;
  std::size_t per_org_limit() const { return per_org_limit_; }
  std::size_t total_limit() const { return total_limit_; }

  // What holding a record of `record_bytes` costs: the bytes, and the job
  // that carries it through the pipeline (its keys are copied from the
  // record's header).
  static std::size_t RecordCost(std::size_t record_bytes) { return record_bytes + 1024; }

 private:
  std::size_t total_limit_;
  std::size_t per_org_limit_;
  std::size_t total_ = 0;
  std::map<std::string, std::size_t> by_org_;  // only organisations with bytes charged
};

}  // namespace certshare::broker
