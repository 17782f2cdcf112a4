#include "engine/engine.h"

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/envelope.h"
#include "engine/kafka/partition_reader.h"
#include "engine/log.h"
#include "engine/status_macros.h"
#include "engine/store/keys.h"

namespace inkoop {

namespace {

constexpr absl::Duration kTransactionTimeout = absl::Seconds(30);
// Events or results read from the log between checkpoints while catching up.
constexpr int kCatchUpCheckpointEvery = 20000;
// A region's events are signed at least this often (AdmissionLimits).
constexpr uint64_t kSignEvery = 1024;

// The engine's admitted chain: the head from the region state. Earlier
// hashes are not kept (the projection keeps them).
class EngineChain : public ChainView {
 public:
  explicit EngineChain(RegionCache* cache) : cache_(cache) {}
  absl::StatusOr<std::pair<uint64_t, std::string>> Head(const std::string& region) override {
    ASSIGN_OR_RETURN(RegionState * state, cache_->Region(region));
    return std::pair<uint64_t, std::string>(state->sequence.value(), state->last_hash);
  }
  absl::StatusOr<std::optional<std::string>> HashAt(const std::string&, uint64_t) override {
    return std::optional<std::string>();
  }

 private:
  RegionCache* cache_;
};

int TimeoutMs(absl::Duration d) { return static_cast<int>(absl::ToInt64Milliseconds(d)); }

}  // namespace

// Logs delivery failures (in a transaction any failure also fails the
// commit) and remembers the highest offset delivered per topic and
// partition, which becomes the checkpoint once the transaction commits.
class DeliveryReports : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    if (message.err() != RdKafka::ERR_NO_ERROR) {
      LogWarning(absl::StrCat("delivery to ", message.topic_name(), "/", message.partition(),
                              " failed: ", message.errstr()));
      return;
    }
    int64_t& last = delivered_[{message.topic_name(), message.partition()}];
    last = std::max(last, message.offset());
  }
  // Offsets delivered since the last Take(), then forgets them.
  std::map<std::pair<std::string, int32_t>, int64_t> Take() { return std::move(delivered_); }

 private:
  std::map<std::pair<std::string, int32_t>, int64_t> delivered_;
};

Engine::Engine(const EngineOptions& options) : options_(options) {}

Engine::~Engine() {
  if (consumer_ != nullptr) consumer_->close();
}

absl::Status Engine::OpenStore() {
  StoreOptions store_options;
  store_options.path = options_.state_dir;
  store_options.recreate_if_unusable = true;
  ASSIGN_OR_RETURN(store_, StateStore::Open(store_options));
  if (!store_->recreated_because().empty()) {
    LogWarning(absl::StrCat("state store recreated, rebuilding from the log: ",
                            store_->recreated_because()));
    counters_.rebuilt_from_scratch = true;
  }
  // The store belongs to one log: the same topics with the same partitions.
  const std::string log = absl::StrCat(options_.kafka.events_topic(), " ",
                                       options_.kafka.results_topic(), " ", partition_count_,
                                       " partitions");
  ASSIGN_OR_RETURN(std::optional<std::string> stored_log, store_->Get(kMetaFamily, "log"));
  if (stored_log.has_value() && *stored_log != log) {
    return RecreateStore(absl::StrCat("state store ", options_.state_dir, " was built from ",
                                      *stored_log, ", not ", log));
  }
  if (!stored_log.has_value()) {
    StoreBatch batch(*store_);
    batch.Put(kMetaFamily, "log", log);
    RETURN_IF_ERROR(store_->Write(batch));
  }
  cache_ = std::make_unique<RegionCache>(store_.get(), options_.cache_bytes);
  handler_ = std::make_unique<CommandHandler>(cache_.get(), founders_);
  return absl::OkStatus();
}

absl::Status Engine::RecreateStore(absl::string_view reason) {
  LogWarning(absl::StrCat(reason, "; rebuilding the state store from the log"));
  handler_.reset();
  cache_.reset();
  store_.reset();
  std::error_code error;
  std::filesystem::remove_all(options_.state_dir, error);
  if (error) {
    return absl::UnavailableError(absl::StrCat("state store ", options_.state_dir,
                                               ": cannot remove: ", error.message()));
  }
  return OpenStore();
}

