#include "projections/subscriber.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/log.h"
#include "engine/status_macros.h"

namespace inkoop {

Position Position::At(absl::Time time) {
  Position position(Kind::kTime);
  position.time_ = time;
  return position;
}

Position Position::Offsets(std::map<int32_t, int64_t> offsets) {
  Position position(Kind::kOffsets);
  position.offsets_ = std::move(offsets);
  return position;
}

absl::StatusOr<Position> Position::Parse(absl::string_view text) {
  if (text == "beginning") return Beginning();
  if (text == "latest") return Latest();
  absl::Time time;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &time, &error)) return At(time);
  absl::CivilDay day;
  if (absl::ParseCivilTime(text, &day)) return At(absl::FromCivil(day, absl::UTCTimeZone()));
  return absl::InvalidArgumentError(absl::StrCat(
      "from: expected beginning, latest, an RFC 3339 time or a day YYYY-MM-DD, got '", text,
      "'"));
}

std::string Position::ToString() const {
  switch (kind_) {
    case Kind::kBeginning:
      return "beginning";
    case Kind::kLatest:
      return "latest";
    case Kind::kTime:
      return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time_, absl::UTCTimeZone());
    case Kind::kOffsets: {
      std::string out;
      for (const auto& [partition, offset] : offsets_) {
        absl::StrAppend(&out, out.empty() ? "" : ", ", partition, "@", offset);
      }
      return out.empty() ? "beginning" : out;
    }
  }
  return "";
}

std::string SubscribedEvent::payload_name() const {
  const google::protobuf::FieldDescriptor* payload =
      v1::Event::descriptor()->FindFieldByNumber(event.payload_case());
  return payload != nullptr ? payload->name() : "unknown";
}

namespace {

// The heads of the regions a partition state has admitted. Hashes below the
// head are not kept: a record claiming an earlier sequence again is
// reported as a conflict either way.
class Heads : public ChainView {
 public:
  bool Known(const std::string& region) const { return heads_.contains(region); }
  void Set(const std::string& region, uint64_t sequence, std::string hash) {
    heads_[region] = {sequence, std::move(hash)};
  }
  absl::StatusOr<std::pair<uint64_t, std::string>> Head(const std::string& region) override {
    auto found = heads_.find(region);
    if (found == heads_.end()) return std::pair<uint64_t, std::string>{0, ""};
    return found->second;
  }
  absl::StatusOr<std::optional<std::string>> HashAt(const std::string&, uint64_t) override {
    return std::nullopt;
  }

 private:
  absl::flat_hash_map<std::string, std::pair<uint64_t, std::string>> heads_;
};

std::string Short(const std::string& hash) { return absl::BytesToHexString(hash).substr(0, 16); }

}  // namespace

struct Subscriber::PartitionState {
  PartitionState(const KeyRing& keys, const AdmissionLimits& limits)
      : admission(keys, limits) {}
  int64_t next_offset = RdKafka::Topic::OFFSET_BEGINNING;  // after the last record read
  int64_t committed = -1;  // last committed by this member
  bool at_end = false;
  Admission admission;
  Heads heads;
  // Regions first met inside their chain: records wait for a signature.
  std::map<std::string, std::vector<std::pair<RecordAt, std::string>>> unanchored;
  // Offsets read and not yet processed: held, waiting, ready or delivered.
  std::multiset<int64_t> pending;
};

class Subscriber::Rebalance : public RdKafka::RebalanceCb {
 public:
  explicit Rebalance(Subscriber* owner) : owner_(owner) {}
  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode error,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    if (error == RdKafka::ERR__ASSIGN_PARTITIONS) {
      owner_->Assigned(partitions);
      consumer->assign(partitions);
    } else {
      owner_->Revoked(partitions);
      consumer->unassign();
    }
  }

 private:
  Subscriber* owner_;
};

