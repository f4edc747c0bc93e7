// LiveTrust and TrustRefresh: the contract is in live_trust.h.
#include "agent/link/live_trust.h"

#include <algorithm>

#include "common/base/timestamp.h"

namespace certshare::agent {

std::vector<std::string> DescribeTrustUpdate(const TrustUpdate& update) {
  std::vector<std::string> lines;
  if (update.root_to != update.root_from) {
    lines.push_back("federation root version " + std::to_string(update.root_to) + " applied");
  }
  if (update.registry_to != update.registry_from) {
    lines.push_back("registry version " + std::to_string(update.registry_to) + " applied");
  }
  lines.insert(lines.end(), update.key_changes.begin(), update.key_changes.end());
  if (!update.timestamp_refused.ok()) {
    lines.push_back("the signed timestamp was not taken: " +
                    update.timestamp_refused.ToString());
  }
  return lines;
}

Status KeepsWhatItHeld(const Status& refused, const TrustStore& store) {
  return refused.WithContext(
      "the federation's files from the broker were refused; this agent keeps root version " +
      std::to_string(store.root_version()) + " and registry version " +
      std::to_string(store.registry_version()));
}

LiveTrust::LiveTrust(std::shared_ptr<TrustStore> store, Say say)
    : store_(std::move(store)), say_(std::move(say)) {
  auto registry = store_->EffectiveRegistry();
  // The store was opened and refreshed with the same call: it cannot fail
  // now, but an empty registry is the safe answer if it does.
  registry_ = std::make_shared<const identity::Registry>(
      registry.ok() ? std::move(*registry) : identity::Registry());
}

LiveTrust::Snapshot LiveTrust::Current() const {
  MutexLock lock(&mu_);
  return Snapshot{registry_, generation_};
}

std::uint64_t LiveTrust::generation() const {
  MutexLock lock(&mu_);
  return generation_;
}

std::uint64_t LiveTrust::root_version() const {
  MutexLock lock(&mu_);
  return store_->root_version();
}

std::uint64_t LiveTrust::registry_version() const {
  MutexLock lock(&mu_);
  return store_->registry_version();
}

Status LiveTrust::Usable(const identity::Card& card) const {
  MutexLock lock(&mu_);
  return store_->Usable(card, NowMillis());
}

std::function<Status(const identity::Card&)> LiveTrust::UsableFunction() const {
  return [this](const identity::Card& card) { return Usable(card); };
}

void LiveTrust::OnRegistry(std::function<void(const identity::Registry&)> callback) {
  on_registry_ = std::move(callback);
}

Result<TrustUpdate> LiveTrust::Apply(const wire::TrustFiles& files) {
  std::shared_ptr<const identity::Registry> made;
  TrustUpdate update;
  {
    MutexLock lock(&mu_);
    auto applied = store_->Apply(files, NowMillis());
    if (!applied.ok()) {
      Status refused = KeepsWhatItHeld(applied.status(), *store_);
      Tell(refused.ToString());
      return refused;
    }
    update = std::move(*applied);
    if (update.root_to != update.root_from || update.registry_to != update.registry_from) {
      auto registry = store_->EffectiveRegistry();
      if (!registry.ok()) {
        Tell(registry.status().ToString() + "; this link keeps the registry it held");
      } else {
        registry_ = std::make_shared<const identity::Registry>(std::move(*registry));
        ++generation_;
        made = registry_;
      }
    }
  }
  for (const std::string& line : DescribeTrustUpdate(update)) Tell(line);
  if (made && on_registry_) on_registry_(*made);
  return update;
}

TrustRefresh::TrustRefresh(LiveTrust& trust, std::chrono::milliseconds every)
    : trust_(trust), every_(every), due_(Clock::now()) {}

void TrustRefresh::Connected() {
  sent_.clear();
  AskNow();
}

void TrustRefresh::AskNow() {
  awaited_.reset();
  noticed_ = false;
  stopped_ = false;
  due_ = Clock::now();
}

Status TrustRefresh::Tick(const Send& send) {
  if (stopped_) return Status::Ok();
  const Clock::time_point now = Clock::now();
  if (awaited_ ? now - asked_at_ < kAnswerTimeout : now < due_) return Status::Ok();
  CERTSHARE_ASSIGN_OR_RETURN(std::uint64_t correlation,
                             send(trust_.root_version(), trust_.registry_version()));
  awaited_ = correlation;
  asked_at_ = now;
  sent_.push_back(correlation);
  if (sent_.size() > kRemembered) sent_.pop_front();
  noticed_ = false;
  return Status::Ok();
}

void TrustRefresh::Answered(bool again) {
  awaited_.reset();
  due_ = again || noticed_ ? Clock::now() : Clock::now() + every_;
  noticed_ = false;
}

bool TrustRefresh::Handle(const wire::Message& msg) {
  switch (msg.command) {
    case wire::Command::kTrustNotice:
      if (awaited_) {
        noticed_ = true;  // ask again once the answer awaited is in
      } else {
        due_ = Clock::now();
      }
      return true;
    case wire::Command::kTrust: {
      if (!awaited_ || msg.correlation != *awaited_) return true;  // a stale answer
      auto update = trust_.Apply(msg.trust);  // a refusal is told there
      Answered(update.ok() && update->more);
      return true;
    }
    case wire::Command::kError:
      if (std::find(sent_.begin(), sent_.end(), msg.correlation) == sent_.end()) return false;
      if (!awaited_ || msg.correlation != *awaited_) return true;  // a late answer
      trust_.Tell(Status(msg.error, "the broker refused to send the federation's trust files: " +
                                        msg.text)
                      .ToString() +
                  "; this link keeps what it holds");
      Answered(false);
      if (msg.error == ErrorCode::kNotFederated) stopped_ = true;
      return true;
    default:
      return false;
  }
}

std::chrono::milliseconds TrustRefresh::UntilDue() const {
  if (stopped_) return std::chrono::milliseconds::max();
  const Clock::time_point at = awaited_ ? asked_at_ + kAnswerTimeout : due_;
  return std::max(std::chrono::milliseconds(0),
                  std::chrono::duration_cast<std::chrono::milliseconds>(at - Clock::now()));
}

}  // namespace certshare::agent