absl::StatusOr<std::unique_ptr<Engine>> Engine::Start(const EngineOptions& options) {
  std::unique_ptr<Engine> engine(new Engine(options));
  RETURN_IF_ERROR(engine->Init());
  return engine;
}

absl::Status Engine::Init() {
  ASSIGN_OR_RETURN(partition_count_, EnsureTopics(options_.kafka, absl::Seconds(15)));
  if (options_.partitions.empty()) {
    for (int32_t p = 0; p < partition_count_; ++p) owned_.push_back(p);
  } else {
    for (int32_t p : options_.partitions) {
      if (p < 0 || p >= partition_count_) {
        return absl::InvalidArgumentError(absl::StrCat("partitions: ", p, " is not a partition of ",
                                                       options_.kafka.commands_topic(), " (0-",
                                                       partition_count_ - 1, ")"));
      }
      owned_.push_back(p);
    }
  }

  std::error_code ignored;
  std::filesystem::create_directories(std::filesystem::path(options_.state_dir).parent_path(),
                                      ignored);
  std::filesystem::create_directories(
      std::filesystem::path(options_.signing_key_path).parent_path(), ignored);
  bool created = false;
  ASSIGN_OR_RETURN(SigningKey key, SigningKey::LoadOrCreate(options_.signing_key_path, &created));
  if (created) {
    LogWarning(absl::StrCat("generated signing key ", key.key_id(), " at ",
                            options_.signing_key_path, "; its key file line is in ",
                            options_.signing_key_path, ".pub"));
  }
  KeyRing keys;
  if (options_.keys_path.empty()) {
    keys.Trust(key);
  } else {
    ASSIGN_OR_RETURN(keys, KeyRing::Load(options_.keys_path));
    bool trusted = false;
    for (const TrustedKey& listed : keys.keys()) trusted |= listed.key_id == key.key_id();
    if (!trusted) {
      return absl::InvalidArgumentError(
          absl::StrCat("key file ", options_.keys_path, " does not list the signing key ",
                       key.key_id(), " (", options_.signing_key_path,
                       "): what this engine writes would not be admitted"));
    }
  }
  signing_key_.emplace(std::move(key));
  if (options_.founders_path.empty()) {
    LogWarning("no --founders key file: no new region can adopt a framework here");
  } else {
    ASSIGN_OR_RETURN(founders_, KeyRing::Load(options_.founders_path));
  }
  admission_ = std::make_unique<Admission>(std::move(keys),
                                           AdmissionLimits{.max_unsigned_run = kSignEvery});
  RETURN_IF_ERROR(OpenStore());
  delivery_reports_ = std::make_unique<DeliveryReports>();
  ASSIGN_OR_RETURN(
      std::unique_ptr<RdKafka::Conf> producer_conf,
      MakeConf(options_.kafka, {{"transactional.id", options_.transactional_id},
                                {"enable.idempotence", "true"},
                                {"acks", "all"},
                                {"linger.ms", "2"},
                                {"transaction.timeout.ms",
                                 absl::StrCat(absl::ToInt64Milliseconds(kTransactionTimeout))}}));
  std::string error;
  if (producer_conf->set("dr_cb", delivery_reports_.get(), error) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(absl::StrCat("delivery report callback: ", error));
  }
  producer_.reset(RdKafka::Producer::create(producer_conf.get(), error));
  if (producer_ == nullptr) return absl::InternalError(absl::StrCat("Kafka producer: ", error));
  // Fences any earlier process with this transactional id and aborts what it
  // left open, so the log read below is final.
  RETURN_IF_ERROR(KafkaStatus(producer_->init_transactions(TimeoutMs(absl::Seconds(60))),
                              "initialise transactions"));

  ASSIGN_OR_RETURN(std::unique_ptr<RdKafka::Conf> consumer_conf,
                   MakeConf(options_.kafka, {{"group.id", options_.group_id},
                                             {"enable.auto.commit", "false"},
                                             {"enable.auto.offset.store", "false"},
                                             {"isolation.level", "read_committed"},
                                             {"auto.offset.reset", "earliest"},
                                             {"fetch.wait.max.ms", "5"}}));
  consumer_.reset(RdKafka::KafkaConsumer::create(consumer_conf.get(), error));
  if (consumer_ == nullptr) return absl::InternalError(absl::StrCat("Kafka consumer: ", error));
  return Resume();
}