Subscriber::Subscriber(SubscriberOptions options) : options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<Subscriber>> Subscriber::Start(SubscriberOptions options) {
  std::unique_ptr<Subscriber> subscriber(new Subscriber(std::move(options)));
  Subscriber& s = *subscriber;
  s.topic_ = s.options_.kafka.events_topic();
  ASSIGN_OR_RETURN(s.partitions_, AwaitTopic(s.options_.kafka, s.topic_, absl::Seconds(30)));
  const bool group = !s.options_.group_id.empty();
  std::map<std::string, std::string> settings = {
      {"group.id", group ? s.options_.group_id : "inkoop-subscriber"},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"enable.partition.eof", "true"},
      {"isolation.level", "read_committed"},
      {"auto.offset.reset", "earliest"},
      {"fetch.wait.max.ms", "50"}};
  for (const auto& [name, value] : s.options_.consumer_settings) settings[name] = value;
  ASSIGN_OR_RETURN(std::unique_ptr<RdKafka::Conf> conf, MakeConf(s.options_.kafka, settings));
  std::string error;
  if (group) {
    s.rebalance_ = std::make_unique<Rebalance>(&s);
    if (conf->set("rebalance_cb", s.rebalance_.get(), error) != RdKafka::Conf::CONF_OK) {
      return absl::InternalError(absl::StrCat("rebalance_cb: ", error));
    }
  }
  s.consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), error));
  if (s.consumer_ == nullptr) return absl::InternalError(absl::StrCat("Kafka consumer: ", error));
  if (group) {
    RETURN_IF_ERROR(KafkaStatus(s.consumer_->subscribe({s.topic_}), "subscribe to events"));
    return subscriber;
  }
  std::vector<int32_t> partitions = s.options_.partitions;
  if (!s.options_.region.empty()) {
    partitions = {PartitionFor(s.options_.region, s.partitions_)};
  } else if (partitions.empty()) {
    for (int32_t p = 0; p < s.partitions_; ++p) partitions.push_back(p);
  }
  for (int32_t p : partitions) {
    if (p < 0 || p >= s.partitions_) {
      return absl::InvalidArgumentError(absl::StrCat("partitions: expected 0..", s.partitions_ - 1,
                                                     " (", s.topic_, "), got ", p));
    }
  }
  RETURN_IF_ERROR(s.Assign(partitions));
  return subscriber;
}

Subscriber::~Subscriber() {
  if (consumer_ == nullptr) return;
  MarkProcessed();
  if (absl::Status committed = CommitNow(true); !committed.ok()) {
    LogWarning(absl::StrCat("subscriber: final commit: ", committed.message()));
  }
  consumer_->close();
}

absl::StatusOr<int64_t> Subscriber::StartOffset(int32_t partition) {
  const Position& from = options_.from;
  switch (from.kind()) {
    case Position::Kind::kBeginning:
      return RdKafka::Topic::OFFSET_BEGINNING;
    case Position::Kind::kLatest:
      return RdKafka::Topic::OFFSET_END;
    case Position::Kind::kOffsets: {
      auto found = from.offsets().find(partition);
      return found == from.offsets().end() ? RdKafka::Topic::OFFSET_BEGINNING : found->second;
    }
    case Position::Kind::kTime: {
      std::unique_ptr<RdKafka::TopicPartition> at(RdKafka::TopicPartition::create(
          topic_, partition, absl::ToUnixMillis(from.time())));
      std::vector<RdKafka::TopicPartition*> query = {at.get()};
      RETURN_IF_ERROR(KafkaStatus(consumer_->offsetsForTimes(query, 10000),
                                  absl::StrCat("offsets of ", topic_, "/", partition, " at ",
                                               from.ToString())));
      // No record at or after the moment: the end.
      return at->offset() < 0 ? RdKafka::Topic::OFFSET_END : at->offset();
    }
  }
  return RdKafka::Topic::OFFSET_BEGINNING;
}

absl::Status Subscriber::Assign(const std::vector<int32_t>& partitions) {
  std::vector<std::unique_ptr<RdKafka::TopicPartition>> owned;
  std::vector<RdKafka::TopicPartition*> assignment;
  for (int32_t p : partitions) {
    ASSIGN_OR_RETURN(int64_t offset, StartOffset(p));
    owned.emplace_back(RdKafka::TopicPartition::create(topic_, p, offset));
    assignment.push_back(owned.back().get());
    auto state = std::make_unique<PartitionState>(options_.keys, options_.limits);
    state->next_offset = offset;
    assigned_[p] = std::move(state);
  }
  return KafkaStatus(consumer_->assign(assignment), "assign event partitions");
}