absl::Status Engine::Resume() {
  const absl::Time started = absl::Now();
  std::vector<std::unique_ptr<RdKafka::TopicPartition>> owned;
  std::vector<RdKafka::TopicPartition*> positions;
  for (int32_t p : owned_) {
    owned.emplace_back(RdKafka::TopicPartition::create(options_.kafka.commands_topic(), p));
    positions.push_back(owned.back().get());
  }
  // The group coordinator may still be loading (e.g. a broker just started):
  // retry what is retriable for a minute.
  for (const absl::Time deadline = absl::Now() + absl::Minutes(1);;) {
    absl::Status fetched =
        KafkaStatus(consumer_->committed(positions, TimeoutMs(absl::Seconds(30))),
                    "read committed command offsets");
    if (fetched.ok()) break;
    if (!absl::IsUnavailable(fetched) || absl::Now() > deadline) return fetched;
    absl::SleepFor(absl::Milliseconds(200));
  }
  cache_->Discard();
  RETURN_IF_ERROR(RestoreHeld());
  delivery_reports_->Take();
  checkpoint_found_ = false;
  uint64_t events = 0, results = 0;
  for (int32_t p : owned_) {
    absl::Status caught_up = CatchUpPartition(p, events, results);
    if (absl::IsOutOfRange(caught_up)) {
      // The store describes a history the log does not have (the topics
      // were recreated): start again from offset 0.
      RETURN_IF_ERROR(RecreateStore(caught_up.message()));
      return Resume();
    }
    RETURN_IF_ERROR(caught_up);
  }
  RETURN_IF_ERROR(WriteCheckpoint());
  counters_.resumed_events = events;
  counters_.resumed_results = results;
  RETURN_IF_ERROR(KafkaStatus(consumer_->assign(positions), "assign command partitions"));
  counters_.rebuilt_from_scratch = !checkpoint_found_;
  LogInfo(absl::StrCat("resumed ", owned_.size(), " partition(s) from the ",
                       checkpoint_found_ ? "checkpoint" : "start of the log",
                       ": ", events, " events and ", results, " results read in ",
                       absl::FormatDuration(absl::Now() - started)));
  return absl::OkStatus();
}

absl::Status Engine::CatchUpPartition(int32_t partition, uint64_t& events, uint64_t& results) {
  for (const auto& [topic, next] : {std::pair(options_.kafka.events_topic(), &events_next_),
                                    std::pair(options_.kafka.results_topic(), &results_next_)}) {
    ASSIGN_OR_RETURN(std::optional<std::string> stored,
                     store_->Get(kMetaFamily, OffsetKey(topic, partition)));
    const int64_t from = stored.has_value() ? static_cast<int64_t>(DecodeBigEndian64(*stored)) : 0;
    if (from > 0) checkpoint_found_ = true;
    int64_t low = 0, high = 0;
    RETURN_IF_ERROR(KafkaStatus(producer_->query_watermark_offsets(
                                    topic, partition, &low, &high, TimeoutMs(absl::Seconds(30))),
                                absl::StrCat("read the end of ", topic, "/", partition)));
    if (from > high) {
      return absl::OutOfRangeError(absl::StrCat("state store checkpoint of ", topic, "/",
                                                partition, " is offset ", from,
                                                ", beyond the end of the log at ", high));
    }
    (*next)[partition] = from;
  }

  // What cannot be applied is logged and left out, never fatal: garbage
  // that someone wrote to the topic, events no trusted key vouches for, or
  // an event of a newer schema (its payload skipped, the chain kept). The
  // same Admission as the projector's decides what is applied.
  const std::string& topic = options_.kafka.events_topic();
  uint64_t skipped = 0;
  int since_checkpoint = 0;
  EngineChain chain(cache_.get());
  std::vector<Decision> decisions;
  RETURN_IF_ERROR(ReadPartitionToEnd(
      options_.kafka, topic, partition, Offset(events_next_[partition]),
      [&](const RdKafka::Message& message) -> absl::Status {
        events_next_[partition] = message.offset() + 1;
        decisions.clear();
        const absl::Status offered = admission_->Offer(
            RecordAt{topic, partition, message.offset()},
            absl::string_view(static_cast<const char*>(message.payload()), message.len()), chain,
            decisions);
        if (!offered.ok()) return offered;
        for (const Decision& decision : decisions) {
          const std::string where = decision.arrival.at.ToString();
          const v1::Event& event = decision.arrival.read.event;
          if (decision.verdict == Decision::Verdict::kDuplicate) continue;
          if (decision.verdict == Decision::Verdict::kPark) {
            if (decision.conflict) {
              LogError(absl::StrCat(where, ": ", decision.reason, "; left out"));
              counters_.conflicts++;
            } else {
              LogWarning(absl::StrCat(where, ": ", decision.reason, "; left out"));
              ++skipped;
            }
            continue;
          }
          if (event.region().size() > kMaxRegionIdBytes) {
            LogWarning(absl::StrCat(where, ": region: expected at most ", kMaxRegionIdBytes,
                                    " bytes, got ", event.region().size(), "; left out"));
            ++skipped;
            continue;
          }
          if (const int32_t home = PartitionFor(event.region(), partition_count_);
              home != partition) {
            return absl::FailedPreconditionError(absl::StrCat(
                where, ": an event of region '", event.region(), "', which belongs on partition ",
                home, " (murmur2 of the region id, Kafka's default partitioner): the topics were "
                "written with another mapping of regions to partitions (FNV-1a, of earlier "
                "engines); copy them to new topics with inkoopctl migrate-topics (README: "
                "Migrating topics) and start on those"));
          }
          absl::Status applied = handler_->Replay(event);
          if (absl::IsDataLoss(applied)) {
            LogWarning(absl::StrCat(where, ": ", applied.message(), "; payload left out"));
            applied = handler_->SkipPayload(event);
          }
          if (absl::IsUnavailable(applied)) return applied;  // the store, not the event
          if (!applied.ok()) {
            LogWarning(absl::StrCat(where, ": ", applied.message(), "; left out"));
            ++skipped;
          } else {
            ++events;
          }
        }
        // A long tail (a rebuild from scratch) is checkpointed as it goes,
        // so memory stays within the cache's budget.
        if (++since_checkpoint >= kCatchUpCheckpointEvery) {
          since_checkpoint = 0;
          return WriteCheckpoint();
        }
        return absl::OkStatus();
      }));
  if (skipped > 0) {
    LogWarning(absl::StrCat(topic, "/", partition, ": ", skipped,
                            " message(s) left out of the rebuild (see above)"));
  }
  return ReadPartitionToEnd(
      options_.kafka, options_.kafka.results_topic(), partition, Offset(results_next_[partition]),
      [&](const RdKafka::Message& message) -> absl::Status {
        results_next_[partition] = message.offset() + 1;
        v1::CommandResult result;
        if (result.ParseFromArray(message.payload(), static_cast<int>(message.len()))) {
          handler_->RememberResult(result);
          ++results;
        }
        if (++since_checkpoint >= kCatchUpCheckpointEvery) {
          since_checkpoint = 0;
          return WriteCheckpoint();
        }
        return absl::OkStatus();
      });
}

absl::Status Engine::WriteCheckpoint() {
  for (const auto& [topic_partition, offset] : delivery_reports_->Take()) {
    const auto& [topic, partition] = topic_partition;
    if (topic == options_.kafka.events_topic()) {
      events_next_[partition] = std::max(events_next_[partition], offset + 1);
    } else if (topic == options_.kafka.results_topic()) {
      results_next_[partition] = std::max(results_next_[partition], offset + 1);
    }
  }
  StoreBatch batch(*store_);
  cache_->Stage(batch);
  admission_->Stage(
      [&](const std::string& key, const std::string& value) {
        batch.Put(kMetaFamily, HeldKey(key), value);
      },
      [&](const std::string& key) { batch.Delete(kMetaFamily, HeldKey(key)); });
  for (const auto& [topic, next] : {std::pair(options_.kafka.events_topic(), &events_next_),
                                    std::pair(options_.kafka.results_topic(), &results_next_)}) {
    for (const auto& [partition, offset] : *next) {
      batch.Put(kMetaFamily, OffsetKey(topic, partition),
                EncodeBigEndian64(static_cast<uint64_t>(offset)));
    }
  }
  absl::Status written = store_->Write(batch);
  if (!written.ok()) {
    cache_->Discard();
    return written;
  }
  cache_->Written();
  return absl::OkStatus();
}