void Subscriber::Assigned(std::vector<RdKafka::TopicPartition*>& partitions) {
  // The group's committed position wins; `from` where it has none.
  RdKafka::ErrorCode committed = consumer_->committed(partitions, 10000);
  if (committed != RdKafka::ERR_NO_ERROR) {
    rebalance_error_ = KafkaStatus(committed, "read the group's committed positions");
  }
  for (RdKafka::TopicPartition* tp : partitions) {
    int64_t offset = committed == RdKafka::ERR_NO_ERROR ? tp->offset() : -1001;
    const bool has_committed = offset >= 0;
    if (!has_committed) {
      absl::StatusOr<int64_t> start = StartOffset(tp->partition());
      if (!start.ok()) {
        rebalance_error_ = start.status();
        offset = RdKafka::Topic::OFFSET_BEGINNING;
      } else {
        offset = *start;
      }
      tp->set_offset(offset);
    }
    auto state = std::make_unique<PartitionState>(options_.keys, options_.limits);
    state->next_offset = offset;
    if (has_committed) state->committed = offset;
    assigned_[tp->partition()] = std::move(state);
  }
}

void Subscriber::Revoked(const std::vector<RdKafka::TopicPartition*>& partitions) {
  MarkProcessed();
  if (absl::Status done = CommitNow(true); !done.ok()) {
    LogWarning(absl::StrCat("subscriber: commit before giving up partitions: ", done.message()));
  }
  for (const RdKafka::TopicPartition* tp : partitions) assigned_.erase(tp->partition());
  // What was admitted but not delivered is the next owner's to deliver.
  std::erase_if(ready_, [&](const SubscribedEvent& e) { return !assigned_.contains(e.at.partition); });
}

int64_t Subscriber::Committable(int32_t, const PartitionState& state) const {
  return state.pending.empty() ? state.next_offset : *state.pending.begin();
}

void Subscriber::MarkProcessed() {
  if (!delivered_.has_value()) return;
  if (auto found = assigned_.find(delivered_->partition); found != assigned_.end()) {
    auto& pending = found->second->pending;
    if (auto at = pending.find(delivered_->offset); at != pending.end()) pending.erase(at);
    dirty_ = true;
  }
  delivered_.reset();
}

absl::Status Subscriber::CommitNow(bool sync) {
  last_commit_ = absl::Now();
  if (options_.group_id.empty() || !dirty_) return absl::OkStatus();
  std::vector<std::unique_ptr<RdKafka::TopicPartition>> owned;
  std::vector<RdKafka::TopicPartition*> offsets;
  for (auto& [partition, state] : assigned_) {
    const int64_t offset = Committable(partition, *state);
    if (offset < 0 || offset == state->committed) continue;
    owned.emplace_back(RdKafka::TopicPartition::create(topic_, partition, offset));
    offsets.push_back(owned.back().get());
    state->committed = offset;
  }
  dirty_ = false;
  if (offsets.empty()) return absl::OkStatus();
  return KafkaStatus(sync ? consumer_->commitSync(offsets) : consumer_->commitAsync(offsets),
                     "commit the subscriber's position");
}

absl::Status Subscriber::Commit() {
  MarkProcessed();
  return CommitNow(true);
}

std::map<int32_t, int64_t> Subscriber::reading() const {
  std::map<int32_t, int64_t> out;
  for (const auto& [partition, state] : assigned_) out[partition] = state->next_offset;
  return out;
}

bool Subscriber::at_end() const {
  if (assigned_.empty() || !ready_.empty()) return false;
  return std::all_of(assigned_.begin(), assigned_.end(),
                     [](const auto& entry) { return entry.second->at_end; });
}

std::vector<SubscriberProblem> Subscriber::TakeProblems() { return std::exchange(problems_, {}); }