void Engine::MaybeCrash(EngineOptions::CrashPoint point) {
  if (options_.crash_after_commands == 0 || options_.crash_point != point ||
      commands_decided_ < options_.crash_after_commands) {
    return;
  }
  producer_->flush(TimeoutMs(absl::Seconds(10)));
  LogWarning(absl::StrCat("crash test: killed after deciding ", commands_decided_, " commands (",
                          point == EngineOptions::CrashPoint::kMidTransaction ? "mid-transaction"
                          : point == EngineOptions::CrashPoint::kAfterCommit
                              ? "after the commit, before the checkpoint"
                              : "after the checkpoint",
                          ")"));
  raise(SIGKILL);
}

absl::Status Engine::RestoreHeld() {
  admission_->Reset();
  return store_->Scan(kMetaFamily, kHeldPrefix, [&](absl::string_view, absl::string_view value) {
    return admission_->Restore(value);
  });
}

absl::Status Engine::Produce(const std::string& topic, int32_t partition, const std::string& key,
                             const std::string& value) {
  while (true) {
    RdKafka::ErrorCode code = producer_->produce(topic, partition, RdKafka::Producer::RK_MSG_COPY,
                                                 const_cast<char*>(value.data()), value.size(),
                                                 key.data(), key.size(), 0, nullptr);
    if (code != RdKafka::ERR__QUEUE_FULL)
      return KafkaStatus(code, absl::StrCat("produce to ", topic));
    producer_->poll(10);
  }
}

absl::Status Engine::ProcessBatch(std::vector<std::unique_ptr<RdKafka::Message>>& batch) {
  RETURN_IF_ERROR(KafkaStatus(producer_->begin_transaction(), "begin transaction"));
  std::map<int32_t, int64_t> next_offsets;
  const absl::Time now = absl::Now();
  uint64_t accepted = 0, refused = 0, duplicates = 0, events = 0;
  // Each region's latest event of the transaction waits here, so that it is
  // the one signed when the batch ends.
  struct Latest {
    int32_t partition;
    v1::Event event;
  };
  std::map<std::string, Latest> latest;
  auto produce_event = [&](const Latest& held, bool last) -> absl::Status {
    const bool sign = last || held.event.sequence() % kSignEvery == 0;
    return Produce(options_.kafka.events_topic(), held.partition, held.event.region(),
                   SealedRecord(held.event, sign ? &*signing_key_ : nullptr));
  };
  // Decoded, with each signature verified ahead on two threads against the
  // key its region names now; deciding re-checks that the key is still the
  // one (a rotation earlier in the batch) and verifies again if not.
  struct Read {
    v1::SignedCommand signed_command;
    v1::Command command;
    bool decodable = false;
    CheckedSignature checked;
  };
  std::vector<Read> reads(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    const RdKafka::Message& message = *batch[i];
    Read& read = reads[i];
    read.decodable = DecodeCommandRecord(
        absl::string_view(static_cast<const char*>(message.payload()), message.len()),
        options_.max_command_bytes, read.signed_command, read.command);
    if (read.decodable && message.len() <= options_.max_command_bytes) {
      read.checked.public_key = handler_->ExpectedSigner(read.signed_command, read.command);
    }
  }
  auto verify_every = [&reads](size_t first, size_t step) {
    for (size_t i = first; i < reads.size(); i += step) {
      if (!reads[i].checked.public_key.empty()) {
        reads[i].checked =
            CheckSignature(reads[i].signed_command, std::move(reads[i].checked.public_key));
      }
    }
  };
  if (reads.size() >= 8) {
    std::thread helper(verify_every, 1, 2);
    verify_every(0, 2);
    helper.join();
  } else {
    verify_every(0, 1);
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    const std::unique_ptr<RdKafka::Message>& message = batch[i];
    const int32_t partition = message->partition();
    next_offsets[partition] = message->offset() + 1;
    v1::SignedCommand& signed_command = reads[i].signed_command;
    v1::Command& command = reads[i].command;
    Outcome outcome;
    const auto poisoned = poisoned_.find({partition, message->offset()});
    const bool decodable = reads[i].decodable;
    if (message->len() > options_.max_command_bytes) {
      // Read only for its id and region, so the client gets an answer.
      v1::Command named;
      named.set_command_id(command.command_id().substr(0, 256));
      named.set_region(command.region().substr(0, kMaxRegionIdBytes));
      outcome.result = RefusedResult(
          named, absl::ResourceExhaustedError(absl::StrCat(
                     "command of ", message->len(), " bytes: expected at most ",
                     options_.max_command_bytes, " bytes (--max_command_bytes)")));
      handler_->RememberResult(outcome.result);
      command = std::move(named);
    } else if (poisoned != poisoned_.end()) {
      outcome.result = RefusedResult(command, absl::InternalError(poisoned->second));
      handler_->RememberResult(outcome.result);
    } else if (!decodable) {
      outcome.result = RefusedResult(
          command, absl::DataLossError(absl::StrCat(
                       "command at ", options_.kafka.commands_topic(), "/", partition, "@",
                       message->offset(),
                       ": not a decodable inkoop.v1.SignedCommand carrying an inkoop.v1.Command")));
    } else if (PartitionFor(command.region(), partition_count_) != partition) {
      outcome.result = RefusedResult(
          command, absl::InvalidArgumentError(absl::StrCat(
                       "region '", command.region(), "' belongs on partition ",
                       PartitionFor(command.region(), partition_count_), " of ",
                       options_.kafka.commands_topic(), ", got it on partition ", partition)));
    } else {
      outcome = handler_->Handle(signed_command, command, now, &reads[i].checked);
      if (!outcome.failure.ok()) return outcome.failure;
      if (!options_.test_internal_error_command_id.empty() &&
          command.command_id() == options_.test_internal_error_command_id) {
        outcome.result = RefusedResult(
            command, absl::InternalError("engine defect: the test's internal error"));
      }
      if (outcome.result.code() == static_cast<int32_t>(absl::StatusCode::kInternal)) {
        // The state may be half-applied: drop this transaction and what it
        // changed in memory; when read again the command is refused, so its
        // region goes on.
        const std::string reason = absl::StrCat(
            "command at ", options_.kafka.commands_topic(), "/", partition, "@",
            message->offset(), " could not be processed: ", outcome.result.message());
        LogError(reason);
        poisoned_[{partition, message->offset()}] = reason;
        return absl::InternalError(reason);
      }
    }
    outcome.result.set_command_partition(partition);
    outcome.result.set_command_offset(message->offset());
    const std::string key = command.region();
    for (v1::Event& event : outcome.events) {
      auto [held, first] = latest.try_emplace(key, Latest{partition, v1::Event()});
      if (!first) RETURN_IF_ERROR(produce_event(held->second, false));
      held->second.partition = partition;
      held->second.event = std::move(event);
    }
    RETURN_IF_ERROR(Produce(options_.kafka.results_topic(), partition, key,
                            outcome.result.SerializeAsString()));
    events += outcome.events.size();
    ++commands_decided_;
    MaybeCrash(EngineOptions::CrashPoint::kMidTransaction);
    if (outcome.result.duplicate()) {
      ++duplicates;
    } else if (outcome.result.accepted()) {
      ++accepted;
    } else {
      ++refused;
    }
  }

  for (const auto& [region, held] : latest) RETURN_IF_ERROR(produce_event(held, true));

  std::vector<std::unique_ptr<RdKafka::TopicPartition>> owned;
  std::vector<RdKafka::TopicPartition*> offsets;
  for (const auto& [partition, offset] : next_offsets) {
    owned.emplace_back(
        RdKafka::TopicPartition::create(options_.kafka.commands_topic(), partition, offset));
    offsets.push_back(owned.back().get());
  }
  std::unique_ptr<RdKafka::ConsumerGroupMetadata> group(consumer_->groupMetadata());
  RETURN_IF_ERROR(KafkaStatus(
      producer_->send_offsets_to_transaction(offsets, group.get(), TimeoutMs(kTransactionTimeout)),
      "send command offsets to transaction"));
  RETURN_IF_ERROR(KafkaStatus(producer_->commit_transaction(TimeoutMs(kTransactionTimeout)),
                              "commit transaction"));
  producer_->poll(0);  // serve any delivery report not yet served
  MaybeCrash(EngineOptions::CrashPoint::kAfterCommit);
  if (absl::Status checkpointed = WriteCheckpoint(); !checkpointed.ok()) {
    // Committed to Kafka but not stored: read the batch back from the log.
    LogWarning(absl::StrCat("state store write failed, resuming from the checkpoint: ",
                            checkpointed.message()));
    RETURN_IF_ERROR(Resume());
  }
  MaybeCrash(EngineOptions::CrashPoint::kAfterCheckpoint);
  counters_.transactions++;
  failed_transactions_ = 0;
  counters_.commands += batch.size();
  counters_.accepted += accepted;
  counters_.refused += refused;
  counters_.duplicates += duplicates;
  counters_.events += events;
  return absl::OkStatus();
}