void Subscriber::Anchor(PartitionState& state, const std::string& region) {
  auto waiting = state.unanchored.find(region);
  std::vector<std::pair<RecordAt, std::string>> records = std::move(waiting->second);
  state.unanchored.erase(waiting);
  // Walk back from the signed record (the last one) through those read.
  absl::flat_hash_map<std::string, const v1::Event*> by_hash;
  std::vector<ReadEvent> reads;
  reads.reserve(records.size());
  for (const auto& [at, value] : records) {
    absl::StatusOr<ReadEvent> read = OpenRecord(value);
    reads.push_back(read.ok() ? *std::move(read) : ReadEvent());
  }
  for (const ReadEvent& read : reads) by_hash[read.event.hash()] = &read.event;
  const v1::Event* oldest = &reads.back().event;
  for (auto found = by_hash.find(oldest->previous_hash());
       found != by_hash.end() && found->second->sequence() + 1 == oldest->sequence();
       found = by_hash.find(oldest->previous_hash())) {
    oldest = found->second;
  }
  LogInfo(absl::StrCat("subscriber: region '", region, "' joined at ", region, "/",
                       oldest->sequence(), " (previous ", Short(oldest->previous_hash()),
                       "), vouched for by the signed ", region, "/",
                       reads.back().event.sequence()));
  state.heads.Set(region, oldest->sequence() - 1, oldest->previous_hash());
  for (auto& [at, value] : records) {
    // Each is pending already; Offer marks it again, so drop one mark first.
    state.pending.erase(state.pending.find(at.offset));
    (void)Offer(state, at, value);
  }
}

absl::Status Subscriber::Offer(PartitionState& state, const RecordAt& at,
                               absl::string_view value) {
  absl::StatusOr<ReadEvent> read = OpenRecord(value);
  if (read.ok() && CheckReadable(read->event).ok()) {
    const v1::Event& event = read->event;
    if (!options_.region.empty() && event.region() != options_.region) return absl::OkStatus();
    if (!state.heads.Known(event.region())) {
      if (event.sequence() == 1) {
        state.heads.Set(event.region(), 0, "");
      } else {
        // Inside the chain: wait for a signature to say where it is.
        auto& waiting = state.unanchored[event.region()];
        waiting.emplace_back(at, std::string(value));
        state.pending.insert(at.offset);
        if (read->is_signed() && VerifyRecordSignature(*read, options_.keys).ok()) {
          Anchor(state, event.region());
        } else if (waiting.size() > options_.limits.max_unsigned_run) {
          const RecordAt dropped = waiting.front().first;
          problems_.push_back({dropped, event.region(), 0,
                               absl::StrCat("no trusted signature within ",
                                            options_.limits.max_unsigned_run,
                                            " events of region '", event.region(),
                                            "' after this one"),
                               false});
          state.pending.erase(state.pending.find(dropped.offset));
          waiting.erase(waiting.begin());
        }
        return absl::OkStatus();
      }
    }
  }
  state.pending.insert(at.offset);
  std::vector<Decision> decisions;
  RETURN_IF_ERROR(state.admission.Offer(at, value, state.heads, decisions));
  for (Decision& decision : decisions) {
    const RecordAt& where = decision.arrival.at;
    auto release = [&] {
      if (auto found = state.pending.find(where.offset); found != state.pending.end()) {
        state.pending.erase(found);
      }
    };
    const v1::Event& event = decision.arrival.read.event;
    switch (decision.verdict) {
      case Decision::Verdict::kAdmit:
        state.heads.Set(event.region(), event.sequence(), event.hash());
        ready_.push_back(SubscribedEvent{where, std::move(decision.arrival.read.event),
                                         decision.arrival.read.is_signed()});
        break;
      case Decision::Verdict::kDuplicate:
        release();
        break;
      case Decision::Verdict::kPark:
        problems_.push_back({where, event.region(), event.sequence(), decision.reason,
                             decision.conflict});
        release();
        break;
    }
  }
  // Stage is the caller's persistence hook; held events live in memory here.
  state.admission.Stage([](const std::string&, const std::string&) {},
                        [](const std::string&) {});
  return absl::OkStatus();
}

absl::Status Subscriber::Take(const RdKafka::Message& message) {
  auto found = assigned_.find(message.partition());
  if (found == assigned_.end()) return absl::OkStatus();
  PartitionState& state = *found->second;
  switch (message.err()) {
    case RdKafka::ERR_NO_ERROR: {
      state.next_offset = message.offset() + 1;
      state.at_end = false;
      const RecordAt at{message.topic_name(), message.partition(), message.offset()};
      return Offer(state, at,
                   absl::string_view(static_cast<const char*>(message.payload()), message.len()));
    }
    case RdKafka::ERR__PARTITION_EOF:
      if (message.offset() >= 0) state.next_offset = message.offset();
      state.at_end = true;
      return absl::OkStatus();
    default:
      return absl::OkStatus();
  }
}