absl::Status Engine::Run() {
  std::vector<std::unique_ptr<RdKafka::Message>> batch;
  absl::Time last_report = absl::Now();
  while (!stop_.load()) {
    batch.clear();
    const absl::Time deadline = absl::Now() + options_.batch_wait;
    while (static_cast<int>(batch.size()) < options_.max_batch) {
      const int wait = batch.empty() ? 100 : std::max(0, TimeoutMs(deadline - absl::Now()));
      std::unique_ptr<RdKafka::Message> message(consumer_->consume(wait));
      if (message->err() == RdKafka::ERR_NO_ERROR) {
        batch.push_back(std::move(message));
        continue;
      }
      if (message->err() != RdKafka::ERR__TIMED_OUT &&
          message->err() != RdKafka::ERR__PARTITION_EOF) {
        LogWarning(absl::StrCat("consume commands: ", message->errstr()));
      }
      if (!batch.empty() || stop_.load()) break;
    }
    if (!batch.empty()) {
      absl::Status status = ProcessBatch(batch);
      if (!status.ok()) {
        // A fatal producer error (fenced by a newer instance with our
        // transactional id) cannot be aborted: stop at once.
        std::string fatal;
        if (producer_->fatal_error(fatal) != RdKafka::ERR_NO_ERROR) {
          return absl::FailedPreconditionError(
              absl::StrCat(status.message(), " (producer unusable: ", fatal, ")"));
        }
        LogWarning(absl::StrCat("transaction failed, aborting: ", status.message()));
        std::unique_ptr<RdKafka::Error> abort_error(
            producer_->abort_transaction(TimeoutMs(kTransactionTimeout)));
        if (abort_error != nullptr && abort_error->is_fatal()) {
          return absl::FailedPreconditionError(
              absl::StrCat(status.message(), "; abort failed fatally: ", abort_error->str()));
        }
        if (absl::IsFailedPrecondition(status) || abort_error != nullptr) {
          // Fenced by a newer instance, or the producer is unusable: stop.
          return status;
        }
        counters_.aborted_transactions++;
        if (++failed_transactions_ > options_.max_failed_transactions) {
          return absl::UnavailableError(absl::StrCat(
              "stopping after ", failed_transactions_, " failed transactions in a row; the last: ",
              status.message()));
        }
        LogWarning(absl::StrCat("transaction aborted, resuming from the log: ", status.message()));
        RETURN_IF_ERROR(Resume());
        continue;
      }
    }
    if (absl::Now() - last_report > absl::Seconds(10)) {
      last_report = absl::Now();
      LogInfo(absl::StrCat(
          "commands ", counters_.commands.load(), " (accepted ", counters_.accepted.load(),
          ", refused ", counters_.refused.load(), ", duplicates ", counters_.duplicates.load(),
          "), events ", counters_.events.load(), ", transactions ", counters_.transactions.load(),
          " (aborted ", counters_.aborted_transactions.load(), ")"));
    }
  }
  producer_->flush(TimeoutMs(absl::Seconds(10)));
  return absl::OkStatus();
}

}  // namespace inkoop