absl::StatusOr<std::optional<SubscribedEvent>> Subscriber::Next(absl::Duration wait) {
  MarkProcessed();
  const absl::Time deadline = absl::Now() + wait;
  while (ready_.empty() && !stop_.load() && !(options_.stop_at_end && at_end())) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) break;
    std::unique_ptr<RdKafka::Message> message(consumer_->consume(
        static_cast<int>(std::min<int64_t>(100, absl::ToInt64Milliseconds(left) + 1))));
    if (!rebalance_error_.ok()) return std::exchange(rebalance_error_, absl::OkStatus());
    const RdKafka::ErrorCode code = message->err();
    if (code == RdKafka::ERR_NO_ERROR || code == RdKafka::ERR__PARTITION_EOF) {
      RETURN_IF_ERROR(Take(*message));
    } else if (code != RdKafka::ERR__TIMED_OUT) {
      absl::Status failed = KafkaStatus(code, absl::StrCat("reading ", topic_));
      // The client retries what can heal (a broker away) on its own.
      if (!absl::IsUnavailable(failed)) return failed;
      LogWarning(absl::StrCat("subscriber: ", failed.message()));
    }
  }
  if (dirty_ && absl::Now() - last_commit_ >= options_.commit_interval) {
    RETURN_IF_ERROR(CommitNow(false));
  }
  if (ready_.empty()) return std::nullopt;
  SubscribedEvent event = std::move(ready_.front());
  ready_.pop_front();
  delivered_ = event.at;
  return event;
}

absl::Status Subscriber::Run(const std::function<absl::Status(const SubscribedEvent&)>& on_event,
                             const std::function<void(const SubscriberProblem&)>& on_problem) {
  auto report = [&] {
    for (const SubscriberProblem& problem : TakeProblems()) {
      if (on_problem) {
        on_problem(problem);
      } else {
        const std::string text =
            absl::StrCat("subscriber: ", problem.at.ToString(), " not admitted: ", problem.reason);
        problem.conflict ? LogError(text) : LogWarning(text);
      }
    }
  };
  while (!stop_.load()) {
    absl::StatusOr<std::optional<SubscribedEvent>> next = Next(absl::Milliseconds(200));
    report();
    if (!next.ok()) return next.status();
    if (next->has_value()) {
      if (absl::Status handled = on_event(**next); !handled.ok()) {
        delivered_.reset();  // not processed: the next start delivers it again
        (void)CommitNow(true);
        return handled;
      }
    } else if (options_.stop_at_end && at_end()) {
      break;
    }
  }
  MarkProcessed();
  return CommitNow(true);
}

absl::StatusOr<int> Subscriber::ReadRecords(
    int max, absl::Duration wait, absl::Duration linger,
    const std::function<absl::Status(const RdKafka::Message&)>& visit) {
  int taken = 0;
  absl::Time deadline = absl::Now() + wait;
  while (taken < max && !stop_.load()) {
    const int64_t left = absl::ToInt64Milliseconds(deadline - absl::Now());
    std::unique_ptr<RdKafka::Message> message(
        consumer_->consume(static_cast<int>(std::max<int64_t>(0, left))));
    const RdKafka::ErrorCode code = message->err();
    if (code == RdKafka::ERR_NO_ERROR) {
      if (auto found = assigned_.find(message->partition()); found != assigned_.end()) {
        found->second->next_offset = message->offset() + 1;
      }
      RETURN_IF_ERROR(visit(*message));
      if (taken++ == 0) deadline = absl::Now() + linger;
      continue;
    }
    if (code == RdKafka::ERR__PARTITION_EOF) {
      if (auto found = assigned_.find(message->partition()); found != assigned_.end()) {
        found->second->at_end = true;
      }
    } else if (code != RdKafka::ERR__TIMED_OUT) {
      LogWarning(absl::StrCat("consume ", topic_, ": ", message->errstr()));
    }
    if (left <= 0) break;
  }
  return taken;
}

}  // namespace inkoop
